/**
 * The public hashing API (mirrors the reference's `model_signing.hashing`): choose a serialization,
 * exclusions and the symlink policy, then hash a model into a Manifest.
 *
 * Pipeline: walkModel -> buildHashItems (one task per file or shard) -> digestItems (the one call
 * to the engine; a digest cache plugs in there) -> makeManifest.
 */
import { debug, elapsedMs } from '../debug-log.js';
import { isAbsolute, resolve } from 'node:path';
import { VERIFY_TASK_MARGIN, checkFileCount, checkTaskCount } from '../hashing/task-limits.js';
export { MAX_HASH_TASKS, VERIFY_TASK_MARGIN } from '../hashing/task-limits.js';
import { ModelSigningError } from '../errors.js';
import {
  DEFAULT_SHARD_SIZE,
  isHashAlgorithm,
  makeManifest,
  parseHashAlgorithm,
  shardName,
  type HashAlgorithm,
  type Manifest,
  type ResourceDescriptor,
  type Serialization,
} from '../manifest.js';
import { hashListedFiles, hashTasks, prepareHashing, LISTED_HASH_MAX_BYTES } from '../hashing/engine.js';
import { listedPath } from '../hashing/listed-path.js';
import type { HashProgress, HashTask } from '../hashing/types.js';
import { walkModel } from '../model/walk.js';
import type { ModelFile, WalkResult } from '../model/types.js';
import { GIT_IGNORE_PATHS, resolveApiIgnorePaths, validateIgnorePath } from '../model/ignore-paths.js';
import { nameInside, normaliseRelative, sortByName, sortNames } from '../model/names.js';

export type { HashProgress } from '../hashing/types.js';

export interface SerializationOptions {
  /** `sha256` (default), `blake2b` (or the reference's spelling `blake2`), `blake3`. */
  hashAlgorithm?: HashAlgorithm | 'blake2';
  /** Read buffer size in bytes (default: the engine's). */
  chunkSize?: number;
  /** Hashing threads (default: one per core). */
  maxWorkers?: number;
  /** Sets the symlink policy when given. */
  allowSymlinks?: boolean;
  /** Added to the ignore paths when given. */
  ignorePaths?: string[];
}
export interface ShardSerializationOptions extends SerializationOptions {
  /** Bytes per shard (default 1,000,000,000). */
  shardSize?: number;
}

/** One unit of work with what the walk saw of its file, and the resource name it produces. */
export interface HashItem {
  name: string;
  task: HashTask;
  file: ModelFile;
}

/**
 * Files: one task per file (empty files too). Shards: `shardSize` ranges; empty files give none.
 * The count is computed from the sizes before any task exists; `maxTasks` (verification: the
 * signature's resource count plus a margin) lowers the limit.
 */
export function buildHashItems(files: readonly ModelFile[], s: Serialization, fromSignature = false, maxTasks?: number): HashItem[] {
  const noFollow = !s.allowSymlinks;
  const task = (f: ModelFile, start: number, end: number): HashTask => ({
    name: f.name,
    path: f.path,
    start,
    end,
    expectedSize: f.size,
    expectedMtimeNs: f.mtimeNs,
    // The opened file must be the one the walk saw: a file or a parent directory swapped after the
    // walk (even for an identical-looking file outside the model) is refused.
    expectedDev: f.dev,
    expectedIno: f.ino,
    noFollow,
  });
  if (s.method === 'files') {
    checkTaskCount(files.length, s, fromSignature, maxTasks);
    return files.map((f) => ({ name: f.name, task: task(f, 0, f.size), file: f }));
  }
  const size = s.shardSize;
  checkTaskCount(
    files.reduce((n, f) => n + Math.ceil(f.size / size), 0),
    s,
    fromSignature,
    maxTasks,
  );
  const items: HashItem[] = [];
  for (const f of files) {
    for (let start = 0; start < f.size; start += size) {
      const end = Math.min(start + size, f.size);
      items.push({ name: shardName(f.name, start, end), task: task(f, start, end), file: f });
    }
  }
  return items;
}

