/**
 * A per-machine cache of file (and shard) digests, so re-signing a huge model after a small edit
 * only re-hashes what changed. A digest is reused only when the file's device, inode, size,
 * modification and change times (ns), the algorithm and the byte range all match what was recorded,
 * and the recorded timestamps were not "racy" (too close to when hashing started). The change
 * time cannot be set by ordinary tools, so an edit hidden by restoring the mtime is still seen.
 */
import { constants, promises as fsp } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DIGEST_SIZE } from '../manifest.js';
import { ModelSigningError, errorMessage } from '../errors.js';
import { isRacy, nowNs, sameState, slotOf, type CacheKey, type FileState } from './key.js';
import { CacheFormatError, decodeCacheFile, encodeCacheFile, isUnderRoot, type CacheEntry } from './format.js';
import { acquireLock, type LockOptions } from './lock.js';
import { cacheFileFor, defaultCacheDir, ensureDir, trustProblem } from './location.js';

export interface DigestCacheOpenOptions {
  /** Cache directory (default: `$XDG_CACHE_HOME/model-signing` or `~/.cache/model-signing`). */
  dir?: string;
  /** Load this model root's entries now (otherwise call `load`). Must be the absolute, resolved root. */
  modelRoot?: string;
  /** Corrupted files, unsafe permissions, lock timeouts... The cache never fails a run; it warns. */
  onWarning?: (message: string) => void;
  /** Lock tuning (tests). */
  lock?: LockOptions;
}

export interface DigestCacheSaveOptions {
  /** Absolute, resolved model root (the directory, or the single file). */
  modelRoot: string;
  /** Absolute paths that belong to the model in this run; other entries under the root are pruned. */
  livePaths: ReadonlySet<string>;
}

const TEMP_MAX_AGE_MS = 60 * 60 * 1000;

function isErrno(e: unknown, code: string): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === code;
}

export class DigestCache {
  /** Absolute cache directory. */
  readonly dir: string;
  private enabledFlag: boolean;
  private readonly warn: (m: string) => void;
  private readonly lockOptions: LockOptions | undefined;
  /** When the cache was opened: the default "hashing started" time for `store` (earlier is safer). */
  private readonly openedAtNs = nowNs();
  private readonly entries = new Map<string, CacheEntry>();
  /** Entries stored in this run and not yet saved. */
  private readonly dirty = new Map<string, CacheEntry>();
  /** File states seen in this run (from lookup/store keys), to prune without re-stating. */
  private readonly seen = new Map<string, FileState>();
  private readonly loadedRoots = new Set<string>();
  private hitCount = 0;
  private missCount = 0;
  private racyCount = 0;

  private constructor(dir: string, enabled: boolean, warn: (m: string) => void, lock: LockOptions | undefined) {
    this.dir = dir;
    this.enabledFlag = enabled;
    this.warn = warn;
    this.lockOptions = lock;
  }

  static async open(o: DigestCacheOpenOptions = {}): Promise<DigestCache> {
    const dir = resolve(o.dir ?? defaultCacheDir());
    const seenWarnings = new Set<string>();
    const warn = (m: string) => {
      if (seenWarnings.has(m)) return;
      seenWarnings.add(m);
      o.onWarning?.(m);
    };
    let enabled = true;
    try {
      await ensureDir(dir);
      const problem = trustProblem(await fsp.stat(dir), dir, 'directory');
      if (problem) {
        warn(`digest cache disabled: ${problem}`);
        enabled = false;
      }
    } catch (e) {
      warn(`digest cache disabled: cannot use '${dir}': ${errorMessage(e)}`);
      enabled = false;
    }
    const cache = new DigestCache(dir, enabled, warn, o.lock);
    if (o.modelRoot !== undefined) await cache.load(o.modelRoot);
    return cache;
  }

  /** False when the directory could not be used safely: lookups then miss and nothing is written. */
  get enabled(): boolean {
    return this.enabledFlag;
  }
  /** Digests served from the cache. */
  get hits(): number {
    return this.hitCount;
  }
  /** Lookups that found no trustworthy entry. */
  get misses(): number {
    return this.missCount;
  }
  /** Digests not stored because the file's timestamps were too recent to be trusted later. */
  get racySkipped(): number {
    return this.racyCount;
  }

