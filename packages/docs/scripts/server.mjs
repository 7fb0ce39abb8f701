// A static server for the built page, on 127.0.0.1 only.
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";

/**
 * Serves `htmlFile` at `/` on 127.0.0.1 and `port` (0: a free one).
 * @param {string} htmlFile
 * @param {number} [port]
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function serveDocs(htmlFile, port = 0) {
  const html = await readFile(htmlFile);
  const server = createServer((request, response) => {
    if (request.url === "/" || request.url === "/index.html") {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": html.length });
      response.end(html);
    } else {
      response.writeHead(404, { "content-type": "text/plain" }).end("Not found");
    }
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
