import { escapeText } from "../escape.js";

// The service's own text is shown in a message up to this length, and kept in a field up to MAX_KEPT.
const MAX_SHOWN = 300;
const MAX_KEPT = 2_000;

/** `text` cut to `limit` characters, with an ellipsis if it was longer. */
export function capped(text: string, limit: number = MAX_KEPT): string {
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}

/**
 * Text from the service, made safe to put in a message that may be logged: escaped with
 * `escapeText` (so a reply cannot forge log lines or drive a terminal), and capped.
 */
export function visible(text: string): string {
  return escapeText(capped(text, MAX_SHOWN));
}
