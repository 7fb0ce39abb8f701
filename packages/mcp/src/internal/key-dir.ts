import { realpathSync, statSync } from "node:fs";
import { isAbsolute } from "node:path";
import { ToolError } from "./tool-error.js";

/** A key folder that cannot be used, with what to do about it. */
export class KeyDirError extends ToolError {
  override name = "KeyDirError";
}

/**
 * The key folder as a real absolute path, checked: a folder of this user's that others cannot write
 * to (they could otherwise put a file or a link where the next key goes, or take a key file away).
 */
export function checkedKeyDir(path: string): string {
  if (!isAbsolute(path)) {
    throw new KeyDirError("keyDir must be an absolute path", "resolve it first, e.g. path.resolve(dir)");
  }
  let real: string;
  try {
    real = realpathSync(path);
  } catch (error) {
    throw new KeyDirError(
      `--key-dir: the folder cannot be used (${(error as NodeJS.ErrnoException).code ?? "error"})`,
      "create it first: mkdir -m 700 DIR",
    );
  }
  const stats = statSync(real);
  if (!stats.isDirectory()) throw new KeyDirError("--key-dir must be a folder");
  if ((stats.mode & 0o022) !== 0) {
    throw new KeyDirError(
      `--key-dir can be written by ${(stats.mode & 0o002) !== 0 ? "every user" : "its group"} (mode ${(stats.mode & 0o777).toString(8)}), who could take or swap the keys written there`,
      "chmod 700 the folder, or use another",
    );
  }
  if (typeof process.getuid === "function" && stats.uid !== process.getuid()) {
    throw new KeyDirError("--key-dir belongs to another user", "use a folder of your own");
  }
  return real;
}
