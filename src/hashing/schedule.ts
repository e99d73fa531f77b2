/**
 * Work splitting: largest task first (LPT), so a big file or shard never runs alone at the end,
 * and small files grouped into batches so message round trips do not dominate.
 */
import type { HashTask } from './types.js';

export const BATCH_MAX_FILES = 256;
export const BATCH_MAX_BYTES = 64 * 1024 * 1024;

export function taskBytes(t: HashTask): number {
  return t.end - t.start;
}

/** Batches of task indices, largest first. A task bigger than the byte cap forms its own batch. */
export function planBatches(tasks: readonly HashTask[], maxFiles = BATCH_MAX_FILES, maxBytes = BATCH_MAX_BYTES): number[][] {
  const order = tasks.map((_, i) => i);
  order.sort((a, b) => taskBytes(tasks[b]!) - taskBytes(tasks[a]!) || a - b);
  const batches: number[][] = [];
  let cur: number[] = [];
  let bytes = 0;
  for (const i of order) {
    const n = taskBytes(tasks[i]!);
    if (cur.length > 0 && (cur.length >= maxFiles || bytes + n > maxBytes)) {
      batches.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(i);
    bytes += n;
  }
  if (cur.length > 0) batches.push(cur);
  return batches;
}
