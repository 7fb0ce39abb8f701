/** What a secret is replaced with. */
export const REDACTED = "[redacted]";

/** Headers whose values are secrets, whatever they hold. */
const SECRET_HEADERS = new Set(["authorization", "proxy-authorization", "cookie", "set-cookie"]);
// Shorter values cannot be told apart from ordinary text, and no key or signature is this short.
const MIN_SECRET_LENGTH = 8;
// A run of 32 or more letters and digits, each possibly escaped: a generated key (the service's are
// 60 to 128 of them) or anything else too random to be a word, as it would appear in an error body.
const KEY_LIKE =
  /(?:[A-Za-z0-9]|\\u00[0-7][0-9A-Fa-f]|%[2-7][0-9A-Fa-f]|&#(?:\d{2,3}|[xX][0-9A-Fa-f]{2});){32,}/g;
const NAMED_REFERENCES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};
const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Finds the secrets of one call in text, in every form a server might echo them in. */
export interface SecretMatcher {
  /** Whether `text` holds a secret. */
  test(text: string): boolean;
  /** `text` with every secret replaced by `[redacted]`. */
  redact(text: string): string;
}

/** The values of the request's secret headers: what the call must never echo anywhere. */
export function secretsOf(headers: Headers): string[] {
  const secrets: string[] = [];
  headers.forEach((value, name) => {
    if (SECRET_HEADERS.has(name)) secrets.push(value);
  });
  return secrets;
}

/** `value` in hexadecimal, at least `width` digits, as a pattern that takes either case of each letter. */
function hex(value: number, width: number): string {
  return value
    .toString(16)
    .padStart(width, "0")
    .replace(/[a-f]/g, (digit) => `[${digit}${digit.toUpperCase()}]`);
}

/**
 * Every way one character can be written in a JSON string, a URL or HTML: as is, `\uXXXX` (a
 * surrogate pair beyond the BMP), `\/`, `\"` and `\\`, percent-encoded UTF-8, a numeric or named
 * character reference.
 */
