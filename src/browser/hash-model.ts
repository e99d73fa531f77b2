/**
 * Re-hashing a browser model with a signature's serialization: the same items as the Node engine builds
 * (files: one digest per file, empty ones included; shards: `name:start:end` ranges of `shardSize`, none for
 * an empty file), the same exclusions (the signed ignore paths, the caller's, the top-level git paths), the
 * same limit on the number of digests. Digests are computed by a pool of Web Workers when available.
 */
import { ModelSigningError } from '../errors.js';
import { VERIFY_TASK_MARGIN, checkFileCount, checkTaskCount } from '../hashing/task-limits.js';
import { shardName, type ResourceDescriptor, type Serialization } from '../manifest.js';
import type { HashProgress } from '../hashing/types.js';
import { digestRange, type DigestJob } from './digest.js';
import type { BrowserModel, ModelEntry } from './model.js';

/** As the Node walker's default exclusions (src/model/ignore-paths.ts). */
export const GIT_IGNORE_PATHS: readonly string[] = ['.git', '.gitattributes', '.github', '.gitignore'];

/** Computes many digests; resolves in job order. */
export type Digester = (jobs: DigestJob[], onBytes: (n: number) => void) => Promise<string[]>;

/** Hashes in the current thread, one job after the other (no Worker support, or Node). */
export const inThreadDigester: Digester = async (jobs, onBytes) => {
  const out: string[] = [];
  for (const j of jobs) out.push(await digestRange(j, onBytes));
  return out;
};

/** Workers could not be started or run (e.g. a Content-Security-Policy without `worker-src blob:`). */
export class WorkersUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkersUnavailableError';
  }
}

/** A pool of `size` workers; the largest jobs go first so that a big shard never runs alone at the end. */
export function workerDigester(makeWorker: () => Worker, size: number): Digester {
  return (jobs, onBytes) =>
    new Promise<string[]>((resolve, reject) => {
      const results: string[] = new Array(jobs.length);
      const order = jobs.map((_, i) => i).sort((a, b) => jobs[b]!.end - jobs[b]!.start - (jobs[a]!.end - jobs[a]!.start));
      const workers: Worker[] = [];
      let next = 0;
      let done = 0;
      let failed = false;
      const finish = (e?: Error): void => {
        for (const w of workers) w.terminate();
        if (e) reject(e);
        else resolve(results);
      };
      const feed = (w: Worker): void => {
        if (next >= order.length) return;
        const id = order[next++]!;
        w.postMessage({ id, job: jobs[id] });
      };
      if (jobs.length === 0) return resolve([]);
      for (let i = 0; i < Math.max(1, Math.min(size, jobs.length)); i++) {
        let w: Worker;
        try {
          w = makeWorker();
        } catch (e) {
          failed = true;
          return finish(new WorkersUnavailableError(`cannot start a hashing worker: ${e instanceof Error ? e.message : String(e)}`));
        }
        workers.push(w);
        w.onmessage = (ev: MessageEvent<{ id: number; bytes?: number; digest?: string; error?: string }>) => {
          const m = ev.data;
          if (failed) return;
          if (m.bytes !== undefined) return onBytes(m.bytes);
          if (m.error !== undefined || m.digest === undefined) {
            failed = true;
            return finish(new ModelSigningError('IO', `cannot read ${describe(jobs[m.id]!)}: ${m.error ?? 'no digest'}`));
          }
          results[m.id] = m.digest;
          if (++done === jobs.length) return finish();
          feed(w);
        };
        w.onerror = (ev: ErrorEvent) => {
          if (failed) return;
          failed = true;
          // A worker that fails outside a job (its script refused or broken) is not a verdict about the model.
          finish(new WorkersUnavailableError(`a hashing worker failed: ${ev.message || 'unknown error'}`));
        };
        feed(w);
      }
    });
}

function describe(j: DigestJob): string {
  const name = (j.blob as File).name;
  return name ? `'${name}'` : 'a file';
}

export interface HashModelOptions {
  /** Model-relative exclusions beyond the signature's own (e.g. the signature file inside the model). */
  ignorePaths?: readonly string[];
  /** Exclude the top-level git paths (default true, as when signing). */
  ignoreGitPaths?: boolean;
  /** Only these entries (ignore-unsigned-files): the others are neither hashed nor reported. */
  onlyNames?: ReadonlySet<string>;
  digester?: Digester;
  onProgress?: (p: HashProgress) => void;
  /** Verification: the number of resources the signature lists; the model may need at most this many digests plus a margin. */
  signedResources?: number;
}

function excluded(name: string, paths: readonly string[]): boolean {
  return paths.some((p) => name === p || name.startsWith(p + '/'));
}

/** The model's entries after the exclusions, as Node's walk would list them. */
export function selectEntries(model: BrowserModel, s: Serialization, o: HashModelOptions = {}): ModelEntry[] {
  if (model.singleFile) return model.entries;
  const paths = [...s.ignorePaths, ...(o.ignorePaths ?? []), ...(o.ignoreGitPaths === false ? [] : GIT_IGNORE_PATHS)];
  return model.entries.filter((e) => !excluded(e.name, paths) && (!o.onlyNames || o.onlyNames.has(e.name)));
}

/** The model's resources (files or shards) under the signature's serialization. */
export async function hashModel(model: BrowserModel, s: Serialization, o: HashModelOptions = {}): Promise<ResourceDescriptor[]> {
  return (await hashModelWithDetails(model, s, o)).resources;
}

/**
 * hashModel, also naming the selected files that are empty: shard manifests cannot list them (OMS 6.3.2), yet
 * they are local files the verifier must account for, as the Node verifier does.
 */
export async function hashModelWithDetails(
  model: BrowserModel,
  s: Serialization,
  o: HashModelOptions = {},
): Promise<{ resources: ResourceDescriptor[]; emptyFiles: string[] }> {
  const entries = selectEntries(model, s, o);
  const emptyFiles = entries.filter((e) => e.size === 0).map((e) => e.name);
  const items: Array<{ name: string; job: DigestJob }> = [];
  const count = s.method === 'files' ? entries.length : entries.reduce((n, e) => n + Math.ceil(e.size / s.shardSize), 0);
  // The same rule as the Node engine, before any job exists: memory stays bounded by what was signed.
  const maxTasks = o.signedResources !== undefined ? o.signedResources + VERIFY_TASK_MARGIN : undefined;
  checkFileCount(entries.length, maxTasks);
  checkTaskCount(count, s, true, maxTasks);
  for (const e of entries) {
    if (s.method === 'files') {
      items.push({ name: e.name, job: { blob: e.blob, start: 0, end: e.size, algorithm: s.hashType } });
      continue;
    }
    for (let start = 0; start < e.size; start += s.shardSize) {
      const end = Math.min(start + s.shardSize, e.size);
      items.push({ name: shardName(e.name, start, end), job: { blob: e.blob, start, end, algorithm: s.hashType } });
    }
  }
  const progress: HashProgress = {
    bytesDone: 0,
    bytesTotal: items.reduce((n, it) => n + it.job.end - it.job.start, 0),
    tasksDone: 0,
    tasksTotal: items.length,
  };
  o.onProgress?.({ ...progress });
  const digests = await (o.digester ?? inThreadDigester)(
    items.map((it) => it.job),
    (n) => {
      progress.bytesDone += n;
      o.onProgress?.({ ...progress });
    },
  );
  o.onProgress?.({ ...progress, bytesDone: progress.bytesTotal, tasksDone: items.length });
  return { resources: items.map((it, i) => ({ name: it.name, algorithm: s.hashType, digest: digests[i]! })), emptyFiles };
}