  /** Loads the entries recorded for a model root (idempotent). */
  async load(modelRoot: string): Promise<void> {
    if (!this.enabledFlag || this.loadedRoots.has(modelRoot)) return;
    this.loadedRoots.add(modelRoot);
    for (const e of await this.readRootFile(modelRoot)) {
      const slot = slotOf(e.path, e.algorithm, e.start, e.end);
      if (!this.dirty.has(slot)) this.entries.set(slot, e);
    }
  }

  /** The recorded digest, only if every key part matches and the entry is not racy. */
  lookup(key: CacheKey): Buffer | undefined {
    this.seen.set(key.path, key);
    const e = this.entries.get(slotOf(key.path, key.algorithm, key.start, key.end));
    if (e && this.trustworthy(e) && sameState(e, key)) {
      this.hitCount++;
      return Buffer.from(e.digest);
    }
    this.missCount++;
    return undefined;
  }

  /**
   * Records a digest computed for `key`. `hashStartedNs` is the wall-clock time (ns) taken before
   * the bytes were read; it defaults to when the cache was opened, so open the cache before
   * walking the model or pass the real start time. Racy entries are not recorded.
   */
  store(key: CacheKey, digest: Buffer, hashStartedNs: bigint = this.openedAtNs): void {
    if (digest.length !== DIGEST_SIZE[key.algorithm]) {
      throw new ModelSigningError('INTERNAL', `digest cache: a ${key.algorithm} digest must be ${DIGEST_SIZE[key.algorithm]} bytes, got ${digest.length}`);
    }
    if (!(key.start >= 0 && key.start <= key.end && key.end <= key.size)) {
      throw new ModelSigningError('INTERNAL', `digest cache: bad byte range ${key.start}..${key.end} for '${key.path}' of ${key.size} bytes`);
    }
    this.seen.set(key.path, key);
    if (isRacy(key, hashStartedNs)) {
      this.racyCount++;
      return;
    }
    const e: CacheEntry = {
      path: key.path,
      dev: key.dev,
      ino: key.ino,
      size: key.size,
      mtimeNs: key.mtimeNs,
      ctimeNs: key.ctimeNs,
      algorithm: key.algorithm,
      start: key.start,
      end: key.end,
      digest: Buffer.from(digest),
      hashStartedNs,
    };
    const slot = slotOf(e.path, e.algorithm, e.start, e.end);
    this.entries.set(slot, e);
    this.dirty.set(slot, e);
  }

  /**
   * Writes this run's entries for `modelRoot`, merged with what concurrent runs wrote meanwhile,
   * pruning entries whose path is not live, whose file is gone or changed, or that are racy.
   * Atomic (temp file, fsync, rename) under a lock file. Never throws for I/O problems: warns.
   */
  async save(o: DigestCacheSaveOptions): Promise<void> {
    if (!this.enabledFlag) return;
    // Nothing new and nothing to prune (e.g. every lookup hit): leave the file alone, no lock.
    if (this.loadedRoots.has(o.modelRoot) && ![...this.dirty.values()].some((e) => isUnderRoot(o.modelRoot, e.path))) {
      const loaded = [...this.entries.values()].filter((e) => isUnderRoot(o.modelRoot, e.path));
      if ((await this.prune(loaded, o.livePaths)).length === loaded.length) return;
    }
    const file = cacheFileFor(this.dir, o.modelRoot);
    let lock;
    try {
      lock = await acquireLock(`${file}.lock`, this.lockOptions);
    } catch (e) {
      this.warn(`digest cache not saved: cannot lock '${file}': ${errorMessage(e)}`);
      return;
    }
    if (!lock) {
      this.warn(`digest cache not saved: '${file}.lock' is held by another run`);
      return;
    }
    try {
      const onDisk = await this.readRootFile(o.modelRoot);
      const merged = new Map<string, CacheEntry>();
      for (const e of onDisk) merged.set(slotOf(e.path, e.algorithm, e.start, e.end), e);
      for (const [slot, e] of this.dirty) if (isUnderRoot(o.modelRoot, e.path)) merged.set(slot, e);
      const kept = await this.prune([...merged.values()], o.livePaths);
      const unchanged = kept.length === onDisk.length && kept.every((e, i) => e === onDisk[i]);
      if (!unchanged) await this.writeAtomically(file, encodeCacheFile({ root: o.modelRoot, entries: kept }));
      for (const [slot, e] of this.entries) if (isUnderRoot(o.modelRoot, e.path)) this.entries.delete(slot);
      for (const [slot, e] of this.dirty) if (isUnderRoot(o.modelRoot, e.path)) this.dirty.delete(slot);
      for (const e of kept) this.entries.set(slotOf(e.path, e.algorithm, e.start, e.end), e);
      this.loadedRoots.add(o.modelRoot);
      await this.removeOldTempFiles(file);
    } catch (e) {
      this.warn(`digest cache not saved to '${file}': ${errorMessage(e)}`);
    } finally {
      await lock.release().catch(() => undefined);
    }
  }

