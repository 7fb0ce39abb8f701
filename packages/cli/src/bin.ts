#!/usr/bin/env node
// xsiam-keys. Kept tiny: `--version` answers before anything else is loaded, so that the tool
// starts about as fast as node itself; every command lives in index.js.
//
// Signals are handled here, not in main(), so that main() can run inside another program (the
// demo). The first SIGINT or SIGTERM asks the run to stop: it finishes or undoes the step it is in
// (a generate already sent is waited for, then its key deleted), says what was done, and exits with
// 130 or 143. A second one is the user insisting: the tool says what is left to clean up and exits
// at once.
import { readFileSync } from "node:fs";

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  process.stdout.write(`${version}\n`);
} else {
  const { Interrupt, main } = await import("./index.js");
  const controller = new AbortController();
  let pending: string | undefined;
  const onSignal = (signal: "SIGINT" | "SIGTERM") => {
    const code = signal === "SIGINT" ? 130 : 143;
    if (!controller.signal.aborted) {
      process.stderr.write(
        `\nxsiam-keys: ${signal === "SIGINT" ? "Ctrl-C" : "SIGTERM"}: stopping once the current step is finished or undone (again to stop at once)\n`,
      );
      controller.abort(new Interrupt(signal));
      return;
    }
    process.stderr.write(
      `\nxsiam-keys: stopped at once. ${pending ? `Left to clean up: ${pending}` : "Nothing is left to clean up."}\n`,
    );
    process.exit(code);
  };
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGTERM", () => onSignal("SIGTERM"));
  process.exitCode = await main(args, process, {
    signal: controller.signal,
    pending: (note) => {
      pending = note;
    },
  });
}
