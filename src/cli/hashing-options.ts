/** The model-selection and hashing flags shared by digest and sign, and the hashing.Config they build. */
import { Command, Option } from 'commander';
import { Config, type DigestCacheOptions } from '../api/hashing.js';
import { parseHashAlgorithm, DEFAULT_SHARD_SIZE } from '../manifest.js';
import { ModelSigningError } from '../errors.js';
import { resolveCliIgnorePaths } from '../model/ignore-paths.js';
import { collect } from './collect.js';
import type { CliContext } from './context.js';

export interface ModelOptions {
  ignorePaths?: string[];
  ignoreGitPaths: boolean;
  allowSymlinks?: boolean;
}
export interface HashingOptions extends ModelOptions {
  hashAlgorithm?: string;
  serialization?: string;
  shardSize?: string;
  maxWorkers?: string;
  compat?: string;
}

/** --ignore-paths, --ignore-git-paths/--no-ignore-git-paths, --allow-symlinks (sign, verify, digest). */
export function addModelOptions(cmd: Command): Command {
  return cmd
    .option('--ignore-paths <path>', 'Exclude this file or folder (relative to the current directory or to the model; repeatable).', collect)
    .option('--ignore-git-paths', 'Exclude .git, .gitattributes, .github, .gitignore at the model root (default).', true)
    .option('--no-ignore-git-paths', 'Include the git paths.')
    .option('--allow-symlinks', 'Follow symbolic links instead of refusing them.');
}

/** --hash-algorithm, --serialization, --shard-size, --max-workers (digest and sign). */
export function addHashingOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--hash-algorithm <name>', 'Digest algorithm: sha256, blake2b, blake3.').default('sha256'))
    .addOption(new Option('--serialization <method>', 'files: one digest per file; shards: one per byte range.').default('files'))
    .option('--shard-size <bytes>', `Shard size for --serialization shards (default ${DEFAULT_SHARD_SIZE}).`)
    .option('--max-workers <n>', 'Hashing threads (default: one per core).')
    .addOption(new Option('--compat <form>', 'spec: the OMS v1.0 form; reference: what model_signing 1.1.1 writes and verifies.').default('spec'));
}

export function positiveInt(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const t = raw.trim();
  const n = /^[0-9]+$/.test(t) ? Number(t) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw new ModelSigningError('USAGE', `${flag} must be a positive integer, got '${raw}'`);
  return n;
}

/** Builds the hashing configuration the flags describe; `extraIgnores` are model-relative (e.g. the signature). */
export function hashingConfigFromOptions(ctx: CliContext, modelPath: string, o: HashingOptions, extraIgnores: string[] = []): Config {
  const cfg = new Config();
  const hashAlgorithm = parseHashAlgorithm(o.hashAlgorithm ?? 'sha256');
  const maxWorkers = positiveInt('--max-workers', o.maxWorkers);
  const method = (o.serialization ?? 'files').trim().toLowerCase();
  if (method === 'shards') {
    cfg.useShardSerialization({ hashAlgorithm, maxWorkers, shardSize: positiveInt('--shard-size', o.shardSize) ?? DEFAULT_SHARD_SIZE });
  } else if (method === 'files') {
    if (o.shardSize !== undefined) throw new ModelSigningError('USAGE', '--shard-size needs --serialization shards');
    cfg.useFileSerialization({ hashAlgorithm, maxWorkers });
  } else {
    throw new ModelSigningError('USAGE', `unknown serialization '${o.serialization}': expected files or shards`);
  }
  applyModelOptions(ctx, cfg, modelPath, o, extraIgnores);
  return cfg;
}

/** Ignore paths, git paths and the symlink policy onto an existing configuration. */
export function applyModelOptions(ctx: CliContext, cfg: Config, modelPath: string, o: ModelOptions, extraIgnores: string[] = []): Config {
  const user = resolveCliIgnorePaths(modelPath, o.ignorePaths ?? [], process.cwd());
  cfg.setIgnoredPaths({ paths: [...user, ...extraIgnores], ignoreGitPaths: o.ignoreGitPaths !== false });
  if (o.allowSymlinks) cfg.setAllowSymlinks(true);
  cfg.setWarningHandler((m) => ctx.warn(m)); // ctx.warn escapes control characters
  return cfg;
}

export interface CacheOptions {
  incremental?: boolean;
  cacheDir?: string;
}

/** --incremental and --cache-dir (digest, sign, verify). */
export function addCacheOptions(cmd: Command): Command {
  return cmd
    .option('--incremental', 'Reuse digests of unchanged files from the per-machine digest cache.')
    .option('--cache-dir <dir>', 'Digest cache directory (default $XDG_CACHE_HOME/model-signing or ~/.cache/model-signing).');
}

/** The digest cache the flags ask for (none without --incremental); `report` gets the hit count for the user. */
export function digestCacheFromOptions(o: CacheOptions, report: (hits: number, total: number) => void): DigestCacheOptions | undefined {
  if (o.cacheDir !== undefined && !o.incremental) throw new ModelSigningError('USAGE', '--cache-dir needs --incremental');
  return o.incremental ? { dir: o.cacheDir, onStats: (s) => report(s.hits, s.hits + s.misses) } : undefined;
}

/** Turns the digest cache on when asked. */
export function applyCacheOptions(cfg: Config, o: CacheOptions, report: (hits: number, total: number) => void): Config {
  const cache = digestCacheFromOptions(o, report);
  if (cache) cfg.useDigestCache(cache);
  return cfg;
}
