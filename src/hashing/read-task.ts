/**
 * Hashes one task (a file or a byte range of it) with the safety checks: no symlink when refused,
 * regular files only, and the file must not change between the walk, the open and the last read.
 * Reads always start at page-aligned file offsets into a page-aligned buffer (fast kernel copy).
 */
import { openSync, closeSync, fstatSync, lstatSync, statSync, readSync, read, constants, type BigIntStats } from 'node:fs';
import type { HashTask } from './types.js';
import type { HasherFactory, StreamHasher } from './backends.js';
import { ModelSigningError, errorMessage } from '../errors.js';
import { PAGE_SIZE } from './aligned-buffer.js';

/** Called with each number of bytes hashed (progress). */
export type BytesCallback = (n: number) => void;

// O_NONBLOCK: opening a FIFO swapped in after the walk must not block forever; it is then
// refused as "not a regular file". It has no effect on regular files.
export const BASE_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

function openFd(task: HashTask): number {
  try {
    return openSync(task.path, BASE_FLAGS | (task.noFollow ? constants.O_NOFOLLOW ?? 0 : 0));
  } catch (e) {
    throw openError(task, e);
  }
}

export function notRegular(task: Pick<HashTask, 'name'>): ModelSigningError {
  return new ModelSigningError('IO', `cannot read '${task.name}': not a regular file`);
}

