// Writing a key to a file so that what the tool says is on disk is on disk: every byte written
// (a short write is continued, a failed one is an error), the file and its folder fsynced, and the
// file read back before anyone relies on it. A replaced file keeps its owner, group and mode, and
// stays reachable under a second name until the hand-over is final, so that taking it back is one
// rename, which needs no space and cannot be cut short.
import { randomBytes } from "node:crypto";
import {
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fsyncSync,
  linkSync,
  lstatSync,
  openSync,
  readFileSync,
  renameSync,
  type Stats,
  unlinkSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";

/** What `--force` is about to replace, as checked before a key is created. */
export interface Replaced {
  readonly dev: number;
  readonly ino: number;
  readonly uid: number;
  readonly gid: number;
  /** Permission bits, e.g. 0o640. */
  readonly mode: number;
}

/** A key file on disk, until the hand-over is final. */
export interface WrittenFile {
  /** Puts back what was there before: the replaced file, or no file. */
  undo(): void;
  /** Makes the hand-over final: the replaced file's second name is removed. */
  finish(): void;
  /** The second name of the replaced file while the hand-over is not final. */
  readonly previous: string | undefined;
}

/** Writes all of `bytes` at the file's current offset: a short write (a size limit, a quota) is continued. */
export function writeAll(descriptor: number, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) {
    const written = writeSync(descriptor, bytes, offset, bytes.length - offset);
    if (written <= 0) throw Object.assign(new Error("the write made no progress"), { code: "EIO" });
    offset += written;
  }
}

/** fsyncs a folder, so that a new or renamed entry in it survives a crash. */
function syncFolder(folder: string): void {
  const descriptor = openSync(folder, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
}

const removeQuietly = (path: string) => {
  try {
    unlinkSync(path);
  } catch {
    // Already gone, or the folder went away: nothing left to tidy.
  }
};

/** A new file at `path` holding `bytes`, written fully and fsynced; with `owner`, its owner, group and mode. */
function create(path: string, bytes: Uint8Array, owner?: Replaced): void {
  // O_EXCL: fails on anything already there, a symbolic link included (it is not followed).
  const descriptor = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    if (owner) fchownSync(descriptor, owner.uid, owner.gid);
    fchmodSync(descriptor, owner ? owner.mode : 0o600);
    writeAll(descriptor, bytes);
    fsyncSync(descriptor);
  } catch (error) {
    closeSync(descriptor);
    removeQuietly(path);
    throw error;
  }
  closeSync(descriptor);
}

// What linkSync answers where a file system takes no hard links.
const NO_LINKS = new Set(["EPERM", "ENOTSUP", "EOPNOTSUPP", "EMLINK", "EXDEV"]);

const sameFile = (stats: Stats, replaced: Replaced) =>
  stats.dev === replaced.dev && stats.ino === replaced.ino;

/** A name beside `path` for a file of this run: hidden, and never one that exists. */
const besideName = (path: string, role: string) =>
  join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.xsiam-keys-${role}`);

/**
 * Writes `text` to `path`, then reads it back and checks it with `verify` (which throws when the
 * file does not hold what it must). A new file gets mode 600; a file being replaced (`replaced`,
 * which must still be the same file) keeps its owner, group and mode, and keeps a second name until
 * `finish`. Anything that fails leaves the folder as it was.
 */
export function writeKeyFile(
  path: string,
  text: string,
  replaced: Replaced | undefined,
  verify: (written: string) => void,
): WrittenFile {
  const folder = dirname(path);
  const bytes = Buffer.from(text, "utf8");
  if (!replaced) {
    create(path, bytes);
    try {
      syncFolder(folder);
      verify(readFileSync(path, "utf8"));
    } catch (error) {
      removeQuietly(path);
      throw error;
    }
    return {
      previous: undefined,
      undo: () => {
        unlinkSync(path);
        syncFolder(folder);
      },
      finish: () => undefined,
    };
  }

  const now = lstatSync(path);
  if (!now.isFile() || !sameFile(now, replaced)) {
    throw Object.assign(new Error(`${path} was replaced by something else meanwhile; not touching it`), {
      code: "ECHANGED",
    });
  }
  // The replaced file's second name: the same inode (owner, mode and content as they are), so that
  // putting it back is a rename, and no copy of the old key is made. Where a folder takes no hard
  // links, the old content is kept in memory and written back the same careful way.
  let previous: string | undefined = besideName(path, "old");
  let kept: Buffer | undefined;
  try {
    linkSync(path, previous);
  } catch (error) {
    if (!NO_LINKS.has((error as NodeJS.ErrnoException).code ?? "")) throw error;
    previous = undefined;
    kept = readFileSync(path);
  }
  const incoming = besideName(path, "new");
  try {
    create(incoming, bytes, replaced);
    renameSync(incoming, path);
    syncFolder(folder);
  } catch (error) {
    removeQuietly(incoming);
    if (previous) removeQuietly(previous);
    throw error;
  }
  const putBack = () => {
    if (previous) {
      renameSync(previous, path);
    } else {
      const restoring = besideName(path, "restore");
      create(restoring, kept ?? Buffer.alloc(0), replaced);
      renameSync(restoring, path);
    }
    syncFolder(folder);
  };
  try {
    verify(readFileSync(path, "utf8"));
  } catch (error) {
    putBack();
    throw error;
  }
  return {
    previous,
    undo: putBack,
    finish: () => {
      if (previous) removeQuietly(previous);
    },
  };
}