export interface DigestCacheOptions {
  /** Cache directory (default `$XDG_CACHE_HOME/model-signing`, else `~/.cache/model-signing`). */
  dir?: string;
  /** Read the cache but do not update it. */
  readOnly?: boolean;
  /** Called after hashing with how many items came from the cache (hits) and how many were hashed. */
  onStats?: (s: { hits: number; misses: number }) => void;
}

export class Config {
  private method: 'files' | 'shards' = 'files';
  private algorithm: HashAlgorithm = 'sha256';
  private shardSize = DEFAULT_SHARD_SIZE;
  private chunkSize: number | undefined;
  private maxWorkers: number | undefined;
  private allowSymlinks = false;
  /** As given: model-relative, or absolute (resolved against the model when hashing). */
  private ignorePaths: string[] = [];
  private ignoreGit = true;
  private onProgress: ((p: HashProgress) => void) | undefined;
  private onWarning: ((message: string) => void) | undefined;
  private signal: AbortSignal | undefined;
  private digestCache: DigestCacheOptions | undefined;
  /** Built from a signature's serialization (verification), not from the user's choices. */
  private fromSignature = false;
  /** Verification: at most this many digests (the signature's resource count plus a margin). */
  private maxTasks: number | undefined;

  useFileSerialization(o: SerializationOptions = {}): this {
    this.applyCommon(o);
    this.method = 'files';
    return this;
  }

  useShardSerialization(o: ShardSerializationOptions = {}): this {
    const shardSize = o.shardSize ?? DEFAULT_SHARD_SIZE;
    if (!(typeof shardSize === 'number' && Number.isSafeInteger(shardSize) && shardSize > 0)) {
      throw new ModelSigningError('USAGE', `shardSize must be a positive safe integer, got ${String(shardSize)}`);
    }
    this.applyCommon(o);
    this.method = 'shards';
    this.shardSize = shardSize;
    return this;
  }

  /** An independent copy (callers' configurations are never changed behind their back). */
  clone(): Config {
    const c = Object.assign(Object.create(Config.prototype) as Config, this);
    c.ignorePaths = [...this.ignorePaths];
    c.digestCache = this.digestCache ? { ...this.digestCache } : undefined;
    return c;
  }

  /** Replaces the ignore paths (model-relative, or absolute inside the model). */
  setIgnoredPaths(o: { paths: readonly string[]; ignoreGitPaths?: boolean }): this {
    this.ignorePaths = checkIgnoreEntries(o.paths);
    this.ignoreGit = o.ignoreGitPaths !== false;
    return this;
  }

  /** Adds ignore paths; also accepts the `{ paths }` form of setIgnoredPaths. */
  addIgnoredPaths(paths: readonly string[] | { paths: readonly string[] }): this {
    const list = Array.isArray(paths) ? paths : (paths as { paths: readonly string[] }).paths;
    this.ignorePaths = [...this.ignorePaths, ...checkIgnoreEntries(list)];
    return this;
  }

  setAllowSymlinks(allow: boolean): this {
    this.allowSymlinks = allow === true;
    return this;
  }

  setProgressHandler(fn: (p: HashProgress) => void): this {
    this.onProgress = fn;
    return this;
  }

  setWarningHandler(fn: (message: string) => void): this {
    this.onWarning = fn;
    return this;
  }

  /**
   * Reuse digests of files unchanged since an earlier run (same device, inode, size, modification and
   * change times, algorithm and byte range) from a per-machine cache; only changed files are re-hashed.
   */
  useDigestCache(o: DigestCacheOptions = {}): this {
    this.digestCache = { ...o };
    return this;
  }

  setAbortSignal(s: AbortSignal): this {
    this.signal = s;
    return this;
  }

  /**
   * For verification: hash exactly as a signature's serialization says (method, algorithm, shard
   * size, symlink policy, ignore paths). The default git exclusions stay on, as in the reference.
   */
  static fromSerialization(s: Serialization, o: { signedResources?: number } = {}): Config {
    const cfg = new Config();
    if (o.signedResources !== undefined) cfg.maxTasks = o.signedResources + VERIFY_TASK_MARGIN;
    if (!isHashAlgorithm(s.hashType)) throw new ModelSigningError('USAGE', `unknown hash algorithm '${String(s.hashType)}'`);
    if (s.method === 'shards') cfg.useShardSerialization({ hashAlgorithm: s.hashType, shardSize: s.shardSize });
    else if (s.method === 'files') cfg.useFileSerialization({ hashAlgorithm: s.hashType });
    else throw new ModelSigningError('USAGE', `unknown serialization method '${String((s as { method: unknown }).method)}'`);
    cfg.setAllowSymlinks(s.allowSymlinks === true);
    cfg.setIgnoredPaths({ paths: (s.ignorePaths ?? []).map(validateIgnorePath) });
    cfg.fromSignature = true;
    return cfg;
  }

