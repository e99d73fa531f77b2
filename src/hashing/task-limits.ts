/**
 * How many digests a model may need: the rule every hashing engine (Node threads, browser workers) applies
 * before it creates a single task, so that memory stays bounded by what was signed.
 */
import { ModelSigningError } from '../errors.js';
import type { Serialization } from '../manifest.js';

/** More tasks than this would exhaust memory long before hashing ends (e.g. 8-byte shards of a big file). */
export const MAX_HASH_TASKS = 10_000_000;

/**
 * What verification may hash: as many digests as the signature lists plus this margin (local files the
 * signature does not list still get digests, for the report). A model needing more cannot match its
 * signature, and creating its tasks could exhaust memory (a signed shard size of 1 over a big file).
 */
export const VERIFY_TASK_MARGIN = 1024;

/** Refuses `n` digests when they exceed `maxTasks` (verification) or the absolute limit. */
export function checkTaskCount(n: number, s: Serialization, fromSignature: boolean, maxTasks?: number): void {
  if (maxTasks !== undefined && n > maxTasks && maxTasks < MAX_HASH_TASKS) {
    const how = s.method === 'shards' ? `in shards of ${s.shardSize} bytes as signed` : 'file by file as signed';
    throw new ModelSigningError(
      'MISMATCH',
      `the model does not match its signature: hashing it ${how} needs ${n} digests, but the signature lists only ${maxTasks - VERIFY_TASK_MARGIN} (refused before hashing)`,
    );
  }
  if (n <= MAX_HASH_TASKS) return;
  if (fromSignature) {
    // Verifying: the shard size is the signer's choice, not a flag the user can change.
    const what = s.method === 'shards' ? `the signature's shard size of ${s.shardSize} bytes` : 'the signature';
    throw new ModelSigningError('BUNDLE', `${what} would need ${n} digests, more than the limit of ${MAX_HASH_TASKS}, to verify this model`);
  }
  const hint = s.method === 'shards' ? `; use a larger shard size than ${s.shardSize}` : '';
  throw new ModelSigningError('USAGE', `the model would need ${n} digests, more than the limit of ${MAX_HASH_TASKS}${hint}`);
}

/**
 * Verification: a model with more files than the signature lists (plus the margin) cannot match it (every
 * unlisted file, empty ones too, is unsigned): refused before anything is hashed.
 */
export function checkFileCount(fileCount: number, maxTasks?: number): void {
  if (maxTasks !== undefined && fileCount > maxTasks && maxTasks < MAX_HASH_TASKS) {
    throw new ModelSigningError(
      'MISMATCH',
      `the model does not match its signature: it holds ${fileCount} files, but the signature lists only ${maxTasks - VERIFY_TASK_MARGIN} resources (refused before hashing)`,
    );
  }
}