export function openTask(task: HashTask): { fd: number; stat: BigIntStats } {
  const fd = openFd(task);
  try {
    const stat = fstatSync(fd, { bigint: true });
    if (!stat.isFile()) throw notRegular(task);
    checkIdentity(task, stat);
    checkUnchanged(task, task.expectedSize, task.expectedMtimeNs, stat);
    return { fd, stat };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/**
 * One synchronous read at file offset `pos` into `buf`, placed at the same page offset in the buffer so
 * every later read is page-aligned. Returns the bytes read (never empty: a short file is an error).
 */
function readAlignedSync(task: HashTask, fd: number, buf: Buffer, pos: number): Buffer {
  const off = pos % PAGE_SIZE;
  const len = Math.min(buf.length - off, task.end - pos);
  const n = readOrThrow(task, () => readSync(fd, buf, off, len, pos));
  if (n === 0) throw shortRead(task, fd, pos);
  return buf.subarray(off, off + n);
}

/** Synchronous read loop: the fastest way to feed one core (no event-loop round trips). */
export function hashTaskSync(task: HashTask, buf: Buffer, newHasher: HasherFactory, onBytes?: BytesCallback): Buffer {
  if ((task.start % PAGE_SIZE) + (task.end - task.start) <= buf.length) return hashSmallTaskSync(task, buf, newHasher, onBytes);
  const { fd, stat } = openTask(task);
  try {
    const h = newHasher();
    let pos = task.start;
    while (pos < task.end) {
      const chunk = readAlignedSync(task, fd, buf, pos);
      h.update(chunk);
      pos += chunk.length;
      onBytes?.(chunk.length);
    }
    checkUnchanged(task, Number(stat.size), stat.mtimeNs, fstatSync(fd, { bigint: true }));
    return h.digest();
  } finally {
    closeSync(fd);
  }
}

/**
 * A task that fits the buffer: open, read, fstat, close. Per-file cost is all syscalls, so the
 * fstat before reading is left out: the one after it still catches any change since the walk
 * (size or mtime differ from what the walk saw) and anything that is not a regular file.
 */
function hashSmallTaskSync(task: HashTask, buf: Buffer, newHasher: HasherFactory, onBytes?: BytesCallback): Buffer {
  const fd = openFd(task);
  try {
    const off = task.start % PAGE_SIZE;
    const len = task.end - task.start;
    let got = 0;
    while (got < len) {
      const n = readOrThrow(task, () => readSync(fd, buf, off + got, len - got, task.start + got));
      if (n === 0) break;
      got += n;
    }
    const stat = fstatSync(fd, { bigint: true });
    if (!stat.isFile()) throw notRegular(task);
    checkIdentity(task, stat);
    checkUnchanged(task, task.expectedSize, task.expectedMtimeNs, stat);
    if (got < len) throw shortRead(task, fd, task.start + got);
    onBytes?.(len);
    const data = buf.subarray(off, off + len);
    if (newHasher.oneShot) return newHasher.oneShot(data);
    const h = newHasher();
    h.update(data);
    return h.digest();
  } finally {
    closeSync(fd);
  }
}

/**
 * A file the walk listed by its directory entry's type without stat'ing it: stat'ed by path here, right
 * before it is opened, instead of by the walk on the main thread. That stat is what the opened file is
 * then checked against (identity, size, modification time), as for a walked file. When it has at most `maxBytes` bytes (and fits `buf`) it is hashed at once,
 * with the same checks as a walked file: the opened file must have the stat's identity, size and
 * modification time. Bigger files return their stat only, to be scheduled as tasks (largest first).
 */
export function statAndHashSync(
  file: { name: string; path: string },
  noFollow: boolean,
  buf: Buffer,
  newHasher: HasherFactory,
  maxBytes: number,
): { stat: BigIntStats; digest: Buffer | null } {
  let st: BigIntStats;
  try {
    st = noFollow ? lstatSync(file.path, { bigint: true }) : statSync(file.path, { bigint: true });
  } catch (e) {
    throw readError({ name: file.name }, e);
  }
  if (st.isSymbolicLink()) {
    throw new ModelSigningError('MODEL', `'${file.name}' is a symlink, and symlinks are not allowed here`);
  }
  if (!st.isFile()) throw new ModelSigningError('IO', `cannot read '${file.name}': not a regular file`);
  const size = Number(st.size);
  if (size > maxBytes || size > buf.length) return { stat: st, digest: null };
  const task: HashTask = {
    name: file.name,
    path: file.path,
    start: 0,
    end: size,
    expectedSize: size,
    expectedMtimeNs: st.mtimeNs,
    expectedDev: st.dev,
    expectedIno: st.ino,
    noFollow,
  };
  return { stat: st, digest: hashSmallTaskSync(task, buf, newHasher) };
}

/**
 * For big tasks: synchronous reads while every core is busy, switching to double-buffered reads
 * (the read of block i+1 runs on a libuv thread while block i is hashed) as soon as `spareCore()`
 * says a core has nothing else to do: one big file, or the tail of a job.
 */
export async function hashTaskAdaptive(
  task: HashTask,
  bufs: () => readonly [Buffer, Buffer],
  newHasher: HasherFactory,
  onBytes: BytesCallback | undefined,
  spareCore: () => boolean,
): Promise<Buffer> {
  const { fd, stat } = openTask(task);
  let pending: Promise<{ b: Buffer; off: number; n: number }> | null = null;
  try {
    const h: StreamHasher = newHasher();
    let pos = task.start;
    const [first] = bufs();
    while (pos < task.end && !spareCore()) {
      const chunk = readAlignedSync(task, fd, first, pos);
      h.update(chunk);
      pos += chunk.length;
      onBytes?.(chunk.length);
    }
    if (pos < task.end) {
      const pair = bufs();
      let which = 0;
      const readAt = (b: Buffer, p: number): Promise<{ b: Buffer; off: number; n: number }> => {
        const off = p % PAGE_SIZE;
        const len = Math.min(b.length - off, task.end - p);
        return new Promise((resolve, reject) => {
          read(fd, b, off, len, p, (err, n) => (err ? reject(readError(task, err)) : resolve({ b, off, n })));
        });
      };
      pending = readAt(pair[0], pos);
      while (pending) {
        const { b, off, n } = await pending;
        pending = null;
        if (n === 0) throw shortRead(task, fd, pos);
        pos += n;
        which ^= 1;
        pending = pos < task.end ? readAt(pair[which]!, pos) : null;
        h.update(b.subarray(off, off + n));
        onBytes?.(n);
      }
    }
    checkUnchanged(task, Number(stat.size), stat.mtimeNs, fstatSync(fd, { bigint: true }));
    return h.digest();
  } finally {
    // Never close the descriptor under a read still in flight (the number could be reused).
    if (pending) await pending.catch(() => undefined);
    closeSync(fd);
  }
}

function checkIdentity(task: HashTask, st: BigIntStats): void {
  if ((task.expectedIno !== undefined && st.ino !== task.expectedIno) || (task.expectedDev !== undefined && st.dev !== task.expectedDev)) {
    throw changed(task, 'it is no longer the file the walk found: replaced, or a parent folder was swapped');
  }
}

export function checkUnchanged(task: Pick<HashTask, 'name'>, size: number, mtimeNs: bigint, now: BigIntStats): void {
  const nowSize = Number(now.size);
  if (nowSize !== size) throw changed(task, `size ${size} -> ${nowSize}`);
  if (now.mtimeNs !== mtimeNs) throw changed(task, 'modification time changed');
}

export function changed(task: Pick<HashTask, 'name'>, what: string): ModelSigningError {
  return new ModelSigningError('MODEL', `'${task.name}' changed while it was being hashed (${what})`);
}

function shortRead(task: HashTask, fd: number, pos: number): ModelSigningError {
  let size: number | undefined;
  try {
    size = Number(fstatSync(fd).size);
  } catch {
    /* fall through to the generic message */
  }
  if (size !== undefined && size !== task.expectedSize) return changed(task, `size ${task.expectedSize} -> ${size}`);
  return changed(task, `file ended at byte ${pos}, before ${task.end}`);
}

export function readOrThrow(task: Pick<HashTask, 'name'>, f: () => number): number {
  try {
    return f();
  } catch (e) {
    throw readError(task, e);
  }
}

export function readError(task: Pick<HashTask, 'name'>, e: unknown): ModelSigningError {
  return new ModelSigningError('IO', `cannot read '${task.name}': ${osReason(e)}`, { cause: e });
}

export function openError(task: Pick<HashTask, 'name' | 'noFollow'>, e: unknown): ModelSigningError {
  const code = (e as NodeJS.ErrnoException).code;
  // With O_NOFOLLOW, Linux reports ELOOP (BSD/macOS: EMLINK) when the last component is a symlink.
  if (task.noFollow && (code === 'ELOOP' || code === 'EMLINK')) {
    return new ModelSigningError('MODEL', `'${task.name}' is a symlink, and symlinks are not allowed here`, { cause: e });
  }
  return readError(task, e);
}

/** "ENOENT: no such file or directory, open '/x'" -> "ENOENT: no such file or directory" (the name is already given). */
export function osReason(e: unknown): string {
  return errorMessage(e).replace(/, \w+ '.*'$/s, '');
}
