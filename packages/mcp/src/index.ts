export { createXsiamMcpServer, type XsiamMcpServer, type XsiamMcpServerOptions } from "./server.js";
