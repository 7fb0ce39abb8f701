// The checks of the headers a caller adds to one call, loaded only for a call that adds some.
// Reaches the whole package, as the entry does: a bundler that splits at dynamic imports (esbuild)
// then puts all the code that loads up front in one chunk, instead of one per set of lazy modules
// that shares it, which compresses worse and loads as several files.
import "../index.js";
import { XsiamValidationError } from "../errors.js";

// RFC 9110 token: what a header name may be.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// What fetch refuses in a header value (with a TypeError that quotes the value, or an error the
// client would take for a network failure after sending): a control character but tab, or a
// character outside Latin-1.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
const BREAKS_HEADER = /[\0-\x08\x0a-\x1f\x7f]|[^\0-\xff]/;
// Headers the transport sets from the request itself: set per call, fetch fails or hangs.
const TRANSPORT_HEADERS = /^(?:connection|content-length|expect|host|keep-alive|transfer-encoding|upgrade)$/i;
/** One header of a `headers` option, as a name and its values, whatever form the option takes. */
function entriesOf(headers: unknown): Array<[string, unknown]> {
  if (headers instanceof Headers) return []; // a Headers object was checked when it was filled
  if (Array.isArray(headers))
    return headers.map((pair) => (Array.isArray(pair) ? [String(pair[0]), pair[1]] : ["", pair]));
  return Object.entries(headers as object);
}

/**
 * Checks the headers a caller adds to one call, before fetch sees them: fetch's own error for a
 * line break quotes the value, which may be a proxy token. Names a bad header, never its value.
 */
export function checkHeaders(headers: unknown, field: string): void {
  if (headers === undefined || headers === null) return;
  if (typeof headers !== "object") {
    throw new XsiamValidationError(field, "must be an object of header names and values");
  }
  for (const [name, value] of entriesOf(headers)) {
    if (!HEADER_NAME.test(name)) {
      throw new XsiamValidationError(field, "has a header name that is not a valid HTTP token");
    }
    if (TRANSPORT_HEADERS.test(name)) {
      throw new XsiamValidationError(`${field}["${name}"]`, "is set by the transport, not per call");
    }
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== null && item !== undefined && BREAKS_HEADER.test(String(item))) {
        throw new XsiamValidationError(`${field}["${name}"]`, "has a character a header value cannot carry");
      }
    }
  }
}
