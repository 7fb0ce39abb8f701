import { startServer } from "./server.js";

/** A server that enforces a tenant's rate limit strictly, as the service does. */
export interface LimitedServer {
  readonly url: string;
  /** When each accepted request arrived (`performance.timeOrigin + now`, ms). */
  readonly accepted: number[];
  /** How many requests it turned away with 429. */
  readonly refused: () => number;
  close(): Promise<void>;
}

/**
 * Starts a server on 127.0.0.1 that answers every request with a delete reply, but answers 429
 * once `limit` requests were accepted in the last `windowMs`: the tenant limit, strict, over a
 * sliding window, with arrival times taken as requests come in.
 */
export async function startLimitedServer({ limit = 10, windowMs = 1_000 } = {}): Promise<LimitedServer> {
  const accepted: number[] = [];
  let refused = 0;
  const server = await startServer((_request, response) => {
    const now = performance.timeOrigin + performance.now();
    let recent = 0;
    for (let index = accepted.length - 1; index >= 0 && (accepted[index] ?? 0) > now - windowMs; index--)
      recent++;
    const [status, body] =
      recent >= limit
        ? [429, { reply: { err_code: 429, err_msg: "Too many requests", err_extra: null } }]
        : [200, { reply: { update_count: 1 } }];
    if (status === 429) refused++;
    else accepted.push(now);
    response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  return { url: server.url, accepted, refused: () => refused, close: () => server.close() };
}
