// `--to-command`: the tool runs the consumer of a new key itself, so that it knows whether the key
// was stored before it deletes anything. The key goes on the command's standard input, never in its
// arguments or environment (both are visible to other users in /proc); the command runs without the
// tool's XSIAM_* variables, in a process group of its own, and within a time limit.
import { spawn } from "node:child_process";

/** What the key is replaced with in the command's output. */
const REDACTED_TEXT = "[redacted]";

/** How a consumer ran, when it did not succeed: said in the tool's error. */
export class ConsumerFailed extends Error {
  override name = "ConsumerFailed";
}

// After the time limit: SIGTERM to the group, then SIGKILL if it is still there this much later.
const KILL_GRACE_MS = 5_000;
// The longest line of the command's output that is shown.
const MAX_LINE = 2_000;

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

/** Calls `onLine` for every complete line of a stream, and the rest at the end, each redacted. */
function lines(stream: NodeJS.ReadableStream, secret: string, onLine: (line: string) => void) {
  let buffered = "";
  const emit = (line: string) => onLine(line.slice(0, MAX_LINE).split(secret).join(REDACTED_TEXT));
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    buffered += chunk;
    let end = buffered.indexOf("\n");
    while (end !== -1) {
      emit(buffered.slice(0, end));
      buffered = buffered.slice(end + 1);
      end = buffered.indexOf("\n");
    }
    // A line that never ends is shown in pieces, so that memory stays bounded.
    if (buffered.length > MAX_LINE + secret.length) {
      emit(buffered.slice(0, MAX_LINE));
      buffered = buffered.slice(MAX_LINE);
    }
  });
  stream.on("end", () => {
    if (buffered !== "") emit(buffered);
  });
}

/**
 * Runs the consumer and resolves when it exited with 0 having taken all of its input; rejects with
 * `ConsumerFailed` otherwise (a non-zero status, a signal, the time limit, its input closed before
 * the key was written). A run of the tool that ends meanwhile takes the command's group with it.
 */
export function runConsumer(options: ConsumerOptions): Promise<void> {
  const { command, input, secret, timeoutMs, env, onLine } = options;
  return new Promise<void>((resolve, reject) => {
    const child = spawn("/bin/sh", ["-c", command], {
      env: consumerEnv(env),
      stdio: ["pipe", "pipe", "pipe"],
      // A group of its own: a Ctrl-C at the terminal stops the tool, which decides what to do
      // with a consumer that may be storing the key, rather than killing the consumer mid-write.
      detached: true,
    });
    let inputLost: string | undefined;
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
    child.stdin.on("error", (error: NodeJS.ErrnoException) => {
      inputLost = error.code ?? error.message;
    });
    lines(child.stdout, secret, onLine);
    lines(child.stderr, secret, onLine);
    child.on("error", (error) => {
      clearTimeout(timer);
      process.removeListener("exit", onExit);
      reject(new ConsumerFailed(`the command could not be started (${error.message})`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      clearTimeout(grace);
      process.removeListener("exit", onExit);
      if (timedOut) reject(new ConsumerFailed(`the command did not finish within ${timeoutMs / 1000} s`));
      else if (signal !== null) reject(new ConsumerFailed(`the command was killed by ${signal}`));
      else if (code !== 0) reject(new ConsumerFailed(`the command exited with ${code}`));
      else if (inputLost !== undefined) {
        reject(new ConsumerFailed(`the command closed its input before taking the key (${inputLost})`));
      } else resolve();
    });
    child.stdin.end(input);
  });
}
