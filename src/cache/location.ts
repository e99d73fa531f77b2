/** Where the cache lives, which file holds a given model root, and whether the directory is safe to trust. */
import { promises as fsp, type Stats } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { createHash } from 'node:crypto';

/** `$XDG_CACHE_HOME/model-signing`, else `~/.cache/model-signing` (a relative XDG value is ignored, per the XDG spec). */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache');
  return join(base, 'model-signing');
}

/** One file per model root, named by a hash of the root so unrelated models never contend. */
export function cacheFileFor(dir: string, modelRoot: string): string {
  return join(resolve(dir), `${createHash('sha256').update(modelRoot).digest('hex').slice(0, 32)}.digests`);
}

/**
 * Digests from the cache end up in signatures, so whoever can write the cache can make us sign
 * content we never read. Refuse a directory or file another user owns or can write.
 * Returns a reason to refuse, or null when safe. (No ownership model to check on Windows.)
 */
export function trustProblem(st: Stats, path: string, kind: 'directory' | 'file'): string | null {
  if (kind === 'directory' ? !st.isDirectory() : !st.isFile()) return `'${path}' is not a ${kind}`;
  if (typeof process.getuid !== 'function') return null;
  if (st.uid !== process.getuid()) return `'${path}' is owned by another user (uid ${st.uid})`;
  if ((st.mode & 0o022) !== 0) return `'${path}' is writable by group or others (mode ${(st.mode & 0o777).toString(8)})`;
  return null;
}

/** Creates the directory (private) if needed. */
export async function ensureDir(dir: string): Promise<void> {
  await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
}
