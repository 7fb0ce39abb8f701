import { EXIT, exitCodeOf, inToolWords } from "./errors.js";

/** Where the tool writes, and how: the streams, and the options that shape output. */
export interface Streams {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  env: NodeJS.ProcessEnv;
}

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const STYLES = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
} as const;
type Style = keyof typeof STYLES;

/** Whether to colour a stream: a terminal, and NO_COLOR not set (https://no-color.org). */
function colours(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return true;
  return stream.isTTY === true && env.TERM !== "dumb";
}

/**
 * Output for people and machines. Results go to stdout; progress, notes and errors to stderr, so
 * that stdout can be piped. `quiet` silences progress and notes, never errors.
 *
 * A write error on either stream (EPIPE from a reader that went away, EIO, ENOSPC on a redirect)
 * never crashes the tool: it aborts `broken`, which a command treats as a stop, so that it undoes
 * what it did (a key just created is deleted) the same way it would for any other failure.
 */
export class Output {
  readonly #streams: Streams;
  readonly quiet: boolean;
  /** `--json` was given: errors go to stderr as JSON too. */
  readonly jsonErrors: boolean;
  readonly #colourOut: boolean;
  readonly #colourErr: boolean;
  readonly #broken = new AbortController();
  // Spinners drawing on stderr now: a line written meanwhile first clears the spinner's.
  #spinning = 0;
  // Writes to stdout that `write` is waiting for, and the errors they reported: theirs to report.
  #writing = 0;
  readonly #claimed = new WeakSet<Error>();

