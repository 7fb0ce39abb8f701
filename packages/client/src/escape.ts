// biome-ignore-all lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
/**
 * What a terminal, a log viewer or a reader of JSON could be tricked by: C0 and C1 controls and
 * DEL (cursor moves, erasing lines, colours, titles), lone surrogates (no encoding can show them),
 * and the Unicode characters that reorder or hide text: every format character (bidirectional
 * overrides, isolates and marks, zero-width characters, the byte-order mark, the soft hyphen, the
 * interlinear annotation marks, and the tag characters that can carry hidden ASCII), line and
 * paragraph separators, and every other default-ignorable character (invisible fillers, the
 * combining grapheme joiner, variation selectors, unassigned ones), except the two variation
 * selectors that choose how an emoji is drawn (U+FE0E, U+FE0F); and `\` itself,
 * so that an escape cannot be forged.
 */
const UNSAFE = /[\\\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]|(?![\ufe0e\ufe0f])\p{Default_Ignorable_Code_Point}/gu;
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
    (found) =>
      NAMED[found] ??
      // One escape per UTF-16 unit: a character beyond the BMP is two of them.
      found
        .split("")
        .map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, "0")}`)
        .join(""),
  );
}
