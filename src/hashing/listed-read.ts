/**
 * Reading the files a walk listed (by directory entry type, without a stat): each batch opens the folders
 * its files are in once, checks each is the folder the walk read, and opens the files through it.
 *
 * Node has no openat(), so a file is opened as /proc/self/fd/<folder>/<name> (Linux): the kernel resolves
 * the name inside the folder the descriptor holds, whatever was renamed or swapped since. A folder (or any
 * parent) replaced by a symlink or another folder after the walk is therefore refused at the folder's open,
 * and nothing outside the model is read. Where /proc is not available the files are opened by path, with an
 * lstat just before the open (the checks the path allows).
 *
 * A file is read, then fstat'ed: four system calls instead of five. The read is taken when that fstat shows
 * a regular file of the size read whose change time is older than the start of the job (less a margin for
 * coarse file-system clocks): no write happened since, since a write sets the change time before it
 * changes a byte, and no program can set a change time back. A file changed more recently, or while it was
 * read, is read again between two fstats that must agree (size and modification time), as big files are.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type BigIntStats } from 'node:fs';
import { ModelSigningError } from '../errors.js';
import type { HasherFactory } from './backends.js';
import { listedPath } from './listed-path.js';
import { STAT, STAT_FIELDS, type FolderRun } from './types.js';
import type { WorkerReply } from './protocol.js';

type DoneReply = Extract<WorkerReply, { type: 'done' }>;
import { BASE_FLAGS, changed, checkUnchanged, notRegular, openError, osReason, readOrThrow, statAndHashSync } from './read-task.js';

/** First read of a listed file: most small model files (configs, tokenizer parts) fit in one. */
const PROBE_BYTES = 64 * 1024;

/**
 * How far before the job's start a file's change time must be for one read to be taken as it is: covers
 * file systems whose timestamps are coarse (FAT: 2 s; ext3 and others: 1 s) and the kernel's coarse clock.
 */
export const SETTLED_MARGIN_MS = 5000;

/** The change-time bound for a job starting now (nanoseconds since the epoch, as fstat reports them). */
export function settledBeforeNs(now = Date.now()): bigint {
  return BigInt(now - SETTLED_MARGIN_MS) * 1_000_000n;
}

let throughProc: boolean | undefined;

/** Whether /proc/self/fd/<n>/<name> opens `name` inside the folder held by descriptor n (Linux with /proc). */
export function canOpenThroughFolders(): boolean {
  if (throughProc !== undefined) return throughProc;
  throughProc = false;
  if (process.platform !== 'linux') return false;
  let fd = -1;
  try {
    fd = openSync('/', constants.O_RDONLY | constants.O_DIRECTORY);
    const held = fstatSync(fd, { bigint: true });
    const seen = statSync(`/proc/self/fd/${fd}/.`, { bigint: true });
    throughProc = seen.dev === held.dev && seen.ino === held.ino;
  } catch {
    // no /proc: open by path
  } finally {
    if (fd >= 0) closeSync(fd);
  }
  return throughProc;
}

function folderLabel(run: FolderRun): string {
  return run.name === '' ? '.' : run.name;
}

function folderChanged(run: FolderRun): ModelSigningError {
  return changed({ name: folderLabel(run) }, 'it is no longer the folder the walk read: replaced, or it or a parent folder was swapped');
}