  constructor(streams: Streams, { quiet, jsonErrors = false }: { quiet: boolean; jsonErrors?: boolean }) {
    this.jsonErrors = jsonErrors;
    this.#streams = streams;
    this.quiet = quiet;
    this.#colourOut = colours(streams.stdout, streams.env);
    this.#colourErr = !jsonErrors && colours(streams.stderr, streams.env);
    for (const [name, stream] of [
      ["standard output", streams.stdout],
      ["standard error", streams.stderr],
    ] as const) {
      stream.on("error", (error: NodeJS.ErrnoException) => {
        if (stream === streams.stdout && (this.#writing > 0 || this.#claimed.has(error))) return;
        if (!this.#broken.signal.aborted) {
          this.#broken.abort(new StreamError(`${name} failed (${error.code ?? error.message})`, error));
        }
      });
    }
  }

  /** Aborts when writing to stdout or stderr fails; its reason is a `StreamError`. */
  get broken(): AbortSignal {
    return this.#broken.signal;
  }

  /** The width of the terminal stdout is, or `undefined` when it is none (a pipe, a file). */
  get stdoutColumns(): number | undefined {
    const { columns, isTTY } = this.#streams.stdout as { columns?: number; isTTY?: boolean };
    return isTTY === true && typeof columns === "number" && columns > 0 ? columns : undefined;
  }

  /** Whether stdout is a terminal (a person reads it) rather than a pipe or a file. */
  get stdoutIsTerminal(): boolean {
    return this.#streams.stdout.isTTY === true;
  }

  /** Whether there is a terminal to ask a question on. */
  get canAsk(): boolean {
    return this.#streams.stdin.isTTY === true && this.#streams.stderr.isTTY === true;
  }

  /** `text` styled for stdout (or stderr), when that stream takes colours. */
  style(text: string, style: Style, stream: "stdout" | "stderr" = "stdout"): string {
    if (!(stream === "stdout" ? this.#colourOut : this.#colourErr)) return text;
    const [open, close] = STYLES[style];
    return `\u001b[${open}m${text}\u001b[${close}m`;
  }

  /** A result line on stdout. */
  result(text = ""): void {
    this.#streams.stdout.write(`${text}\n`);
  }

  /**
   * Writes `text` to stdout and resolves once it is written; a failure (a closed pipe: EPIPE)
   * rejects with a `StreamError`, and is this call's to report: it does not abort `broken`.
   */
  write(text: string): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.#broken.signal.aborted) {
        reject(this.#broken.signal.reason);
        return;
      }
      this.#writing++;
      this.#streams.stdout.write(text, (error) => {
        this.#writing--;
        if (!error) return resolve();
        this.#claimed.add(error);
        const code = (error as NodeJS.ErrnoException).code ?? error.message;
        reject(new StreamError(`standard output failed (${code})`, error));
      });
    });
  }

  /** The file descriptor behind stdout, when it is one (the process's own streams). */
  get stdoutFd(): number | undefined {
    const { fd } = this.#streams.stdout as { fd?: unknown };
    return typeof fd === "number" ? fd : undefined;
  }

  /** A value as JSON on stdout. */
  json(value: unknown): void {
    this.#streams.stdout.write(`${jsonText(value)}\n`);
  }

  /** A line for people on stderr, unless quiet (or `always`: what the user must do next). */
  note(text = "", always = false): void {
    if (!always && this.quiet) return;
    // With --json every line on stderr is JSON, notes too (the marker to look for is one of them).
    const line = this.jsonErrors ? (text === "" ? "" : jsonText({ note: text }, 0)) : text;
    if (line !== "" || !this.jsonErrors) this.#streams.stderr.write(`${this.#overSpinner()}${line}\n`);
  }

  /** What clears a spinner's line before a line is written over it (the spinner draws again after). */
  #overSpinner(): string {
    return this.#spinning > 0 ? "\r\u001b[2K" : "";
  }

  /** A `--verbose` line on stderr (even when quiet: it was asked for): `text`, or `value` as JSON with `--json`. */
  trace(value: unknown, text: string): void {
    const line = this.jsonErrors ? jsonText(value, 0) : this.style(text, "dim", "stderr");
    this.#streams.stderr.write(`${this.#overSpinner()}${line}\n`);
  }

  /** A warning on stderr, shown even when quiet: something the user should know before it matters. */
  warn(text: string): void {
    if (this.jsonErrors) {
      this.#streams.stderr.write(`${jsonText({ warning: text }, 0)}\n`);
      return;
    }
    this.#streams.stderr.write(
      `${this.#overSpinner()}${this.style("warning:", "yellow", "stderr")} ${text}\n`,
    );
  }

  /** A line another program printed (a `--to-command` consumer), on stderr, marked as its own. */
  relay(line: string): void {
    const shown = this.jsonErrors
      ? jsonText({ command: line }, 0)
      : `  ${this.style("│", "dim", "stderr")} ${line}`;
    this.#streams.stderr.write(`${this.#overSpinner()}${shown}\n`);
  }

  /**
   * Shows a spinner and `label` on stderr (on a terminal, unless quiet) until the returned function
   * is called: rate limits and retries can make a call take seconds.
   */
  spin(label: Label): Spinner {
    const { stderr } = this.#streams;
    const terminal = !this.quiet && stderr.isTTY === true;
    let shown = label;
    let frame = 0;
    // One line, cut to the terminal's width: a line that wraps would leave a copy per frame.
    const draw = () => {
      const text = typeof shown === "function" ? shown() : shown;
      const room = Math.max(10, ((stderr as { columns?: number }).columns ?? 80) - 4);
      const line = text.length + 1 > room ? text.slice(0, room - 1).replace(/[\ud800-\udbff]$/, "") : text;
      stderr.write(
        `\r\u001b[2K${this.style(SPINNER[frame++ % SPINNER.length] ?? "", "cyan", "stderr")} ${line}…`,
      );
    };
    if (terminal) {
      this.#spinning++;
      draw();
    }
    const timer = terminal ? setInterval(draw, 80) : undefined;
    const stop = () => {
      if (timer === undefined || shown === STOPPED) return;
      clearInterval(timer);
      shown = STOPPED;
      this.#spinning--;
      stderr.write("\r\u001b[2K");
    };
    return Object.assign(stop, {
      // Off a terminal (a CI log), each new label is a line of its own: the run is seen to be alive.
      relabel: (text: Label) => {
        if (terminal) {
          if (shown !== STOPPED) shown = text;
        } else this.note(`  ${typeof text === "function" ? text() : text}`);
      },
    });
  }

  /** Waits for `work`, with a spinner and `label` while it runs (see `spin`); `work` may change the label. */
  async wait<T>(label: Label, work: (relabel: (text: Label) => void) => Promise<T>): Promise<T> {
    const spinner = this.spin(label);
    try {
      return await work(spinner.relabel);
    } finally {
      spinner();
    }
  }

  /**
   * Asks a yes/no question on the terminal; only an answer of y or yes is a yes. Ctrl-C, Ctrl-D (the
   * end of input) and `signal` all mean no, and end the prompt's line, so that what follows starts on
   * a line of its own.
   */
  async confirm(question: string, signal?: AbortSignal): Promise<boolean> {
    const { createInterface } = await import("node:readline");
    const { stdin, stderr } = this.#streams;
    const prompt = createInterface({ input: stdin, output: stderr, terminal: stdin.isTTY === true });
    return new Promise<boolean>((resolve) => {
      let settled = false;
      const finish = (answer: boolean, endLine: boolean) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener("abort", onAbort);
        if (endLine) stderr.write("\n");
        prompt.close();
        resolve(answer);
      };
      const onAbort = () => finish(false, true);
      if (signal?.aborted) return finish(false, false);
      signal?.addEventListener("abort", onAbort, { once: true });
      // Ctrl-C at a terminal prompt reaches readline as a key, not as a signal.
      prompt.on("SIGINT", () => finish(false, true));
      prompt.on("close", () => finish(false, true));
      prompt.question(`${question} [y/N] `, (answer) => finish(/^y(es)?$/i.test(answer.trim()), false));
    });
  }

  /** Reports a failure on stderr, with its hint, and returns the exit code it means. */
  fail(error: unknown): number {
    const { message, hint } = inToolWords(error);
    const exit = exitCodeOf(error) || EXIT.failure;
    if (this.jsonErrors) {
      // For a program reading stderr: the same words, and what the exit code means.
      const code = EXIT_NAMES[exit] ?? "failure";
      this.#streams.stderr.write(
        `${jsonText({ error: { code, message, ...(hint !== undefined && { hint }), exit } }, 0)}\n`,
      );
      return exit;
    }
    const lines = [`${this.style("xsiam-keys:", "red", "stderr")} ${message}`];
    if (hint && !message.includes(hint)) lines.push(`${this.style("hint:", "yellow", "stderr")} ${hint}`);
    this.#streams.stderr.write(`${lines.join("\n")}\n`);
    return exit;
  }
}

