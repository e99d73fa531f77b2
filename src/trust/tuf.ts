/**
 * TUF refresh of a public instance's trust files (@sigstore/tuf), with a local cache and a short, bounded
 * attempt so that an offline machine falls back quickly to the cached or embedded copy.
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { BaseFetcher, Updater } from 'tuf-js';
import { errorMessage } from '../errors.js';
import { debug } from '../debug-log.js';
import type { SigstoreInstance } from './instances.js';

export interface TufOptions {
  /** Cache folder; default $XDG_CACHE_HOME/model-signing/tuf or ~/.cache/model-signing/tuf. */
  cacheDir?: string;
  /** Per-request timeout; the whole refresh is bounded to a few times this. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 4000;

export function defaultTufCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env['XDG_CACHE_HOME'] && env['XDG_CACHE_HOME'] !== '' ? env['XDG_CACHE_HOME'] : join(homedir(), '.cache');
  return join(base, 'model-signing', 'tuf');
}

/** Where @sigstore/tuf keeps a mirror's verified targets (its own layout: host + path, URL-encoded). */
function targetsDir(cacheDir: string, mirror: string): string {
  const url = new URL(mirror);
  return join(cacheDir, encodeURIComponent(url.host + url.pathname.replace(/\/$/, '')), 'targets');
}

