// Writing a key to a file so that what the tool says is on disk is on disk: every byte written
// (a short write is continued, a failed one is an error), the file and its folder fsynced, and the
// file read back before anyone relies on it.
//
// A file that `--force` replaces is rewritten in place: the same inode, so that everything about it
// stays as it was (owner, group, mode, POSIX ACLs, extended attributes, and every hard link to it,
// which a service may read the key through). Before it is touched, its content is copied to a file
// beside it (mode 600, fsynced), which names it until the hand-over is final: a crash mid-write
// leaves that copy, and taking the hand-over back writes it back in place.
import { randomBytes } from "node:crypto";
import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
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

/**
 * Writes all of `bytes`, from `position` (the file's current offset when `undefined`): a short write
 * (a size limit, a quota) is continued, and one that makes no progress is an error.
 */
export function writeAll(descriptor: number, bytes: Uint8Array, position?: number): void {
  let offset = 0;
  while (offset < bytes.length) {
    const at = position === undefined ? null : position + offset;
    const written = writeSync(descriptor, bytes, offset, bytes.length - offset, at);
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

/** A new file at `path` of mode 600 holding `bytes`, written fully and fsynced. */
function create(path: string, bytes: Uint8Array): void {
  // O_EXCL: fails on anything already there, a symbolic link included (it is not followed).
  const descriptor = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    fchmodSync(descriptor, 0o600);
    writeAll(descriptor, bytes);
    fsyncSync(descriptor);
  } catch (error) {
    closeSync(descriptor);
    removeQuietly(path);
    throw error;
  }
  closeSync(descriptor);
}

const sameFile = (stats: Stats, replaced: Replaced) =>
  stats.dev === replaced.dev && stats.ino === replaced.ino;

/** A name beside `path` for a file of this run: hidden, and never one that exists. */
const besideName = (path: string, role: string) =>
  join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.xsiam-keys-${role}`);

/**
 * Writes `text` to `path`, then reads it back and checks it with `verify` (which throws when the
 * file does not hold what it must). A new file gets mode 600; a file being replaced (`replaced`,
 * which must still be the same file) is rewritten in place, and a copy of its old content stays
 * beside it until `finish`. Anything that fails leaves the file as it was.
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

  // O_NOFOLLOW: a symbolic link put there since the check is refused, not followed.
  const descriptor = openSync(path, constants.O_RDWR | constants.O_NOFOLLOW);
  try {
    const now = fstatSync(descriptor);
    if (!now.isFile() || !sameFile(now, replaced)) {
      throw Object.assign(new Error(`${path} was replaced by something else meanwhile; not touching it`), {
        code: "ECHANGED",
      });
    }
    const before = readFileSync(descriptor);
    // The old content, safe before anything is overwritten: its name is what a crash leaves.
    const previous = besideName(path, "old");
    create(previous, before);
    syncFolder(folder);
    const rewrite = (content: Uint8Array) => {
      writeAll(descriptor, content, 0);
      ftruncateSync(descriptor, content.length);
      fsyncSync(descriptor);
    };
    try {
      rewrite(bytes);
      verify(readFileSync(path, "utf8"));
    } catch (error) {
      try {
        rewrite(before);
      } catch {
        throw Object.assign(
          new Error(
            `${(error as Error).message}; putting ${path} back failed too: its old content is in ${previous}`,
          ),
          { code: (error as NodeJS.ErrnoException).code },
        );
      }
      removeQuietly(previous);
      throw error;
    }
    return {
      previous,
      undo: () => {
        const back = openSync(path, constants.O_WRONLY | constants.O_NOFOLLOW);
        try {
          writeAll(back, before, 0);
          ftruncateSync(back, before.length);
          fsyncSync(back);
        } finally {
          closeSync(back);
        }
        removeQuietly(previous);
      },
      finish: () => removeQuietly(previous),
    };
  } finally {
    closeSync(descriptor);
  }
}
