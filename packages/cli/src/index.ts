import { type ParseArgsConfig, parseArgs } from "node:util";
import { audit, prune } from "./commands/audit.js";
import { check } from "./commands/check.js";
import { remove } from "./commands/delete.js";
import { generate } from "./commands/generate.js";
import { list } from "./commands/list.js";
import { rotate } from "./commands/rotate.js";
import { type Context, createContext, type RunControl } from "./internal/context.js";
import { refuseKeyFlags } from "./internal/credentials.js";
import { CliError, EXIT, typed } from "./internal/errors.js";
import { COMMANDS, OVERVIEW } from "./internal/help.js";
import { Output, type Streams } from "./internal/output.js";
import { closest } from "./internal/suggest.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

const COMMON: Options = {
  credentials: { type: "string" },
  "api-key-stdin": { type: "boolean" },
  json: { type: "boolean" },
  quiet: { type: "boolean", short: "q" },
  verbose: { type: "boolean", short: "v" },
  help: { type: "boolean", short: "h" },
};
const HAND_OVER: Options = {
  out: { type: "string" },
  force: { type: "boolean" },
  "to-command": { type: "string" },
  "command-timeout": { type: "string" },
  format: { type: "string" },
  reveal: { type: "boolean" },
  expires: { type: "string" },
};

const COMMAND_OPTIONS: Readonly<
  Record<string, { options: Options; run: (context: Context) => Promise<number> }>
> = {
  check: { options: {}, run: check },
  list: {
    options: {
      id: { type: "string", multiple: true },
      role: { type: "string", multiple: true },
      "expiring-within": { type: "string" },
      marker: { type: "string" },
    },
    run: list,
  },
  generate: {
    options: {
      ...HAND_OVER,
      role: { type: "string", multiple: true },
      level: { type: "string" },
      comment: { type: "string" },
    },
    run: generate,
  },
  delete: {
    options: {
      yes: { type: "boolean", short: "y" },
      "dry-run": { type: "boolean" },
      "missing-ok": { type: "boolean" },
    },
    run: remove,
  },
  rotate: {
    options: { ...HAND_OVER, "keep-old": { type: "boolean" }, "dry-run": { type: "boolean" } },
    run: rotate,
  },
  audit: {
    options: {
      id: { type: "string", multiple: true },
      role: { type: "string", multiple: true },
      "expiring-within": { type: "string" },
      "max-age": { type: "string" },
    },
    run: audit,
  },
  prune: {
    options: {
      expired: { type: "boolean" },
      yes: { type: "boolean", short: "y" },
      "dry-run": { type: "boolean" },
    },
    run: prune,
  },
};

// Options that take a value, in any command: the word after one is its value, not the command.
const TAKES_VALUE = new Set(
  [COMMON, ...Object.values(COMMAND_OPTIONS).map((command) => command.options)].flatMap((options) =>
    Object.entries(options).flatMap(([name, option]) =>
      option.type === "string" ? [`--${name}`, ...(option.short ? [`-${option.short}`] : [])] : [],
    ),
  ),
);

/**
 * What `parseArgs` found wrong, in the tool's words: Node's own messages quote unevenly and advise
 * `--` for an option that is only misspelt. An unknown option is shown only if it cannot be a key
 * pasted in the wrong place, with the nearest option of the command.
 */
function parseProblem(error: unknown, options: Options): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  const option = /^(?:Unknown option|Option) '(?:-\w, )?(-[^' ]*)/.exec(message)?.[1];
  if (option === undefined) return message;
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    const names = Object.keys(options).map((known) => `--${known}`);
    const meant = option.startsWith("--") ? closest(option, names) : undefined;
    return `unknown option ${typed(option)}${meant ? `; did you mean ${meant}?` : ""}`;
  }
  if (/argument missing/.test(message)) return `${option} needs a value`;
  if (/argument is ambiguous/.test(message)) {
    return `${option} needs a value; one that starts with "-" goes as ${option}=VALUE`;
  }
  if (/does not take an argument/.test(message)) return `${option} takes no value`;
  return message;
}

// Every option of any command, as typed: `--name` and `-n`.
const KNOWN = new Set(
  [COMMON, ...Object.values(COMMAND_OPTIONS).map((command) => command.options)].flatMap((options) =>
    Object.entries(options).flatMap(([name, option]) => [
      `--${name}`,
      ...(option.short ? [`-${option.short}`] : []),
    ]),
  ),
);
// The bin answers these before anything else is loaded (see bin.ts).
KNOWN.add("--version");
KNOWN.add("-V");

