export { getFreePort } from "./ports.js";
export { type PrismMock, type StartPrismOptions, specFile, startPrism } from "./prism.js";