/** Opens a folder of listed files; it must be the folder the walk read (device and inode). */
export function openFolder(run: FolderRun, noFollow: boolean): number {
  let fd: number;
  try {
    fd = openSync(run.path, constants.O_RDONLY | constants.O_DIRECTORY | (noFollow ? (constants.O_NOFOLLOW ?? 0) : 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // A symlink (with O_NOFOLLOW) or a file in its place: it was swapped after the walk.
    if (code === 'ELOOP' || code === 'EMLINK' || code === 'ENOTDIR') throw folderChanged(run);
    throw new ModelSigningError('IO', `cannot read directory '${folderLabel(run)}': ${osReason(e)}`, { cause: e });
  }
  try {
    const st = fstatSync(fd, { bigint: true });
    if (st.dev !== run.dev || st.ino !== run.ino) throw folderChanged(run);
    return fd;
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** Reads [from, to) of the file into buf at the same offsets; returns where it stopped (the end, or where the file ended). */
function readUpTo(ref: { name: string }, fd: number, buf: Buffer, from: number, to: number): number {
  let pos = from;
  while (pos < to) {
    const n = readOrThrow(ref, () => readSync(fd, buf, pos, to - pos, pos));
    if (n === 0) break;
    pos += n;
  }
  return pos;
}

export interface ListedResult {
  /** The opened file's fstat (for a file not hashed here: what its tasks will be checked against). */
  stat: BigIntStats;
  /** Null when the file is bigger than the limit: it is to be hashed as tasks. */
  digest: Buffer | null;
}

/** One listed file opened through its folder's descriptor (see the module comment for the checks). */
function hashThroughFolder(
  name: string,
  base: string,
  folderFd: number,
  noFollow: boolean,
  buf: Buffer,
  newHasher: HasherFactory,
  maxBytes: number,
  settledNs: bigint,
): ListedResult {
  const ref = { name, noFollow };
  let fd: number;
  try {
    fd = openSync(`/proc/self/fd/${folderFd}/${base}`, BASE_FLAGS | (noFollow ? (constants.O_NOFOLLOW ?? 0) : 0));
  } catch (e) {
    throw openError(ref, e);
  }
  try {
    const limit = Math.min(maxBytes, buf.length);
    let got = readOrThrow(ref, () => readSync(fd, buf, 0, Math.min(PROBE_BYTES, buf.length), 0));
    let st = fstatSync(fd, { bigint: true });
    if (!st.isFile()) throw notRegular(ref);
    if (Number(st.size) > limit) return { stat: st, digest: null };
    if (got < Number(st.size)) {
      got = readUpTo(ref, fd, buf, got, Number(st.size));
      st = fstatSync(fd, { bigint: true });
    }
    if (Number(st.size) !== got || st.ctimeNs >= settledNs) {
      // Changed recently or while being read: read it again between two fstats that must agree.
      const before = st;
      const size = Number(before.size);
      if (size > limit) return { stat: before, digest: null };
      got = readUpTo(ref, fd, buf, 0, size);
      st = fstatSync(fd, { bigint: true });
      checkUnchanged(ref, size, before.mtimeNs, st);
      if (got < size) throw changed(ref, `file ended at byte ${got}, before ${size}`);
    }
    const data = buf.subarray(0, got);
    if (newHasher.oneShot) return { stat: st, digest: newHasher.oneShot(data) };
    const h = newHasher();
    h.update(data);
    return { stat: st, digest: h.digest() };
  } finally {
    closeSync(fd);
  }
}

export interface ListedBatch {
  /** Model-relative names, in batch order. */
  names: readonly string[];
  /** The folder of each run of names (absent: open by path). */
  folders?: readonly FolderRun[] | undefined;
  root: string;
  noFollow: boolean;
  /** Change-time bound (see settledBeforeNs). */
  settledNs: bigint;
}

/**
 * Hashes a batch of listed files, in order, each of at most `maxBytes()` bytes (bigger ones are only
 * stat'ed): `each(i, result)` after each file.
 */
export function hashListedBatch(
  batch: ListedBatch,
  buf: Buffer,
  newHasher: HasherFactory,
  maxBytes: () => number,
  each: (i: number, r: ListedResult) => void,
  beforeEach?: () => void,
): void {
  const { names, folders, noFollow } = batch;
  if (!folders || !canOpenThroughFolders()) {
    for (let i = 0; i < names.length; i++) {
      beforeEach?.();
      each(i, statAndHashSync({ name: names[i]!, path: listedPath(batch.root, names[i]!) }, noFollow, buf, newHasher, maxBytes()));
    }
    return;
  }
  let r = 0;
  let fd = -1;
  try {
    for (let i = 0; i < names.length; i++) {
      beforeEach?.();
      if (r < folders.length && folders[r]!.from === i) {
        if (fd >= 0) closeSync(fd);
        fd = -1;
        fd = openFolder(folders[r]!, noFollow);
        r++;
      }
      const run = folders[r - 1]!;
      const name = names[i]!;
      const base = run.name === '' ? name : name.slice(run.name.length + 1);
      each(i, hashThroughFolder(name, base, fd, noFollow, buf, newHasher, maxBytes(), batch.settledNs));
    }
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/**
 * A batch's reply, as a hashing thread sends it: every file's size, the digests of those hashed, and the
 * full stat only of the files left unhashed (they become tasks). Nothing per file the engine does not use.
 */
export function listedBatchReply(id: number, req: ListedBatch & { hashMaxBytes: number }, buf: Buffer, newHasher: HasherFactory): DoneReply {
  const n = req.names.length;
  const sizes = new Float64Array(n);
  const hashed = new Uint8Array(n);
  let stats: BigInt64Array | undefined;
  let out: Buffer | undefined;
  let size = 0;
  hashListedBatch(req, buf, newHasher, () => req.hashMaxBytes, (i, { stat, digest }) => {
    sizes[i] = Number(stat.size);
    if (!digest) {
      stats ??= new BigInt64Array(n * STAT_FIELDS);
      const o = i * STAT_FIELDS;
      stats[o + STAT.size] = stat.size;
      stats[o + STAT.mtimeNs] = stat.mtimeNs;
      stats[o + STAT.ctimeNs] = stat.ctimeNs;
      stats[o + STAT.dev] = stat.dev;
      stats[o + STAT.ino] = stat.ino;
      return;
    }
    if (!out) {
      size = digest.length;
      out = Buffer.alloc(size * n);
    }
    digest.copy(out, i * size);
    hashed[i] = 1;
  });
  // No progress messages: a batch is small and quick, and the engine counts its bytes from the reply.
  return { type: 'done', id, digests: out ?? new Uint8Array(0), digestSize: size, sizes, hashed, ...(stats ? { stats } : {}) };
}
