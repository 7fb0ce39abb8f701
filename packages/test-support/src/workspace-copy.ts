import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository this package is part of. */
export const repositoryRoot: string = fileURLToPath(new URL("../../..", import.meta.url));

/**
 * Copies the repository's files (tracked and untracked, not ignored) into a new temporary git
 * repository with one commit, for tests that run the real pipeline without touching the
 * checkout. Installed dependencies are linked, not copied; links between workspace packages
 * point into the copy.
 */
export function copyWorkspace(prefix = "xsiam-workspace-"): string {
  const work = mkdtempSync(join(tmpdir(), prefix));
  const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], {
    cwd: repositoryRoot,
    encoding: "utf8",
  })
    .split("\0")
    .filter((file) => file && existsSync(join(repositoryRoot, file)));
  for (const file of files) {
    mkdirSync(dirname(join(work, file)), { recursive: true });
    cpSync(join(repositoryRoot, file), join(work, file));
  }
  const workspaceDirs = [
    "",
    "spec",
    "bench",
    ...readdirSync(join(repositoryRoot, "packages")).map((name) => `packages/${name}`),
  ];
  for (const dir of workspaceDirs) {
    const modules = join(repositoryRoot, dir, "node_modules");
    if (!existsSync(modules)) continue;
    for (const entry of readdirSync(modules)) {
      const target = join(work, dir, "node_modules", entry);
      mkdirSync(dirname(target), { recursive: true });
      if (entry !== "@xsiam-sdk") {
        symlinkSync(join(modules, entry), target);
        continue;
      }
      mkdirSync(target);
      for (const name of readdirSync(join(modules, entry))) {
        symlinkSync(
          join(work, name === "spec" || name === "bench" ? name : `packages/${name}`),
          join(target, name),
        );
      }
    }
  }
  const git = (...args: string[]) => execFileSync("git", args, { cwd: work, stdio: "ignore" });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git(
    "-c",
    "user.name=workspace-copy",
    "-c",
    "user.email=workspace-copy@test.invalid",
    "commit",
    "-qm",
    "snapshot",
  );
  return work;
}

/**
 * Gives a copy of the workspace the repository's turbo cache (hard links where the file system
 * takes them), so that a test that runs the pipeline in it rebuilds only what the test changed:
 * the build before the tests filled that cache. `to` is the copy's cache folder.
 */
export function seedTurboCache(to: string): void {
  const from = join(repositoryRoot, ".turbo/cache");
  if (!existsSync(from)) return;
  mkdirSync(dirname(to), { recursive: true });
  try {
    execFileSync("cp", ["-al", from, to], { stdio: "ignore" });
  } catch {
    cpSync(from, to, { recursive: true });
  }
}
