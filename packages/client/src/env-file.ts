import { XsiamValidationError } from "./errors.js";

// Values written as they are: what no reader treats specially (Node's `util.parseEnv` and dotenv
// end a bare value at `#`; a POSIX shell expands `$`, `` ` ``, `~`, globs, quotes and spaces).
const BARE = /^[A-Za-z0-9_./:@%+,=-]+$/;
// Inside double quotes a shell still expands these, and `util.parseEnv` has no escape for them.
const SHELL_IN_DOUBLE_QUOTES = /[$`\\"!]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// Half of a surrogate pair without the other half: no encoding can write it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * One `NAME=value` line that Node's `util.parseEnv` (and so `node --env-file`), dotenv, and a POSIX
 * shell sourcing the file (`set -a; . ./file`) all read back as exactly `value`. A value is quoted
 * only where it must be, so that a plain one stays plain for readers that take no quotes
 * (`docker --env-file`): bare, else in single quotes, else (it holds a `'`) in double quotes.
 * Throws `XsiamValidationError` naming `name` for a value no quoting can carry to every reader: a
 * line break or another control character, or a `'` together with one of `$`, `` ` ``, `\`, `"`, `!`
 * (a shell expands those inside double quotes, and `parseEnv` has no escapes). The value is never
 * shown in the error: it may be a key.
 *
 * @example
 * envLine("XSIAM_CHILD_TENANT_ID", "acme #2"); // XSIAM_CHILD_TENANT_ID='acme #2'
 */
export function envLine(name: string, value: string): string {
  if (!NAME.test(name)) {
    throw new XsiamValidationError(
      "name",
      "must be a variable name: letters, digits and _, not first a digit",
    );
  }
  if (typeof value !== "string") {
    throw new XsiamValidationError(name, `must be a string (got ${typeof value})`);
  }
  if (CONTROL.test(value) || LONE_SURROGATE.test(value)) {
    throw new XsiamValidationError(
      name,
      "holds a line break or another control character, which an env file cannot carry to every reader",
    );
  }
  if (BARE.test(value)) return `${name}=${value}`;
  if (!value.includes("'")) return `${name}='${value}'`;
  if (!SHELL_IN_DOUBLE_QUOTES.test(value)) return `${name}="${value}"`;
  throw new XsiamValidationError(
    name,
    "holds a ' together with one of $ ` \\ \" !, which no quoting of an env file carries to both a shell and util.parseEnv",
  );
}

/**
 * An env file: an optional `# comment` line (control characters in it become spaces), then one
 * `envLine` per entry, in order, and a final newline. Throws as `envLine` does, before anything
 * is returned, so that a file is never half written.
 *
 * @example
 * const text = envFile({ XSIAM_BASE_URL: xsiam.baseUrl, XSIAM_API_KEY_ID: String(key.id), XSIAM_API_KEY: key.key });
 */
export function envFile(variables: Readonly<Record<string, string>>, comment?: string): string {
  const lines = Object.entries(variables).map(([name, value]) => envLine(name, value));
  if (comment !== undefined) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is replaced.
    lines.unshift(`# ${comment.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, " ")}`);
  }
  return `${lines.join("\n")}\n`;
}
