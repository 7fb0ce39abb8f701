/** The largest response body read, counted after decompression; no reply of this API comes near it. */
export const MAX_RESPONSE_BYTES: number = 1 << 20;

/** The body was larger than `MAX_RESPONSE_BYTES`. */
export class ResponseTooLarge extends Error {}

const EMPTY = new Uint8Array(0);

/**
 * Reads a whole body, refusing one larger than `MAX_RESPONSE_BYTES`. The count is of the decoded
 * bytes, chunk by chunk: `Content-Length` counts the compressed bytes, and fetch inflates a
 * `Content-Encoding` without limit, so a few kilobytes of nested gzip could otherwise fill the heap.
 * Stopping early cancels the stream, which stops the inflating too.
 */
export async function readCapped(response: Response): Promise<Uint8Array> {
  const { body } = response;
  if (body === null) return EMPTY;
  const declared = response.headers.get("content-length");
  if (declared !== null && Number(declared) > MAX_RESPONSE_BYTES) {
    await body.cancel().catch(() => undefined);
    throw new ResponseTooLarge();
  }
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new ResponseTooLarge();
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
