import type { ChildProcess } from "node:child_process";

/**
 * Stops a child server by its pid: `signal` (SIGTERM unless told otherwise), then SIGKILL if it is
 * still running 5 s later; resolves once it has exited (`exited`, from its "exit" event).
 */
export async function stopChild(
  child: ChildProcess,
  exited: Promise<unknown>,
  signal: NodeJS.Signals = "SIGTERM",
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}