// Characters JSON may carry raw that a terminal or an editor acts on: DEL and the C1 controls (U+009B
// starts an escape sequence), the bidirectional controls and line separators.
const UNSAFE_IN_JSON = /[\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/g;

/**
 * `value` as indented JSON in which service text cannot act on whoever reads it (`jq`, `cat`, a
 * pager): what JSON.stringify leaves raw is written as a \u escape, which parses the same.
 */
export function jsonText(value: unknown, indent = 2): string {
  return JSON.stringify(value, null, indent).replace(
    UNSAFE_IN_JSON,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** What each exit code means, as `--json` errors name it. */
const EXIT_NAMES: Readonly<Record<number, string>> = {
  [EXIT.usage]: "usage",
  [EXIT.auth]: "auth",
  [EXIT.failure]: "failure",
  [EXIT.attention]: "attention",
  [EXIT.findings]: "findings",
  [EXIT.sigint]: "stopped",
  [EXIT.sigterm]: "stopped",
  [EXIT.sighup]: "stopped",
};

/** What a spinner says: a text, or a function called at each frame (a countdown, say). */
export type Label = string | (() => string);
const STOPPED: Label = () => "";

/** Stops a spinner when called (once); `relabel` changes what it says. */
export type Spinner = (() => void) & { relabel(text: Label): void };

/** A write to stdout or stderr failed: what a command stops for, as it would for a signal. */
export class StreamError extends Error {
  override name = "StreamError";
  constructor(message: string, cause: unknown) {
    super(message, { cause });
  }
}

/**
 * Rows as an aligned table, the header in bold. On a terminal too narrow for it, the columns in
 * `shrink` (the comment, then the roles, say) are cut in turn to fit, each cut cell ending in "…",
 * rather than every row wrapping onto the next line.
 */
export function table(
  output: Output,
  header: readonly string[],
  rows: readonly (readonly string[])[],
  shrink: readonly number[] = [],
): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const columns = output.stdoutColumns;
  for (const column of shrink) {
    const total = widths.reduce((sum, width) => sum + width, 0) + 2 * (widths.length - 1);
    if (columns === undefined || total <= columns) break;
    const floor = Math.max(header[column]?.length ?? 0, 8);
    widths[column] = Math.max(floor, (widths[column] ?? 0) - (total - columns));
  }
  const fit = (cell: string, column: number) => {
    const width = widths[column] ?? 0;
    if (cell.length <= width) return cell;
    // Never half of a surrogate pair: a lone one would show as a replacement character.
    const cut = /[\ud800-\udbff]$/.test(cell.slice(0, width - 1)) ? width - 2 : width - 1;
    return `${cell.slice(0, cut)}…`;
  };
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => fit(cell, column).padEnd(widths[column] ?? 0))
      .join("  ")
      .trimEnd();
  return [output.style(line(header), "bold"), ...rows.map(line)].join("\n");
}
