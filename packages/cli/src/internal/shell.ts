import { escapeText } from "@xsiam-sdk/client";

/**
 * A word for a shell: quoted unless it is plain. A control character (a path can hold one), and so
 * a backslash, is shown escaped as `escapeText` does, rather than written to the terminal.
 */
export function shellWord(word: string): string {
  const quoted = /^[\w./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
  return escapeText(quoted);
}
