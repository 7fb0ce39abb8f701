// The env writer: every value it writes reads back exactly, through Node's util.parseEnv (what
// `node --env-file` and xsiam-keys --credentials use) and through a POSIX shell that sources the
// file with `set -a; . ./file` (how many CI jobs load one), and nothing in it runs. What cannot be
// written that way is refused, naming the variable and never showing the value.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEnv } from "node:util";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { envFile, envLine, XsiamValidationError } from "../src/index.js";

/** What `sh` reads for each variable of `text` when it sources it: name → value. */
function sourcedBySh(
  text: string,
  names: readonly string[],
): { values: Record<string, string>; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), "env-file-"));
  writeFileSync(join(dir, "vars.env"), text);
  const script = `set -a; . ./vars.env; for name in ${names.join(" ")}; do eval "printf '%s\\0' \\"\\$$name\\""; done`;
  const output = execFileSync("sh", ["-c", script], { cwd: dir, encoding: "utf8" });
  const parts = output.split("\0");
  return { values: Object.fromEntries(names.map((name, index) => [name, parts[index] ?? "<missing>"])), dir };
}

const HOSTILE = [
  "acme #2",
  "#2",
  "$(touch pwned)",
  "`touch pwned`",
  "${HOME}",
  "a'b",
  "it's",
  'say "hi"',
  "x y",
  " leading",
  "trailing ",
  "a=b",
  "=",
  "~/x",
  "a:~/b",
  "*",
  "a;touch pwned",
  "a|b",
  "a&b",
  "é ü 中",
  "back\\slash",
  "'",
  '"',
  "!",
  "",
  "https://api-tenant.xdr.us.paloaltonetworks.com",
  "A1b2C3-_.:@%+,=/",
];

describe("envLine", () => {
  test("bare values stay bare, so that readers without quotes (docker --env-file) read them too", () => {
    expect(envLine("XSIAM_BASE_URL", "https://api-x.paloaltonetworks.com")).toBe(
      "XSIAM_BASE_URL=https://api-x.paloaltonetworks.com",
    );
    expect(envLine("XSIAM_API_KEY_ID", "12")).toBe("XSIAM_API_KEY_ID=12");
    expect(envLine("XSIAM_CHILD_TENANT_ID", "acme #2")).toBe("XSIAM_CHILD_TENANT_ID='acme #2'");
    expect(envLine("V", "it's")).toBe(`V="it's"`);
  });

  test("hostile values read back exactly through parseEnv and sh, and nothing runs", () => {
    const written = HOSTILE.filter((value) => {
      try {
        envLine("V", value);
        return true;
      } catch {
        return false;
      }
    });
    // Only a ' together with $ ` \ " or ! cannot be written for both readers.
    expect(HOSTILE.filter((value) => !written.includes(value))).toEqual([]);
    const names = written.map((_, index) => `V${index}`);
    const text = envFile(Object.fromEntries(written.map((value, index) => [`V${index}`, value])), "test");
    const parsed = parseEnv(text);
    const { values, dir } = sourcedBySh(text, names);
    written.forEach((value, index) => {
      expect(parsed[`V${index}`], JSON.stringify(value)).toBe(value);
      expect(values[`V${index}`], JSON.stringify(value)).toBe(value);
    });
    expect(existsSync(join(dir, "pwned"))).toBe(false);
  });

  test.each([
    ["a line break", "a\nb"],
    ["a carriage return", "a\rb"],
    ["NUL", "a\0b"],
    ["an escape", "a\u001b[2Kb"],
    ["C1 control", "a\u0085b"],
    ["a lone surrogate", "a\ud800b"],
    ["a ' and a $", "it's $HOME"],
    ["a ' and a backslash", "it's a\\b"],
    ["a ' and a \"", `it's "x"`],
  ])("%s is refused, naming the variable, not showing the value", (_, value) => {
    let error: unknown;
    try {
      envLine("XSIAM_API_KEY", value);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(XsiamValidationError);
    expect((error as XsiamValidationError).field).toBe("XSIAM_API_KEY");
    expect((error as Error).message).not.toContain(value);
  });

  test("a name that is not a variable name is refused", () => {
    expect(() => envLine("1X", "a")).toThrow(XsiamValidationError);
    expect(() => envLine("A B", "a")).toThrow(XsiamValidationError);
  });

  test("envFile: the comment cannot break out of its line", () => {
    const text = envFile({ A: "1" }, "key 12\nB=injected");
    expect(parseEnv(text)).toEqual({ A: "1" });
    expect(text.split("\n")).toHaveLength(3);
  });

  test("property: any value is refused or reads back the same through parseEnv and sh (2,000 values)", () => {
    const alphabet = fc.constantFrom(
      ..."aZ09 #'\"$`\\!~*?;|&<>(){}[]=:@%+,./-_\t\né".split(""),
      "\u001b",
      "\u2028",
      "中",
    );
    const samples = fc.sample(fc.string({ unit: alphabet, maxLength: 12 }), { numRuns: 2_000, seed: 19 });
    const written: string[] = [];
    for (const value of samples) {
      try {
        envLine("V", value);
        written.push(value);
      } catch (error) {
        expect(error).toBeInstanceOf(XsiamValidationError);
        const refusable =
          // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are the point.
          /[\u0000-\u001f\u007f-\u009f]/.test(value) || (value.includes("'") && /[$`\\"!]/.test(value));
        expect(refusable, JSON.stringify(value)).toBe(true);
      }
    }
    expect(written.length).toBeGreaterThan(500);
    const names = written.map((_, index) => `V${index}`);
    const text = envFile(Object.fromEntries(written.map((value, index) => [`V${index}`, value])));
    const parsed = parseEnv(text);
    const { values } = sourcedBySh(text, names);
    written.forEach((value, index) => {
      expect(parsed[`V${index}`], JSON.stringify(value)).toBe(value);
      expect(values[`V${index}`], JSON.stringify(value)).toBe(value);
    });
  });
});