  private trustworthy(e: CacheEntry): boolean {
    // A start time in the future (clock moved back) would make the racy rule meaningless.
    return e.digest.length === DIGEST_SIZE[e.algorithm] && e.hashStartedNs <= nowNs() && !isRacy(e, e.hashStartedNs);
  }

  private async prune(entries: CacheEntry[], live: ReadonlySet<string>): Promise<CacheEntry[]> {
    const states = new Map<string, FileState | null>();
    const toStat = [...new Set(entries.map((e) => e.path))].filter((p) => live.has(p) && !this.seen.has(p));
    for (const p of toStat) {
      try {
        const st = await fsp.stat(p, { bigint: true });
        states.set(p, st.isFile() ? { dev: st.dev, ino: st.ino, size: Number(st.size), mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs } : null);
      } catch {
        states.set(p, null);
      }
    }
    return entries.filter((e) => {
      if (!live.has(e.path) || !this.trustworthy(e)) return false;
      const st = this.seen.get(e.path) ?? states.get(e.path);
      return st != null && sameState(e, st) && e.end <= st.size;
    });
  }

  /** Entries recorded for a root; a missing file is empty, an unusable one is ignored with a warning. */
  private async readRootFile(modelRoot: string): Promise<CacheEntry[]> {
    const file = cacheFileFor(this.dir, modelRoot);
    let data: Buffer;
    try {
      const fh = await fsp.open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        const problem = trustProblem(await fh.stat(), file, 'file');
        if (problem) {
          this.warn(`ignoring digest cache file: ${problem}; it will be rewritten`);
          return [];
        }
        data = await fh.readFile();
      } finally {
        await fh.close();
      }
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return [];
      this.warn(`ignoring digest cache file '${file}': ${errorMessage(e)}`);
      return [];
    }
    try {
      const c = decodeCacheFile(data);
      if (c.root !== modelRoot) {
        this.warn(`ignoring digest cache file '${file}': it belongs to '${c.root}', not '${modelRoot}'; it will be rewritten`);
        return [];
      }
      return c.entries;
    } catch (e) {
      if (!(e instanceof CacheFormatError)) throw e;
      this.warn(`ignoring corrupted digest cache file '${file}' (${e.message}); it will be rewritten`);
      return [];
    }
  }

  private async writeAtomically(file: string, data: Buffer): Promise<void> {
    const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      const fh = await fsp.open(temp, 'wx', 0o600);
      try {
        await fh.writeFile(data);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await fsp.rename(temp, file);
    } catch (e) {
      await fsp.unlink(temp).catch(() => undefined);
      throw e;
    }
    // Make the rename itself durable; not every platform can fsync a directory.
    try {
      const d = await fsp.open(dirname(file), 'r');
      try {
        await d.sync();
      } finally {
        await d.close();
      }
    } catch {
      /* best effort */
    }
  }

  /** Temp and set-aside lock files left by crashed runs. */
  private async removeOldTempFiles(file: string): Promise<void> {
    const prefix = `${basename(file)}.`;
    const names = await fsp.readdir(this.dir).catch(() => [] as string[]);
    for (const n of names) {
      if (!n.startsWith(prefix) || !(n.endsWith('.tmp') || n.endsWith('.stale'))) continue;
      const p = resolve(this.dir, n);
      const st = await fsp.stat(p).catch(() => null);
      if (st && Date.now() - st.mtimeMs > TEMP_MAX_AGE_MS) await fsp.unlink(p).catch(() => undefined);
    }
  }
}
