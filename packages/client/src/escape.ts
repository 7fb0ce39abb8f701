// biome-ignore-all lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
/**
 * What a terminal, a log viewer or a reader of JSON could be tricked by: C0 and C1 controls and
 * DEL (cursor moves, erasing lines, colours, titles), lone surrogates (no encoding can show them),
 * and the Unicode format characters that reorder or hide text (bidirectional overrides, isolates and
 * marks, zero-width characters, line and paragraph separators, the byte-order mark); and `\` itself,
 * so that an escape cannot be forged.
 */
const UNSAFE =
  /[\\\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const NAMED: Readonly<Record<string, string>> = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * Text that came from the service (a comment, a role or user name, an error message), made safe to
 * show anywhere: every character above is written as an escape (`\n`, `\u001b`, `\u202e`, `\\`),
 * everything else is left as it is. The same text always gives the same result, and no result
 * holds a control character, so a hostile comment cannot erase a table row, colour a prompt, or
 * pose as the tool's own output. The CLI and the MCP server show service text only through it.
 *
 * @example
 * escapeText("nightly\u001b[2K\r"); // "nightly\\u001b[2K\\r"
 */
export function escapeText(text: string): string {
  return text.replace(
    UNSAFE,
    (character) => NAMED[character] ?? `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
