import { spawn } from "node:child_process";

/** How a script run by `runNode` ended, and what it wrote. */
export interface NodeRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node script args` to its end, as a bin is run from a shell: in `cwd`, with only the
 * environment given (plus PATH), `input` on standard input (closed after it), and neither stdin
 * nor stdout a terminal. It never blocks this process's event loop, where a fake tenant may run.
 */
export function runNode(
  script: string,
  args: readonly string[],
  { cwd, env = {}, input }: { cwd?: string | undefined; env?: Record<string, string>; input?: string } = {},
): Promise<NodeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? "");
  });
}
