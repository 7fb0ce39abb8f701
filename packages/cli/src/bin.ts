#!/usr/bin/env node
// xsiam-keys. Kept tiny: `--version` answers before anything else is loaded, so that the tool
// starts about as fast as node itself; every command lives in index.js.
//
// Signals are handled here, not in main(), so that main() can run inside another program (the
// demo). The first SIGINT, SIGTERM or SIGHUP (a closed terminal, a dropped ssh session) asks the run
// to stop: it finishes or undoes the step it is in (a generate already sent is waited for, then its
// key deleted), says what was done, and exits with 128 + the signal's number (130, 143, 129). A
// second one is the user insisting: the tool says what is left to clean up and exits at once.
import { readFileSync } from "node:fs";
import { setFlagsFromString } from "node:v8";

// Node's fetch parses HTTP with a WebAssembly module (undici's llhttp). V8 compiles it a second
// time, in its optimising tier, on a background thread, and Node waits for that compile before the
// process exits: about 170 ms after every command on a 2-core machine, more than the command
// itself. A tool that makes a few requests gains nothing from the optimised code: keep the baseline.
setFlagsFromString("--liftoff-only");

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  process.stdout.write(`${version}\n`);
} else {
  const { Interrupt, main } = await import("./index.js");
  const controller = new AbortController();
  let pending: string | undefined;
  const onSignal = (signal: "SIGINT" | "SIGTERM" | "SIGHUP") => {
    const interrupt = new Interrupt(signal);
    // After a hang-up, stderr may be gone: a failed write must not stop the undoing.
    const say = (text: string) => {
      try {
        process.stderr.write(text);
      } catch {
        // Nobody to tell.
      }
    };
    if (!controller.signal.aborted) {
      say(
        `\nxsiam-keys: ${signal === "SIGINT" ? "Ctrl-C" : signal}: stopping once the current step is finished or undone (again to stop at once)\n`,
      );
      controller.abort(interrupt);
      return;
    }
    say(
      `\nxsiam-keys: stopped at once. ${pending ? `Left to clean up: ${pending}` : "Nothing is left to clean up."}\n`,
    );
    process.exit(interrupt.exitCode);
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => onSignal(signal));
  process.exitCode = await main(args, process, {
    signal: controller.signal,
    pending: (note) => {
      pending = note;
    },
  });
}
