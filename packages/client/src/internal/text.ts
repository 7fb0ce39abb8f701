// The service's own text is shown in a message up to this length, and kept in a field up to MAX_KEPT.
const MAX_SHOWN = 300;
const MAX_KEPT = 2_000;
// C0 and C1 controls, DEL, and the Unicode marks that reorder or hide text on a terminal.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** `text` cut to `limit` characters, with an ellipsis if it was longer. */
export function capped(text: string, limit: number = MAX_KEPT): string {
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}

/**
 * Text from the service, made safe to put in a message that may be logged: control characters
 * are shown as escapes (so a reply cannot forge log lines or drive a terminal), and it is capped.
 */
export function visible(text: string): string {
  return capped(text, MAX_SHOWN).replace(INVISIBLE, (character) =>
    character === "\n"
      ? "\\n"
      : character === "\r"
        ? "\\r"
        : character === "\t"
          ? "\\t"
          : `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
