import { describe, expect, test } from "vitest";
import { escapeText } from "../src/index.js";

describe("escapeText", () => {
  test.each([
    ["a line break, a tab, a carriage return", "a\nb\tc\rd", "a\\nb\\tc\\rd"],
    ["an escape sequence and DEL", "x\u001b[2K\u007f", "x\\u001b[2K\\u007f"],
    ["a C1 control", "x\u009by", "x\\u009by"],
    ["a backslash, so that no escape can be forged", "\\u001b", "\\\\u001b"],
    ["a right-to-left override and an isolate", "txt\u202eexe\u2066", "txt\\u202eexe\\u2066"],
    ["zero-width characters and the byte-order mark", "a\u200bb\u2060c\ufeff", "a\\u200bb\\u2060c\\ufeff"],
    ["a soft hyphen and a combining grapheme joiner", "pass\u00adword\u034f", "pass\\u00adword\\u034f"],
    [
      "invisible fillers and separators",
      "\u115f\u1160\u17b4\u17b5\u180e\u3164\uffa0",
      "\\u115f\\u1160\\u17b4\\u17b5\\u180e\\u3164\\uffa0",
    ],
    ["interlinear annotation marks", "\ufff9a\ufffab\ufffb", "\\ufff9a\\ufffab\\ufffb"],
    // ASCII smuggled as tag characters (U+E0041 U+E0042), and a supplementary variation selector.
    ["tag characters", "ok\u{e0041}\u{e0042}", "ok\\udb40\\udc41\\udb40\\udc42"],
    ["a supplementary variation selector", "a\u{e0100}", "a\\udb40\\udd00"],
    ["a shorthand format control", "a\u{1bca0}", "a\\ud82f\\udca0"],
    ["lone surrogates", "a\ud800b\udc00", "a\\ud800b\\udc00"],
    // What else renders as nothing: variation selectors 1 to 14, Mongolian ones, unassigned ones.
    ["a variation selector", "a\ufe00b", "a\\ufe00b"],
    ["a Mongolian variation selector", "a\u180bb", "a\\u180bb"],
    [
      "unassigned default-ignorable characters",
      "a\u2065\ufff0\u{e0000}\u{e0fff}",
      "a\\u2065\\ufff0\\udb40\\udc00\\udb43\\udfff",
    ],
  ])("escapes %s", (_label, text, escaped) => {
    expect(escapeText(text)).toBe(escaped);
    // Nothing in the result is itself unsafe, and escaping is stable on plain text.
    expect(escapeText(escaped)).toBe(escaped.replaceAll("\\", "\\\\"));
  });

  test("leaves ordinary text alone: accents, CJK, emoji (with a variation selector, a skin tone, a flag)", () => {
    for (const text of ["Café déjà vu", "日本語のコメント", "❤️ 👍🏽 🇫🇷", "nightly export #2 (ci)"]) {
      expect(escapeText(text)).toBe(text);
    }
  });
});
