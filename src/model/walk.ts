/**
 * Walking a model: every regular file under a directory (or the single file), named canonically,
 * with the ignore rules and the symlink policy applied. Synchronous fs calls on purpose: metadata
 * calls are microseconds each and a sync walk is several times faster than one through the libuv
 * pool; the walk yields to the event loop every few directories so timers and aborts still run.
 */
import type { BigIntStats } from 'node:fs';
import { basename, join, resolve, sep } from 'node:path';
import { ModelSigningError } from '../errors.js';
import type { ListedFolders, ModelFile, WalkOptions, WalkResult } from './types.js';
import { canonicalIgnorePaths, GIT_IGNORE_PATHS } from './ignore-paths.js';
import { canonicalNameProblem, modelNameOf, nameInside, sortByName, sortNames } from './names.js';
import { debug } from '../debug-log.js';
import { hubCacheBlobs, hubCacheHint, hubCacheSummary } from './hf-cache.js';
import { dirKey, errnoCode, followLink, lstatOrThrow, modelFile, readDirEntries, realpathOrNull, specialFileError, symlinkRefused } from './fs-checks.js';

const YIELD_EVERY_DIRS = 256;

export async function walkModel(modelPath: string, opts: WalkOptions = {}): Promise<WalkResult> {
  if (typeof modelPath !== 'string' || modelPath === '') throw new ModelSigningError('USAGE', 'model path must not be empty');
  opts.signal?.throwIfAborted();
  const root = resolve(modelPath);
  const modelName = modelNameOf(modelPath);
  const allow = opts.allowSymlinks === true;
  const warn = opts.onWarning ?? (() => {});
  const ignored = new Set(canonicalIgnorePaths(opts.ignorePaths ?? []));
  if (opts.ignoreGitPaths !== false) for (const g of GIT_IGNORE_PATHS) ignored.add(g);

  const rootLstat = statModelPath(root, modelPath);
  let rootStat = rootLstat;
  if (rootLstat.isSymbolicLink()) {
    if (!allow) throw refuseLink(root, modelPath);
    rootStat = followLink(root, modelPath);
  }

  if (rootStat.isFile()) {
    const file = modelFile(basename(root), root, rootLstat.isSymbolicLink(), rootStat);
    if (!opts.onlyNames) return { root, modelName, singleFile: true, files: [file], missing: [] };
    const wanted = sortNames(opts.onlyNames);
    return { root, modelName, singleFile: true, files: wanted.includes(file.name) ? [file] : [], missing: wanted.filter((n) => n !== file.name) };
  }
  if (!rootStat.isDirectory()) throw specialFileError(modelPath, rootStat, rootLstat.isSymbolicLink());

  const walker = new Walker(root, allow, ignored, warn, opts.signal, opts.listRegularFiles === true && !opts.onlyNames);
  if (opts.onlyNames) {
    const { files, missing } = walker.select(opts.onlyNames);
    walker.summarise();
    return { root, modelName, singleFile: false, files: sortByName(files), missing };
  }
  await walker.descend(root, '', rootStat);
  walker.summarise();
  if (walker.files.length === 0 && walker.listed.length === 0) {
    throw new ModelSigningError('MODEL', `model '${modelPath}' contains no files to sign (after exclusions)`);
  }
  const result: WalkResult = { root, modelName, singleFile: false, files: sortByName(walker.files), missing: [] };
  if (walker.listing) {
    result.listed = walker.listed;
    result.listedFolders = walker.listedFolders;
  }
  return result;
}

function statModelPath(root: string, given: string): BigIntStats {
  try {
    return lstatOrThrow(root, given);
  } catch (e) {
    if (errnoCode((e as Error).cause) === 'ENOENT') throw new ModelSigningError('IO', `model path '${given}' does not exist`);
    throw e;
  }
}

class Walker {
  readonly files: ModelFile[] = [];
  readonly listed: string[] = [];
  readonly listedFolders: ListedFolders = { folders: [], runStarts: [], runFolders: [] };
  /** dev:ino of the directories on the current descent path (cycle detection through symlinks). */
  private readonly stack = new Set<string>();
  private realRoot: string | null | undefined;
  /** A Hugging Face hub cache's blobs folder (links into it are counted, not warned about one by one). */
  private hubBlobs: string | null | undefined;
  private hubLinks = 0;
  private dirsSinceYield = 0;

  constructor(
    private readonly root: string,
    private readonly allow: boolean,
    private readonly ignored: ReadonlySet<string>,
    private readonly warn: (m: string) => void,
    private readonly signal: AbortSignal | undefined,
    readonly listing: boolean,
  ) {}