  /**
   * What will be recorded. Absolute ignore paths are only known relative to a model, so they
   * appear in the manifest returned by hash(), not here.
   */
  get serialization(): Serialization {
    const user = this.ignorePaths.filter((p) => !isAbsolute(p)).map((p) => normaliseRelative(p)!);
    return this.serializationWith(user);
  }

  get ignoreGitPaths(): boolean {
    return this.ignoreGit;
  }

  async hash(modelPath: string, o: { filesToHash?: readonly string[] } = {}): Promise<Manifest> {
    if (o.filesToHash) {
      const root = resolve(modelPath);
      const names = o.filesToHash.map((p) => {
        const n = isAbsolute(p) ? nameInside(root, p) : p;
        if (n === null) throw new ModelSigningError('USAGE', `file to hash '${p}' is outside the model '${modelPath}'`);
        return n;
      });
      const { missing: _missing, ...manifest } = await this.hashSelected(modelPath, names);
      return manifest;
    }
    return (await this.run(modelPath, undefined)).manifest;
  }

  /**
   * Hashes only these canonical model-relative names (verification with ignore-unsigned-files).
   * Names that do not exist are returned in `missing` rather than failing.
   */
  async hashSelected(modelPath: string, names: readonly string[]): Promise<Manifest & { missing: string[] }> {
    const { manifest, missing } = await this.hashWithDetails(modelPath, names);
    return { ...manifest, missing };
  }

  /**
   * Hashes the model (or only `onlyNames`) and also returns the names that were not found and the
   * empty files walked: shard manifests cannot record empty files (OMS 6.3.2 omits them), so signing
   * and verification account for them separately.
   */
  async hashWithDetails(
    modelPath: string,
    onlyNames?: readonly string[],
  ): Promise<{ manifest: Manifest; missing: string[]; emptyFiles: string[] }> {
    const { manifest, walk, emptyFiles } = await this.run(modelPath, onlyNames);
    return { manifest, missing: walk.missing, emptyFiles };
  }

