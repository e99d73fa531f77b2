/**
 * A lock file next to a cache file, so concurrent runs merge their entries instead of losing them.
 * Hand-written (no dependency): exclusive create, owner token, stale-lock recovery. Writes are
 * atomic renames anyway, so a lost race here can only lose an update, never corrupt the cache.
 */
import { promises as fsp } from 'node:fs';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';

export interface LockOptions {
  /** Give up after this long (the cache is only an optimisation). */
  timeoutMs?: number;
  /** A lock older than this is considered abandoned, whoever holds it. */
  staleMs?: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function isErrno(e: unknown, code: string): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === code;
}

async function readOrNull(path: string): Promise<string | null> {
  try {
    return await fsp.readFile(path, 'utf8');
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return null;
    throw e;
  }
}

function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return isErrno(e, 'ESRCH');
  }
}

/** Whether the lock whose content is `token` (and mtime `mtimeMs`) can be taken over. */
function isStale(token: string, mtimeMs: number, staleMs: number): boolean {
  if (Date.now() - mtimeMs > staleMs) return true;
  const [pid, host] = token.split(' ');
  const n = Number(pid);
  return host === hostname() && Number.isSafeInteger(n) && n > 0 && processIsGone(n);
}

/**
 * Removes a stale lock without removing a fresh one another process took meanwhile: move it
 * aside, and if what we moved is not the stale lock we judged, put it back.
 */
async function breakStaleLock(lockPath: string, staleToken: string): Promise<void> {
  const aside = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    await fsp.rename(lockPath, aside);
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return;
    throw e;
  }
  const moved = await readOrNull(aside);
  if (moved !== staleToken) await fsp.link(aside, lockPath).catch(() => undefined);
  await fsp.unlink(aside).catch(() => undefined);
}

export interface HeldLock {
  release(): Promise<void>;
}

/** Acquires the lock, or returns undefined after the timeout. I/O errors other than contention propagate. */
export async function acquireLock(lockPath: string, o: LockOptions = {}): Promise<HeldLock | undefined> {
  const timeoutMs = o.timeoutMs ?? 10_000;
  const staleMs = o.staleMs ?? 30_000;
  const token = `${process.pid} ${hostname()} ${Date.now()} ${randomBytes(8).toString('hex')}`;
  const deadline = Date.now() + timeoutMs;
  let delay = 5;
  for (;;) {
    try {
      const fh = await fsp.open(lockPath, 'wx', 0o600);
      try {
        await fh.writeFile(token);
      } finally {
        await fh.close();
      }
      return {
        release: async () => {
          // Only remove it if it is still ours (it may have been broken as stale).
          if ((await readOrNull(lockPath)) === token) await fsp.unlink(lockPath).catch(() => undefined);
        },
      };
    } catch (e) {
      if (!isErrno(e, 'EEXIST')) throw e;
    }
    const held = await readOrNull(lockPath);
    if (held !== null) {
      const st = await fsp.stat(lockPath).catch(() => null);
      if (st && isStale(held, st.mtimeMs, staleMs)) {
        await breakStaleLock(lockPath, held);
        continue;
      }
    }
    if (Date.now() >= deadline) return undefined;
    await sleep(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 100);
  }
}
