export { type BundleOptions, type BundleSize, type Bytes, consumerBundleSize } from "./bundle-size.js";
export { createFakeClock, type FakeClock } from "./fake-clock.js";
export { type Fault, type FaultServer, faults, startFaultServer } from "./faults.js";
export { runJsonScript } from "./json-script.js";
export { type LimitedServer, startLimitedServer } from "./limited-server.js";
export { checkPackage, expectPublishable, type PackageCheck } from "./package-check.js";
export { getFreePort } from "./ports.js";
export { isRunning, type PrismMock, type StartPrismOptions, specFile, startPrism } from "./prism.js";
// Importing anything from here also brings the `inject("prismUrl")` typing into scope.
export type { PrismContext } from "./prism-setup.js";
export { type RedisServer, startRedis } from "./redis.js";
export { type NodeRun, runNode } from "./run-node.js";
export { type ReceivedRequest, startServer, type TestServer } from "./server.js";
export { copyWorkspace, repositoryRoot, seedTurboCache } from "./workspace-copy.js";
