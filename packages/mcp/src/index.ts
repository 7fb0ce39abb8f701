export { KeyDirError } from "./internal/key-dir.js";
export { createXsiamMcpServer, type XsiamMcpServer, type XsiamMcpServerOptions } from "./server.js";
