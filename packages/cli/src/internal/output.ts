import { EXIT, exitCodeOf, hintOf } from "./errors.js";

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
 */
export class Output {
  readonly #streams: Streams;
  readonly quiet: boolean;
  readonly #colourOut: boolean;
  readonly #colourErr: boolean;

  constructor(streams: Streams, { quiet }: { quiet: boolean }) {
    this.#streams = streams;
    this.quiet = quiet;
    this.#colourOut = colours(streams.stdout, streams.env);
    this.#colourErr = colours(streams.stderr, streams.env);
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

  /** Writes `text` to stdout and resolves once it is written (a closed pipe rejects). */
  write(text: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#streams.stdout.write(text, (error) => (error ? reject(error) : resolve()));
    });
  }

  /** A value as JSON on stdout. */
  json(value: unknown): void {
    this.#streams.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** A line for people on stderr, unless quiet. */
  note(text = ""): void {
    if (!this.quiet) this.#streams.stderr.write(`${text}\n`);
  }

  /**
   * Waits for `work`, with a spinner and `label` on stderr while it runs (on a terminal, unless
   * quiet): rate limits and retries can make a call take seconds.
   */
  async wait<T>(label: string, work: () => Promise<T>): Promise<T> {
    const { stderr } = this.#streams;
    if (this.quiet || stderr.isTTY !== true) return work();
    let frame = 0;
    const draw = () =>
      stderr.write(`\r${this.style(SPINNER[frame++ % SPINNER.length] ?? "", "cyan", "stderr")} ${label}…`);
    draw();
    const timer = setInterval(draw, 80);
    try {
      return await work();
    } finally {
      clearInterval(timer);
      stderr.write("\r\u001b[2K");
    }
  }

  /** Asks a yes/no question on the terminal; only an answer of y or yes is a yes. */
  async confirm(question: string): Promise<boolean> {
    const { createInterface } = await import("node:readline/promises");
    const prompt = createInterface({ input: this.#streams.stdin, output: this.#streams.stderr });
    try {
      const answer = await prompt.question(`${question} [y/N] `);
      return /^y(es)?$/i.test(answer.trim());
    } finally {
      prompt.close();
    }
  }

  /** Reports a failure on stderr, with its hint, and returns the exit code it means. */
  fail(error: unknown): number {
    const message = error instanceof Error ? error.message : String(error);
    const lines = [`${this.style("xsiam-keys:", "red", "stderr")} ${message}`];
    const hint = hintOf(error);
    if (hint && !message.includes(hint)) lines.push(`${this.style("hint:", "yellow", "stderr")} ${hint}`);
    this.#streams.stderr.write(`${lines.join("\n")}\n`);
    return exitCodeOf(error) || EXIT.failure;
  }
}

/** Rows as an aligned table, the header in bold. */
export function table(
  output: Output,
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join("  ")
      .trimEnd();
  return [output.style(line(header), "bold"), ...rows.map(line)].join("\n");
}