  async descend(abs: string, name: string, st: BigIntStats): Promise<void> {
    this.signal?.throwIfAborted();
    if (++this.dirsSinceYield >= YIELD_EVERY_DIRS) {
      this.dirsSinceYield = 0;
      await new Promise<void>((r) => setImmediate(r));
      this.signal?.throwIfAborted();
    }
    const key = dirKey(st);
    this.stack.add(key);
    // `abs` is resolved and an entry name never holds a separator: plain concatenation is path.join's
    // result, without its normalisation cost (which dominated the walk of many-file trees).
    const prefix = abs.endsWith(sep) ? abs : abs + sep;
    const namePrefix = name === '' ? '' : `${name}/`; // one string per folder, shared by its entries' names
    let folder = -1; // index in listedFolders.folders, once this folder has a listed file
    for (const dirent of readDirEntries(abs, name || abs, name)) {
      const entry = dirent.name;
      const childName = namePrefix + entry;
      if (this.ignored.has(childName)) {
        debug('walk', () => `excluded '${childName}': ${GIT_IGNORE_PATHS.includes(childName) ? 'a git path (--no-ignore-git-paths keeps it)' : 'an ignore path'}`);
        continue; // never stat'ed: an ignored FIFO or link is fine
      }
      const childAbs = prefix + entry;
      if (this.listing && dirent.isFile()) {
        const lf = this.listedFolders;
        if (folder < 0) folder = lf.folders.push({ name, path: abs, dev: st.dev, ino: st.ino }) - 1;
        if (lf.runFolders.at(-1) !== folder) {
          lf.runStarts.push(this.listed.length);
          lf.runFolders.push(folder);
        }
        this.listed.push(childName);
        continue;
      }
      const lst = lstatOrThrow(childAbs, childName);
      if (lst.isSymbolicLink()) {
        if (!this.allow) throw refuseLink(this.root, childName);
        const target = followLink(childAbs, childName);
        this.warnIfOutside(childAbs, childName);
        if (target.isDirectory()) {
          if (this.stack.has(dirKey(target))) {
            this.warn(`skipping '${childName}': it is a symlink to a directory that contains it (a cycle)`);
            continue;
          }
          await this.descend(childAbs, childName, target);
        } else if (target.isFile()) {
          this.files.push(modelFile(childName, childAbs, true, target));
        } else {
          throw specialFileError(childName, target, true);
        }
      } else if (lst.isDirectory()) {
        await this.descend(childAbs, childName, lst);
      } else if (lst.isFile()) {
        this.files.push(modelFile(childName, childAbs, false, lst));
      } else {
        throw specialFileError(childName, lst);
      }
    }
    this.stack.delete(key);
  }

  /**
   * Exactly the given names (verification with ignore-unsigned-files). Each name is joined lexically
   * under the root and every component is lstat'ed, so a symlinked parent directory is a symlink too.
   */
  select(onlyNames: readonly string[]): { files: ModelFile[]; missing: string[] } {
    const files: ModelFile[] = [];
    const missing: string[] = [];
    const dirs = new Map<string, boolean>(); // prefix -> is a directory we may enter (false: missing)
    for (const name of sortNames(onlyNames)) {
      const problem = canonicalNameProblem(name);
      if (problem) throw new ModelSigningError('USAGE', `refusing file name '${name}': it ${problem}`);
      const parts = name.split('/');
      if (parts.some((_, i) => this.ignored.has(parts.slice(0, i + 1).join('/')))) continue;
      let abs = this.root;
      let found: ModelFile | null = null;
      for (let i = 0; i < parts.length; i++) {
        abs = join(abs, parts[i]!);
        const sofar = parts.slice(0, i + 1).join('/');
        const last = i === parts.length - 1;
        if (!last && dirs.has(sofar)) {
          if (!dirs.get(sofar)) break;
          continue;
        }
        const lst = this.lstatOrMissing(abs, sofar);
        if (lst === null) {
          if (!last) dirs.set(sofar, false);
          break;
        }
        let st = lst;
        if (lst.isSymbolicLink()) {
          if (!this.allow) throw refuseLink(this.root, sofar);
          st = followLink(abs, sofar);
          this.warnIfOutside(abs, sofar); // once per link: entered directories are cached below
        }
        if (!last) {
          dirs.set(sofar, st.isDirectory());
          if (!st.isDirectory()) break;
        } else if (st.isFile()) {
          found = modelFile(name, abs, lst.isSymbolicLink(), st);
        } else if (!st.isDirectory()) {
          throw specialFileError(name, st, lst.isSymbolicLink());
        }
      }
      if (found === null) {
        missing.push(name);
        continue;
      }
      files.push(found);
    }
    return { files, missing };
  }

  private lstatOrMissing(abs: string, name: string): BigIntStats | null {
    try {
      return lstatOrThrow(abs, name);
    } catch (e) {
      const code = errnoCode((e as Error).cause);
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      throw e;
    }
  }

  /** One line for all the links into a hub cache's blobs. */
  summarise(): void {
    if (this.hubLinks > 0 && this.hubBlobs) this.warn(hubCacheSummary(this.hubLinks, this.hubBlobs));
  }

  private warnIfOutside(abs: string, name: string): void {
    if (this.realRoot === undefined) this.realRoot = realpathOrNull(this.root);
    const real = realpathOrNull(abs);
    if (this.realRoot === null || real === null) return;
    if (nameInside(this.realRoot, real) === null) {
      if (this.hubBlobs === undefined) this.hubBlobs = hubCacheBlobs(this.root);
      if (this.hubBlobs !== null && nameInside(this.hubBlobs, real) !== null) {
        this.hubLinks++;
        return;
      }
      this.warn(`'${name}' is a symlink to '${real}', outside the model: its content is signed as if it were inside`);
    }
  }
}

/** The symlink refusal, saying how to sign a Hugging Face hub cache snapshot when it is one. */
function refuseLink(root: string, name: string): ModelSigningError {
  const blobs = hubCacheBlobs(root);
  return symlinkRefused(name, blobs === null ? undefined : hubCacheHint(blobs));
}