/** Fetches and verifies one target through TUF. Throws (with the reason) when the refresh fails. */
export async function fetchTufTarget(instance: SigstoreInstance, target: string, o: TufOptions = {}): Promise<string> {
  const cacheDir = o.cacheDir ?? defaultTufCacheDir();
  const timeout = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const problem = tufCacheProblem(cacheDir);
  if (problem) throw new Error(`the TUF cache '${cacheDir}' is not safe to trust: ${problem}`);
  mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
  debug('trust', `TUF: fetching ${target} from ${instance.tufMirror} (cache ${cacheDir}, timeout ${timeout} ms)`);
  // Start from our vendored TUF root (newer than @sigstore/tuf's seed, and the only one we have for staging).
  const rootPath = join(cacheDir, `${instance.name}-root-seed.json`);
  if (!existsSync(rootPath)) writeFileSync(rootPath, JSON.stringify(instance.embedded.tufRoot), { mode: 0o600 });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from ${instance.tufMirror} within ${(3 * timeout) / 1000} s`)), 3 * timeout);
    timer.unref();
  });
  try {
    // Loaded on use: offline and trust-config runs never need the TUF client and its HTTP stack.
    const { initTUF } = await import('@sigstore/tuf');
    const tuf = await Promise.race([
      initTUF({ mirrorURL: instance.tufMirror, cachePath: cacheDir, rootPath, timeout, retry: false }),
      deadline,
    ]);
    const text = await Promise.race([tuf.getTarget(target), deadline]);
    tightenModes(cacheDir);
    return text;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Why the TUF cache cannot be trusted, or null. Its root.json decides which keys sign the trusted root,
 * so whoever can write the cache chooses our trust root: like the digest cache, every directory and
 * file in it must be ours and not writable by group or others (symlinks are refused), and every
 * directory above it must be ours or root's, and not writable by others unless sticky (like /tmp).
 */
export function tufCacheProblem(cacheDir: string): string | null {
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  if (uid === undefined) return null; // no ownership model to check (Windows)
  const root = resolve(cacheDir);
  for (let dir = dirname(root); ; dir = dirname(dir)) {
    let st;
    try {
      st = statSync(dir);
    } catch {
      break;
    }
    if (st.uid !== uid && st.uid !== 0) return `its parent '${dir}' is owned by another user (uid ${st.uid})`;
    if ((st.mode & 0o002) !== 0 && (st.mode & 0o1000) === 0) return `its parent '${dir}' is writable by others (mode ${(st.mode & 0o7777).toString(8)})`;
    if (dirname(dir) === dir) break;
  }
  const visit = (path: string, depth: number): string | null => {
    let st;
    try {
      st = lstatSync(path);
    } catch {
      return null; // vanished or never created: nothing planted there
    }
    if (st.isSymbolicLink()) return `'${path}' is a symlink`;
    if (!st.isDirectory() && !st.isFile()) return `'${path}' is not a regular file or directory`;
    if (st.uid !== uid) return `'${path}' is owned by another user (uid ${st.uid})`;
    if ((st.mode & 0o022) !== 0) return `'${path}' is writable by group or others (mode ${(st.mode & 0o777).toString(8)})`;
    if (st.isDirectory() && depth < 4) {
      for (const name of readdirSync(path)) {
        const why = visit(join(path, name), depth + 1);
        if (why) return why;
      }
    }
    return null;
  };
  return visit(root, 0);
}

/**
 * @sigstore/tuf writes with the default modes; with a umask of 002 (user private groups) its files would be
 * group-writable and refused next time. They are ours: drop group and other write (best effort).
 */
function tightenModes(path: string, depth = 0): void {
  try {
    const st = lstatSync(path);
    if (st.isSymbolicLink()) return;
    if ((st.mode & 0o022) !== 0) chmodSync(path, st.mode & 0o755);
    if (st.isDirectory() && depth < 4) for (const name of readdirSync(path)) tightenModes(join(path, name), depth + 1);
  } catch {
    // a file that vanished or that we cannot change is checked (and refused) on next use
  }
}

/** Says which cached metadata expired (tuf-js would only say that the refresh it then tries needs the network). */
function expiredMetadata(repoDir: string): void {
  for (const role of ['root', 'timestamp', 'snapshot', 'targets']) {
    let expires: unknown;
    try {
      expires = (JSON.parse(readFileSync(join(repoDir, `${role}.json`), 'utf8')) as { signed?: { expires?: unknown } }).signed?.expires;
    } catch {
      continue; // missing or damaged: tuf-js reports it
    }
    if (typeof expires === 'string' && Date.parse(expires) < Date.now()) {
      throw new Error(`the cached TUF metadata does not verify offline (${role}.json expired on ${expires})`);
    }
  }
}

/** A fetcher that never fetches: offline use of the cache must not reach the network. */
class NoNetworkFetcher extends BaseFetcher {
  override async fetch(url: string): ReturnType<BaseFetcher["fetch"]> {
    throw new Error(`offline: ${url} is not in the TUF cache`);
  }
}

/**
 * A target from an earlier successful refresh, verified offline against the cached TUF metadata (the
 * root's keys sign timestamp, snapshot and targets, none expired, and the target's length and hashes
 * match targets.json). Throws with the reason when the cache is missing, unsafe or does not verify.
 */
export async function verifiedCachedTufTarget(instance: SigstoreInstance, target: string, o: TufOptions = {}): Promise<{ path: string; text: string }> {
  const cacheDir = o.cacheDir ?? defaultTufCacheDir();
  const problem = tufCacheProblem(cacheDir);
  if (problem) throw new Error(`the TUF cache '${cacheDir}' is not safe to trust: ${problem}`);
  const repoDir = dirname(targetsDir(cacheDir, instance.tufMirror));
  expiredMetadata(repoDir);
  const updater = new Updater({
    metadataBaseUrl: instance.tufMirror,
    targetBaseUrl: `${instance.tufMirror}/targets`,
    metadataDir: repoDir,
    targetDir: join(repoDir, 'targets'),
    forceCache: true,
    fetcher: new NoNetworkFetcher(),
  });
  let info;
  try {
    info = await updater.getTargetInfo(target);
  } catch (e) {
    // Expired or badly signed metadata: a refresh would need the network.
    throw new Error(`the cached TUF metadata does not verify offline (${tufFailureReason(e)})`, { cause: e });
  }
  if (!info) throw new Error(`the cached TUF metadata lists no ${target}`);
  const path = await updater.findCachedTarget(info);
  if (!path) throw new Error(`the cached ${target} does not match its length and hashes in the cached TUF metadata`);
  return { path, text: readFileSync(path, 'utf8') };
}

/** The reason of a TUF failure, including the underlying cause that @sigstore/tuf wraps. */
export function tufFailureReason(e: unknown): string {
  const msg = errorMessage(e);
  const cause = e instanceof Error && e.cause !== undefined ? errorMessage(e.cause) : '';
  return cause && !msg.includes(cause) ? `${msg}: ${cause}` : msg;
}