function characterForms(character: string): string {
  const code = character.codePointAt(0) ?? 0;
  const forms = [character.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&")];
  const units =
    code > 0xffff ? [0xd800 + ((code - 0x10000) >> 10), 0xdc00 + ((code - 0x10000) & 0x3ff)] : [code];
  forms.push(units.map((unit) => `\\\\u${hex(unit, 4)}`).join(""));
  if (character === "/" || character === '"' || character === "\\") forms.push(`\\\\\\${character}`);
  forms.push([...encoder.encode(character)].map((byte) => `%${hex(byte, 2)}`).join(""));
  forms.push(`&#0*${code};`, `&#[xX]0*${hex(code, 1)};`);
  const named = NAMED_REFERENCES[character];
  if (named) forms.push(named);
  return `(?:${forms.join("|")})`;
}

const base64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

/**
 * What a server may echo instead of `secret`: its UTF-8 bytes in hexadecimal (either case)
 * and in base64 and base64url, also where it sits inside a longer base64 text (`Basic` credentials,
 * a token): for each of the three offsets at which it may start there, the characters that encode
 * its bytes alone.
 */
function encodings(secret: string): string[] {
  const bytes = encoder.encode(secret);
  const hexDigits = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  const forms = [hexDigits, hexDigits.toUpperCase()];
  for (const offset of [0, 1, 2]) {
    const shifted = new Uint8Array(offset + bytes.length);
    shifted.set(bytes, offset);
    // The characters before `skip` mix in the bytes before the secret; the last group of four may
    // mix in the bytes after it, or padding.
    const skip = [0, 2, 3][offset] as number;
    const core = base64(shifted).slice(skip, -4);
    forms.push(core, core.replace(/\+/g, "-").replace(/\//g, "_"));
  }
  return forms;
}

// Text without any of these holds a secret only as it is: no escaped form needs looking for.
const ESCAPES = /[\\%&]/;

/**
 * A matcher for `secrets` as they are and with any of their characters escaped in any of the ways
 * a JSON body, a URL or an HTML page would escape them, in any mix: parsing such a body can only
 * give back text the matcher has already redacted. `undefined` when there is nothing to look for.
 * The pattern for escaped forms is compiled only when some text has an escape in it.
 */
export function secretMatcher(secrets: readonly string[]): SecretMatcher | undefined {
  const plain = [...new Set(secrets)].filter((secret) => secret.length >= MIN_SECRET_LENGTH);
  if (plain.length === 0) return undefined;
  // The encoded forms are looked for as they are: what escapes them is the plain form's pattern.
  const encoded = [...new Set(plain.flatMap(encodings))]
    .filter((form) => form.length >= MIN_SECRET_LENGTH && !plain.includes(form))
    .sort((a, b) => b.length - a.length);
  let escaped: RegExp | undefined;
  const pattern = () => {
    escaped ??= new RegExp(
      plain
        .sort((a, b) => b.length - a.length)
        .map((secret) => Array.from(secret, characterForms).join(""))
        .join("|"),
      "g",
    );
    escaped.lastIndex = 0;
    return escaped;
  };
  const holdsPlain = (text: string) => plain.some((secret) => text.includes(secret));
  const holdsEncoded = (text: string) => encoded.some((form) => text.includes(form));
  const withoutEncoded = (text: string) =>
    encoded.reduce((clean, form) => (clean.includes(form) ? clean.split(form).join(REDACTED) : clean), text);
  return {
    test: (text) => holdsPlain(text) || holdsEncoded(text) || (ESCAPES.test(text) && pattern().test(text)),
    redact: (text) => {
      const clean = withoutEncoded(text);
      return holdsPlain(clean) || ESCAPES.test(clean) ? clean.replace(pattern(), REDACTED) : clean;
    },
  };
}

/** Headers as a record; a secret header, or any value that holds a secret of the call, shows as `[redacted]`. */
export function redactedHeaders(
  headers: Headers,
  matcher: SecretMatcher | undefined,
): Record<string, string> {
  const shown: Record<string, string> = {};
  headers.forEach((value, name) => {
    shown[name] = SECRET_HEADERS.has(name) || matcher?.test(value) ? REDACTED : value;
  });
  return shown;
}

const MAX_DEPTH = 64;

/** Every string held under a property named `key`, at any depth: a key a reply carries. */
function keysIn(value: unknown, found: string[] = [], depth = 0): string[] {
  if (depth > MAX_DEPTH || typeof value !== "object" || value === null) return found;
  for (const [name, item] of Object.entries(value)) {
    if (name.toLowerCase() === "key" && typeof item === "string") found.push(item);
    else keysIn(item, found, depth + 1);
  }
  return found;
}

/**
 * The body of a response that is not a success (an error, a redirect), without the call's
 * secrets in any form. For an endpoint that mints keys, no key may reach an error either: every
 * value a `key` property holds is a secret too, and so is anything key-like (a long run of letters
 * and digits), wherever it is.
 */
export function redactedBody(
  bytes: Uint8Array,
  callSecrets: readonly string[],
  mintsKeys: boolean,
): Uint8Array {
  if (bytes.byteLength === 0) return bytes;
  const text = decoder.decode(bytes);
  let secrets = callSecrets;
  if (mintsKeys) {
    try {
      secrets = [...callSecrets, ...keysIn(JSON.parse(text))];
    } catch {
      // Not JSON: no `key` property to find; the key-like pattern still applies.
    }
  }
  let clean = secretMatcher(secrets)?.redact(text) ?? text;
  if (mintsKeys) clean = clean.replace(KEY_LIKE, REDACTED);
  return clean === text ? bytes : encoder.encode(clean);
}

/**
 * The origin a redirect points to, resolved against the request's URL, never its path or query,
 * for an error to name: without the call's secrets in any form, and without anything key-like (a
 * hostile server can put either in a host name).
 */
export function redirectTarget(location: string, base: string, callSecrets: readonly string[]): string {
  let origin: string;
  try {
    origin = new URL(location, base).origin;
  } catch {
    return "a location that is not a URL";
  }
  return (secretMatcher(callSecrets)?.redact(origin) ?? origin).replace(KEY_LIKE, REDACTED);
}