  private async run(modelPath: string, onlyNames: readonly string[] | undefined): Promise<{ manifest: Manifest; walk: WalkResult; emptyFiles: string[] }> {
    const user = resolveApiIgnorePaths(modelPath, this.ignorePaths);
    const serialization = this.serializationWith(user);
    // Worker start-up overlaps the walk (nothing starts for an evidently small model). With a digest
    // cache most files usually need no hashing, and workers would be started for nothing.
    if (!this.digestCache) prepareHashing({ modelPath, ...(this.maxWorkers !== undefined ? { maxWorkers: this.maxWorkers } : {}) });
    // Without a digest cache (which needs every file's stat before hashing), regular files are stat'ed
    // by the hashing threads as they are opened, not by the walk (see hashListed).
    const listing = !this.digestCache && onlyNames === undefined;
    const walkStart = performance.now();
    debug('walk', () => `model '${modelPath}': ignore paths [${serialization.ignorePaths.join(', ')}], symlinks ${this.allowSymlinks ? 'followed' : 'refused'}`);
    const walk = await walkModel(modelPath, {
      ignorePaths: user,
      ignoreGitPaths: this.ignoreGit,
      allowSymlinks: this.allowSymlinks,
      onWarning: this.onWarning,
      onlyNames,
      signal: this.signal,
      listRegularFiles: listing,
    });
    debug('walk', () => `${walk.files.length + (walk.listed?.length ?? 0)} file(s) in ${elapsedMs(walkStart)}`);
    // Verification: a model with more files than the signature lists (plus the margin) cannot match it
    // (every unlisted file, empty ones too, is unsigned): refused before anything is hashed.
    checkFileCount((walk.listed?.length ?? 0) + walk.files.length, this.maxTasks);
    const hashStart = performance.now();
    const resources: ResourceDescriptor[] = [];
    const emptyFiles = walk.files.filter((f) => f.size === 0).map((f) => f.name);
    let files = walk.files;
    let done = { bytes: 0, tasks: 0 };
    if (walk.listed && walk.listed.length > 0) ({ files, done } = await this.hashListed(walk, serialization, resources, emptyFiles));
    // The limit counts every digest, those of the listed pass too (before any task is made).
    const toMake = serialization.method === 'shards' ? files.reduce((n, f) => n + Math.ceil(f.size / serialization.shardSize), 0) : files.length;
    checkTaskCount(resources.length + toMake, serialization, this.fromSignature, this.maxTasks);
    const items = buildHashItems(files, serialization, this.fromSignature, this.maxTasks);
    if (items.length === 0 && resources.length === 0 && onlyNames === undefined && !this.fromSignature) {
      // Only reachable with shards: every file is empty, and empty files have no shards.
      throw new ModelSigningError('MODEL', `model '${modelPath}' has nothing to sign: all its files are empty, and shard serialization records no shards for empty files`);
    }
    const digests = await this.digestItems(items, walk, done);
    for (let i = 0; i < items.length; i++) resources.push({ name: items[i]!.name, algorithm: serialization.hashType, digest: digests[i]!.toString('hex') });
    debug('hash', () => `${resources.length} digest(s), ${serialization.method} serialization, ${serialization.hashType}, in ${elapsedMs(hashStart)}`);
    // Pre-sorted by UTF-8 bytes (= code points) so makeManifest's own sort has nothing left to do.
    return { manifest: { ...makeManifest(walk.modelName, serialization, sortByName(resources)), singleFile: walk.singleFile }, walk, emptyFiles };
  }

  /**
   * The walk's listed files: stat'ed and, when small, hashed in one pass on the hashing threads
   * (resources are added for those). Returns the files still to hash as tasks (the big ones and those
   * the walk stat'ed itself) and what was done, for progress.
   */
  private async hashListed(
    walk: WalkResult,
    s: Serialization,
    resources: ResourceDescriptor[],
    emptyFiles: string[],
  ): Promise<{ files: ModelFile[]; done: { bytes: number; tasks: number } }> {
    const listed = walk.listed!;
    if (s.method === 'files') checkTaskCount(listed.length + walk.files.length, s, this.fromSignature, this.maxTasks);
    const walkedBytes = walk.files.reduce((n, f) => n + f.size, 0);
    const cb = this.onProgress;
    const files = [...walk.files];
    const done = { bytes: 0, tasks: 0 };
    const { hashType } = s;
    await hashListedFiles(listed, {
      algorithm: this.algorithm,
      root: walk.root,
      ...(walk.listedFolders ? { folders: walk.listedFolders } : {}),
      noFollow: !s.allowSymlinks,
      // A hashed file is one whole shard: never more than the shard size.
      hashMaxBytes: s.method === 'shards' ? Math.min(LISTED_HASH_MAX_BYTES, s.shardSize) : LISTED_HASH_MAX_BYTES,
      ...(this.maxWorkers !== undefined ? { maxWorkers: this.maxWorkers } : {}),
      ...(this.chunkSize !== undefined ? { chunkSize: this.chunkSize } : {}),
      ...(this.signal ? { signal: this.signal } : {}),
      ...(cb ? { onProgress: (p: HashProgress) => cb({ ...p, bytesTotal: p.bytesTotal + walkedBytes, tasksTotal: p.tasksTotal + walk.files.length }) } : {}),
      onStatOnly: (i, st) => {
        const name = listed[i]!;
        files.push({ name, path: listedPath(walk.root, name), isSymlink: false, size: Number(st.size), mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs, dev: st.dev, ino: st.ino });
      },
      onHashed: (i, size, digest) => {
        const name = listed[i]!;
        done.bytes += size;
        done.tasks++;
        if (size === 0) emptyFiles.push(name);
        if (s.method === 'files') resources.push({ name, algorithm: hashType, digest });
        else if (size > 0) resources.push({ name: shardName(name, 0, size), algorithm: hashType, digest }); // empty files have no shards
      },
    });
    return { files: sortByName(files), done };
  }

