import { spawn } from "node:child_process";

/**
 * Runs `node file ...args` in `cwd` to its end (its stderr passes through) and resolves to its exit
 * code and the JSON object it printed on stdout; rejects, with what it printed, if that is not JSON.
 */
export function runJsonScript<T extends object>(
  file: string,
  args: readonly string[],
  cwd: string,
): Promise<T & { code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file, ...args], { cwd, stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      try {
        resolve({ code, ...(JSON.parse(stdout) as T) });
      } catch {
        reject(new Error(`${file} exited with ${code} and printed: ${stdout}`));
      }
    });
  });
}
