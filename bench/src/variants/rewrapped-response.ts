// The alternative to shadowing the body methods of the fetched Response (see
// packages/client/src/internal/buffered-response.ts): a second Response around the bytes read.
// `pnpm bench` builds the client with this module in place of the real one, to measure what it costs.
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

export function buffered(response: Response, bytes: Uint8Array): Response {
  return new Response(NULL_BODY_STATUSES.has(response.status) ? null : (bytes as unknown as BodyInit), {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}
