// `--to-command`: the tool runs the consumer of a new key itself, so that it knows whether the key
// was stored before it deletes anything. The key goes on the command's standard input, never in its
// arguments or environment (both are visible to other users in /proc); the command runs without the
// tool's XSIAM_* variables, in a process group of its own, and within a time limit.
//
// Its exit status alone does not prove it stored the key: `true` exits 0 having read nothing, and
// `head -c 20 > store` having stored a piece. So its standard input is a file, not a pipe: a file the
// tool created (mode 600, in a private folder, on /dev/shm where there is one) and removed from the
// folder before the command starts, so that it exists only as the open descriptor the command
// inherits. Reads through it move the offset the tool shares, so once the command has exited, the
// tool reads from that offset: what is left is what the command did not take.
import { spawn } from "node:child_process";
import {
  closeSync,
  constants,
  existsSync,
  mkdtempSync,
  openSync,
  readSync,
  rmdirSync,
  unlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { writeAll } from "./key-file.js";

/** What the key is replaced with in the command's output. */
const REDACTED_TEXT = "[redacted]";

/** How a consumer ran, when it did not succeed: said in the tool's error. */
export class ConsumerFailed extends Error {
  override name = "ConsumerFailed";
}

// After the time limit: SIGTERM to the group, then SIGKILL if it is still there this much later.
const KILL_GRACE_MS = 5_000;
// The longest line of the command's output that is shown, and the most of one that is read.
const MAX_LINE = 2_000;
const MAX_BUFFERED = 65_536;
// After the command exits: how long its last output may take to arrive.
const OUTPUT_GRACE_MS = 100;

export interface ConsumerOptions {
  /** The shell command line, run with `/bin/sh -c`. */
  readonly command: string;
  /** What goes on its standard input: the key in the chosen format. */
  readonly input: string;
  /** The key itself: never shown, even if the command prints it. */
  readonly secret: string;
  readonly timeoutMs: number;
  /** The tool's environment, which the command gets without its XSIAM_* variables. */
  readonly env: NodeJS.ProcessEnv;
  /** Receives each line the command prints (on stdout or stderr), with the key redacted. */
  readonly onLine: (line: string) => void;
}

/** The environment a consumer gets: the tool's, without the credentials it was given. */
function consumerEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) if (!name.startsWith("XSIAM_")) copy[name] = value;
  return copy;
}

// A run this long of a key's text (or of its base64 or hex form) is the key, or most of it.
const MIN_KEY_RUN = 12;
// A run of letters, digits and base64 characters this long is too random to be words: it is hidden.
const KEY_LIKE = /[A-Za-z0-9+/=_-]{32,}/g;

/**
 * `line` without any part of `secret` a consumer may print: the key itself, folded over lines, cut
 * short, or encoded (base64, base64url, hex), and any long key-like run. Plain matches alone would
 * let `fold`, `base64` or `${k#?}` print the key to a CI log.
 */
export function redactSecret(line: string, secret: string): string {
  const forms = [
    secret,
    Buffer.from(secret).toString("base64"),
    Buffer.from(secret).toString("base64url"),
    Buffer.from(secret).toString("hex"),
  ];
  let out = "";
  let index = 0;
  while (index < line.length) {
    let longest = 0;
    for (const form of forms) {
      let length = 0;
      while (index + length < line.length && form.includes(line.slice(index, index + length + 1))) length++;
      longest = Math.max(longest, length);
    }
    if (longest >= MIN_KEY_RUN) {
      out += REDACTED_TEXT;
      index += longest;
    } else {
      out += line[index];
      index++;
    }
  }
  return out.replace(KEY_LIKE, REDACTED_TEXT);
}

/**
 * Calls `onLine` for every line of a stream, redacted as a whole before it is cut to `MAX_LINE` for
 * showing: a key split by the cut would otherwise escape as two pieces. A line is kept up to
 * `MAX_BUFFERED` characters; the rest of it is dropped unseen.
 */
