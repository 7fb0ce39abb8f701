import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** A request the server received, with its body read. */
export interface ReceivedRequest {
  /** When the request arrived (`Date.now()`). */
  at: number;
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** A node:http server on 127.0.0.1 and a free port, for answers Prism cannot give. */
export interface TestServer {
  readonly url: string;
  /** Every request received so far, in order. */
  readonly received: ReceivedRequest[];
  /** Closes the server and every open connection. */
  close(): Promise<void>;
}

/**
 * Starts a server that reads each request's body, records it, then calls `handler`.
 * It listens on 127.0.0.1 only.
 */
export async function startServer(
  handler: (request: ReceivedRequest, response: ServerResponse, socket: Socket) => void | Promise<void>,
): Promise<TestServer> {
  const received: ReceivedRequest[] = [];
  const server = createServer((request, response) => {
    const at = Date.now();
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const entry = {
        at,
        method: request.method ?? "",
        path: request.url ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      received.push(entry);
      void handler(entry, response, request.socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
