/**
 * Hugging Face hub caches: `<repo>/snapshots/<revision>/<file>` are symlinks into `<repo>/blobs/<hash>`
 * (`huggingface_hub` stores each blob once). Signing such a snapshot needs --allow-symlinks; the
 * links all point outside the folder, which would otherwise print one warning per file.
 */
import { statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { realpathOrNull } from './fs-checks.js';

/** The resolved `blobs` folder when `root` (resolved) is a hub cache snapshot or a file in one, else null. */
export function hubCacheBlobs(root: string): string | null {
  for (const snapshot of [root, dirname(root)]) {
    const snapshots = dirname(snapshot);
    if (basename(snapshots) !== 'snapshots') continue;
    const blobs = join(dirname(snapshots), 'blobs');
    try {
      if (statSync(blobs).isDirectory()) return realpathOrNull(blobs);
    } catch {
      // not a hub cache
    }
  }
  return null;
}

/** Appended to the symlink refusal for a hub cache snapshot. */
export function hubCacheHint(blobs: string): string {
  return `this is a Hugging Face hub cache snapshot, whose files are symlinks into '${blobs}': sign and verify it with --allow-symlinks (the linked files' content is what gets signed)`;
}

/** The one line that replaces a warning per link. */
export function hubCacheSummary(links: number, blobs: string): string {
  return `${links} file${links === 1 ? ' is a symlink' : 's are symlinks'} into the Hugging Face cache's blobs folder '${blobs}': their content is signed as if it were inside the model`;
}