function lines(stream: NodeJS.ReadableStream, secret: string, onLine: (line: string) => void) {
  let buffered = "";
  let dropping = false;
  const emit = (line: string) => {
    const shown = redactSecret(line, secret);
    onLine(shown.length > MAX_LINE ? `${shown.slice(0, MAX_LINE)}…` : shown);
  };
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    let rest = chunk;
    for (let end = rest.indexOf("\n"); end !== -1; end = rest.indexOf("\n")) {
      if (!dropping) buffered += rest.slice(0, end);
      emit(buffered.slice(0, MAX_BUFFERED));
      buffered = "";
      dropping = false;
      rest = rest.slice(end + 1);
    }
    if (!dropping) buffered += rest;
    if (buffered.length > MAX_BUFFERED) {
      buffered = buffered.slice(0, MAX_BUFFERED);
      dropping = true;
    }
  });
  stream.on("end", () => {
    if (buffered !== "") emit(buffered);
  });
}

/** A descriptor of `input` with no name on disk: see the top of this file. */
function unnamedInput(input: string): number {
  const base = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
  const folder = mkdtempSync(join(base, "xsiam-keys-"));
  const path = join(folder, "input");
  try {
    const writer = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      writeAll(writer, Buffer.from(input, "utf8"));
    } finally {
      closeSync(writer);
    }
    return openSync(path, constants.O_RDONLY);
  } finally {
    try {
      unlinkSync(path);
    } catch {
      // Never created.
    }
    rmdirSync(folder);
  }
}

/** What the command left of its input, once it has exited: none, or only white space, is all taken. */
function untaken(descriptor: number): string {
  const rest = Buffer.alloc(64);
  const read = readSync(descriptor, rest, 0, rest.length, null);
  return rest.subarray(0, read).toString("utf8");
}

/**
 * Runs the consumer and resolves when it exited with 0 having taken all of its input; rejects with
 * `ConsumerFailed` otherwise (a non-zero status, a signal, the time limit, input left unread). It
 * is judged when it exits: a child it left running in the background cannot hold the tool, which
 * stops reading its output then. A run of the tool that ends meanwhile takes the command's group
 * with it.
 */
export function runConsumer(options: ConsumerOptions): Promise<void> {
  const { command, input, secret, timeoutMs, env, onLine } = options;
  const stdin = unnamedInput(input);
  return new Promise<void>((resolve, reject) => {
    const child = spawn("/bin/sh", ["-c", command], {
      env: consumerEnv(env),
      stdio: [stdin, "pipe", "pipe"],
      // A group of its own: a Ctrl-C at the terminal stops the tool, which decides what to do
      // with a consumer that may be storing the key, rather than killing the consumer mid-write.
      detached: true,
    });
    let timedOut = false;
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // The group is gone already.
      }
    };
    const onExit = () => killGroup("SIGKILL");
    process.once("exit", onExit);
    let grace: ReturnType<typeof setTimeout> | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup("SIGTERM");
      grace = setTimeout(() => killGroup("SIGKILL"), KILL_GRACE_MS);
    }, timeoutMs);
    // Both are pipes (stdio above); the types cannot know it from a descriptor beside them.
    const output = [child.stdout, child.stderr] as [Readable, Readable];
    for (const stream of output) lines(stream, secret, onLine);
    let finished = false;
    const finish = (failure: string | undefined) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearTimeout(grace);
      process.removeListener("exit", onExit);
      // Output a background child still writes is not the command's any more.
      for (const stream of output) stream.destroy();
      let left = "";
      try {
        left = failure === undefined ? untaken(stdin) : "";
      } finally {
        closeSync(stdin);
      }
      if (failure !== undefined) reject(new ConsumerFailed(failure));
      else if (left.trim() !== "") {
        reject(new ConsumerFailed("the command exited with 0 without reading all of the key it was given"));
      } else resolve();
    };
    child.on("error", (error) => finish(`the command could not be started (${error.message})`));
    child.on("exit", (code, signal) => {
      // Give its output a moment to arrive, then judge it.
      setTimeout(() => {
        if (timedOut) finish(`the command did not finish within ${timeoutMs / 1000} s`);
        else if (signal !== null) finish(`the command was killed by ${signal}`);
        else if (code !== 0) finish(`the command exited with ${code}`);
        else finish(undefined);
      }, OUTPUT_GRACE_MS);
    });
  });
}
