import type { ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { type ReceivedRequest, startServer, type TestServer } from "./server.js";

/** How the fault server answers one request. */
export type Fault = (response: ServerResponse, socket: Socket, request: ReceivedRequest) => void;

const envelope = (status: number, message: string) =>
  JSON.stringify({ reply: { err_code: status, err_msg: message, err_extra: null } });

function send(
  response: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    ...headers,
  });
  response.end(body);
}

/** The answers the fault server can give. */
export const faults = {
  /** A JSON body with a status. */
  json:
    (status: number, body: unknown, headers?: Record<string, string>): Fault =>
    (response) =>
      send(response, status, JSON.stringify(body), headers),
  /** The service's error envelope for `status`, optionally with `Retry-After`. */
  status:
    (status: number, retryAfter?: string): Fault =>
    (response) =>
      send(
        response,
        status,
        envelope(status, `status ${status}`),
        retryAfter === undefined ? {} : { "retry-after": retryAfter },
      ),
  /** An HTML page, as a proxy or load balancer sends. */
  html:
    (status: number): Fault =>
    (response) =>
      send(response, status, `<html><body><h1>${status}</h1>upstream unavailable</body></html>`, {
        "content-type": "text/html",
      }),
  /** An error that repeats the request's headers, as some gateways do: in the envelope or as text. */
  echoHeaders:
    (status: number, as: "envelope" | "text"): Fault =>
    (response, _socket, request) => {
      const repeated = JSON.stringify(request.headers);
      if (as === "text") {
        send(response, status, `rejected request with headers ${repeated}`, { "content-type": "text/plain" });
      } else {
        const reply = { err_code: status, err_msg: `rejected: ${repeated}`, err_extra: request.headers };
        send(response, status, JSON.stringify({ reply }));
      }
    },
  /**
   * An answer that repeats the request's `Authorization` value in its response headers: as it is,
   * percent-encoded and inside a longer value, as some gateways and debugging proxies do.
   */
  echoInHeaders:
    (then: Fault): Fault =>
    (response, socket, request) => {
      const value = String(request.headers.authorization ?? "");
      response.setHeader("x-echo-authorization", value);
      response.setHeader(
        "x-debug-request",
        `auth=${encodeURIComponent(value)}; id=${request.headers["x-xdr-auth-id"]}`,
      );
      then(response, socket, request);
    },
  /**
   * An error envelope that repeats the request's `Authorization` value with JSON escapes the raw
   * bytes do not show: every character as `\uXXXX` in `err_extra`, and `/` as `\/` in `err_msg`.
   */
  echoEscaped:
    (status: number): Fault =>
    (response, _socket, request) => {
      const value = String(request.headers.authorization ?? "");
      const unicode = [...value]
        .map((character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`)
        .join("");
      const slashed = value.replaceAll("/", "\\/");
      const body = `{"reply":{"err_code":${status},"err_msg":"rejected ${slashed}","err_extra":{"authorization":"${unicode}"}}}`;
      send(response, status, body);
    },
  /** A redirect to `location`, with a body that says so. */
  redirect:
    (status: number, location: string): Fault =>
    (response) =>
      send(response, status, JSON.stringify({ moved: location }), { location }),
  /**
   * A 5xx that says a key was minted: the key in `reply.key` and quoted in `err_msg`, or only
   * quoted in `err_msg`, as a failing backend might put it.
   */
  mintedInError:
    (status: number, key: string, where: "reply" | "message"): Fault =>
    (response) => {
      const reply = {
        err_code: status,
        err_msg: `key '${key}' was created, then the reply failed`,
        err_extra: where === "reply" ? { key } : null,
        ...(where === "reply" && { id: 5012, key }),
      };
      send(response, status, JSON.stringify({ reply }));
    },
  /** A status with an empty body. */
  empty:
    (status: number): Fault =>
    (response) =>
      send(response, status, ""),
  /** JSON cut off in the middle, with a consistent Content-Length. */
  truncatedJson:
    (status: number): Fault =>
    (response) =>
      send(response, status, '{"reply":{"id":42,"ke'),
  /** A valid JSON reply labelled as something else. */
  wrongContentType:
    (body: unknown): Fault =>
    (response) =>
      send(response, 200, JSON.stringify(body), { "content-type": "text/plain; charset=iso-8859-1" }),
  /** `bytes` of body, declared by Content-Length or (chunked) not. */
  huge:
    (bytes: number, declared: boolean): Fault =>
    (response) => {
      response.writeHead(200, {
        "content-type": "application/json",
        ...(declared ? { "content-length": bytes } : {}),
      });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let left = bytes;
      const write = () => {
        while (left > 0) {
          const size = Math.min(left, chunk.length);
          left -= size;
          if (!response.write(chunk.subarray(0, size))) return void response.once("drain", write);
        }
        response.end();
      };
      response.on("error", () => undefined);
      write();
    },
  /** Answers with `then` after `ms`: slower than a client's timeout. */
  slow:
    (ms: number, then: Fault): Fault =>
    (response, socket, request) => {
      const timer = setTimeout(() => then(response, socket, request), ms);
      socket.once("close", () => clearTimeout(timer));
    },
  /** Sends the headers and half of the body, then closes the connection. */
  closeMidResponse: (): Fault => (response, socket) => {
    response.writeHead(200, { "content-type": "application/json", "content-length": 200 });
    response.write('{"reply":{"update_count":');
    setTimeout(() => socket.destroy(), 20);
  },
  /** Closes the connection without any answer. */
  hangUp: (): Fault => (_response, socket) => socket.destroy(),
};

/** A fault server: each request takes the next planned fault, or `fallback` once the plan is used up. */
export interface FaultServer extends TestServer {
  /** Replaces the plan and forgets the requests received so far. */
  plan(faults: readonly Fault[], fallback?: Fault): void;
}

/** Starts a fault server on 127.0.0.1 and a free port. */
export async function startFaultServer(): Promise<FaultServer> {
  let queue: Fault[] = [];
  let otherwise: Fault = faults.status(500);
  const server = await startServer((request, response, socket) =>
    (queue.shift() ?? otherwise)(response, socket, request),
  );
  return {
    ...server,
    plan(planned, fallback = faults.status(500)) {
      queue = [...planned];
      otherwise = fallback;
      server.received.length = 0;
    },
  };
}
