/**
 * TUF refresh of a public instance's trust files (@sigstore/tuf), with a local cache and a short, bounded
 * attempt so that an offline machine falls back quickly to the cached or embedded copy.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { errorMessage } from '../errors.js';
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
  mkdirSync(cacheDir, { recursive: true });
  // Start from our vendored TUF root (newer than @sigstore/tuf's seed, and the only one we have for staging).
  const rootPath = join(cacheDir, `${instance.name}-root-seed.json`);
  if (!existsSync(rootPath)) writeFileSync(rootPath, JSON.stringify(instance.embedded.tufRoot));
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
    return await Promise.race([tuf.getTarget(target), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** A target verified by an earlier successful refresh, if any. */
export function cachedTufTarget(instance: SigstoreInstance, target: string, o: TufOptions = {}): { path: string; text: string } | undefined {
  const path = join(targetsDir(o.cacheDir ?? defaultTufCacheDir(), instance.tufMirror), encodeURIComponent(target));
  try {
    return { path, text: readFileSync(path, 'utf8') };
  } catch {
    return undefined;
  }
}

/** The reason of a TUF failure, including the underlying cause that @sigstore/tuf wraps. */
export function tufFailureReason(e: unknown): string {
  const msg = errorMessage(e);
  const cause = e instanceof Error && e.cause !== undefined ? errorMessage(e.cause) : '';
  return cause && !msg.includes(cause) ? `${msg}: ${cause}` : msg;
}