/**
 * An option before the command word that no command has (`--credential admin.env list`): said as
 * such, with the nearest option, rather than taking its value for the command.
 */
function unknownLeadingOption(argv: readonly string[], at: number): CliError | undefined {
  const before = at === -1 ? argv : argv.slice(0, at);
  const option = before.find(
    (arg) => arg.startsWith("-") && arg !== "-" && !KNOWN.has(arg.split("=")[0] ?? arg),
  );
  if (option === undefined || option === "--") return undefined;
  const name = option.split("=")[0] ?? option;
  const meant = name.startsWith("--")
    ? closest(
        name,
        [...KNOWN].filter((known) => known.startsWith("--")),
      )
    : undefined;
  return new CliError(
    `unknown option ${typed(name)}${meant ? `; did you mean ${meant}?` : ""}`,
    EXIT.usage,
    "xsiam-keys --help",
  );
}

/** The command word: the first argument that is not an option or an option's value. */
function commandOf(argv: readonly string[]): number {
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] ?? "";
    if (TAKES_VALUE.has(arg)) index++;
    else if (!arg.startsWith("-")) return index;
  }
  return -1;
}

export type { RunControl } from "./internal/context.js";
export { Interrupt } from "./internal/errors.js";

/**
 * Runs xsiam-keys on `argv` (the arguments after the command name), with the process's streams
 * and environment unless others are given; resolves to the exit code. `control.signal` stops the
 * run (the bin aborts it on SIGINT and SIGTERM, with an `Interrupt`): the command finishes or undoes
 * the step it is in, says what was done, and resolves to 130 or 143. Installing signal handlers is
 * the caller's business, so that `main` can run inside another program (the demo).
 *
 * @example
 * process.exitCode = await main(["list", "--role", "Viewer"]);
 */
export async function main(
  argv: readonly string[],
  streams: Streams = process,
  control: RunControl = {},
): Promise<number> {
  const quiet = argv.includes("--quiet") || argv.includes("-q");
  const output = new Output(streams, { quiet, jsonErrors: argv.includes("--json") });
  try {
    refuseKeyFlags(argv);
    const at = commandOf(argv);
    const misspelt = unknownLeadingOption(argv, at);
    if (misspelt) throw misspelt;
    const name = at === -1 ? undefined : argv[at];
    if (name === undefined || name === "help") {
      const topic = name === "help" ? argv[argv.indexOf("help") + 1] : undefined;
      const text = topic !== undefined ? COMMANDS[topic] : OVERVIEW;
      if (text === undefined) throw new CliError(`no command ${typed(topic)}; try xsiam-keys --help`);
      const asked = name === "help" || argv.includes("--help") || argv.includes("-h");
      (asked ? streams.stdout : streams.stderr).write(text);
      return asked ? EXIT.ok : EXIT.usage;
    }
    const command = COMMAND_OPTIONS[name];
    if (!command) {
      const meant = closest(name, Object.keys(COMMAND_OPTIONS));
      throw new CliError(
        `${typed(name)} is not a command${meant ? `; did you mean ${meant}?` : ""}`,
        EXIT.usage,
        `the commands are ${Object.keys(COMMAND_OPTIONS).join(", ")}: xsiam-keys --help`,
      );
    }
    const rest = [...argv];
    rest.splice(at, 1);
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({
        args: rest,
        options: { ...COMMON, ...command.options },
        allowPositionals: true,
        strict: true,
      });
    } catch (error) {
      throw new CliError(
        `${name}: ${parseProblem(error, { ...COMMON, ...command.options })}`,
        EXIT.usage,
        `xsiam-keys ${name} --help`,
      );
    }
    if (parsed.values.help) {
      streams.stdout.write(COMMANDS[name] ?? OVERVIEW);
      return EXIT.ok;
    }
    const context = createContext(streams, output, parsed.values, parsed.positionals, control);
    try {
      return await command.run(context);
    } finally {
      await context.close();
    }
  } catch (error) {
    return output.fail(error);
  }
}

export {
  type Connection,
  connectWithSettings,
  readSettings,
  type SettingsSource,
  whyUnauthenticated,
  writeNewKeyFile,
} from "./library.js";