  /**
   * The one place digests are computed, in item order: the extension point for a digest cache
   * (`items` carry what the walk saw of each file; `walk.root` is the resolved model root).
   */
  protected async digestItems(items: readonly HashItem[], walk: WalkResult, done: { bytes: number; tasks: number } = { bytes: 0, tasks: 0 }): Promise<Buffer[]> {
    const cb = this.onProgress;
    // Progress continues from what hashListed already did.
    const onProgress = cb && (done.bytes > 0 || done.tasks > 0)
      ? (p: HashProgress) => cb({ bytesDone: p.bytesDone + done.bytes, bytesTotal: p.bytesTotal + done.bytes, tasksDone: p.tasksDone + done.tasks, tasksTotal: p.tasksTotal + done.tasks })
      : cb;
    const options = { algorithm: this.algorithm, maxWorkers: this.maxWorkers, chunkSize: this.chunkSize, onProgress, signal: this.signal };
    if (!this.digestCache) return hashTasks(items.map((it) => it.task), options);
    // Loaded on use: most runs have no cache, and start-up time matters for small models.
    const { hashWithDigestCache } = await import('../cache/hash-with-cache.js');
    const r = await hashWithDigestCache({
      dir: this.digestCache.dir,
      modelRoot: walk.root,
      algorithm: this.algorithm,
      items,
      hash: (tasks) => hashTasks(tasks, options),
      onWarning: this.onWarning,
      readOnly: this.digestCache.readOnly,
    });
    this.digestCache.onStats?.({ hits: r.hits, misses: r.misses });
    return r.digests;
  }

  private serializationWith(userIgnorePaths: readonly string[]): Serialization {
    const ignorePaths = sortNames([...userIgnorePaths, ...(this.ignoreGit ? GIT_IGNORE_PATHS : [])]);
    const common = { hashType: this.algorithm, allowSymlinks: this.allowSymlinks, ignorePaths };
    return this.method === 'shards' ? { method: 'shards', shardSize: this.shardSize, ...common } : { method: 'files', ...common };
  }

  /** Validates everything before changing anything, so a rejected call leaves the settings alone. */
  private applyCommon(o: SerializationOptions): void {
    const name = o.hashAlgorithm ?? 'sha256';
    if (typeof name !== 'string') throw new ModelSigningError('USAGE', `hashAlgorithm must be a string, got ${typeof name}`);
    const algorithm = parseHashAlgorithm(name);
    const chunkSize = positiveInteger('chunkSize', o.chunkSize);
    const maxWorkers = positiveInteger('maxWorkers', o.maxWorkers);
    const extraIgnores = o.ignorePaths === undefined ? [] : checkIgnoreEntries(o.ignorePaths);
    this.algorithm = algorithm;
    this.chunkSize = chunkSize;
    this.maxWorkers = maxWorkers;
    if (o.allowSymlinks !== undefined) this.setAllowSymlinks(o.allowSymlinks);
    this.ignorePaths = [...this.ignorePaths, ...extraIgnores];
  }
}

/** Hashes with the defaults: file serialization, SHA-256, git paths excluded, symlinks refused. */
export function hash(modelPath: string): Promise<Manifest> {
  return new Config().hash(modelPath);
}

function positiveInteger(what: string, v: number | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) return v;
  throw new ModelSigningError('USAGE', `${what} must be a positive integer, got ${String(v)}`);
}

/** Relative entries are checked now (early, clear errors); absolute ones when the model is known. */
function checkIgnoreEntries(paths: readonly string[]): string[] {
  if (!Array.isArray(paths)) throw new ModelSigningError('USAGE', 'ignore paths must be an array of strings');
  for (const p of paths) {
    if (typeof p !== 'string' || p === '') throw new ModelSigningError('USAGE', 'ignore path must be a non-empty string');
    if (isAbsolute(p)) continue;
    const n = normaliseRelative(p);
    if (n === null) throw new ModelSigningError('USAGE', `ignore path '${p}' is outside the model`);
    if (n === '') throw new ModelSigningError('USAGE', `ignore path '${p}' is the model itself`);
    validateIgnorePath(n);
  }
  return [...paths];
}
