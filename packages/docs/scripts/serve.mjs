#!/usr/bin/env node
// `pnpm docs`: serves the built page on 127.0.0.1 and prints its URL. The port is `--port N`,
// or DOCS_PORT, or a free one. Stops on Ctrl-C.
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { serveDocs } from "./server.mjs";

const { values } = parseArgs({ options: { port: { type: "string" } }, allowPositionals: true });
const port = Number(values.port ?? process.env.DOCS_PORT ?? 0);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  process.stderr.write("docs: the port must be an integer from 0 to 65535\n");
  process.exit(2);
}
const { url, close } = await serveDocs(fileURLToPath(new URL("../dist/index.html", import.meta.url)), port);
process.stdout.write(`API reference: ${url}  (Ctrl-C to stop)\n`);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    void close().then(() => process.exit(0));
  });
}
