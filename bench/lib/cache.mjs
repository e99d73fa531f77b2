// Page-cache control: warm (read everything) and cold (drop the bench files' pages).
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';

export function warm(files) {
  // `cat` rather than Node: the recipe's way, and it leaves nothing in this process.
  for (let i = 0; i < files.length; i += 500) {
    spawnSync('sh', ['-c', 'cat "$@" > /dev/null', 'sh', ...files.slice(i, i + 500)], { stdio: 'ignore' });
  }
}

let method;
/** How to drop the cache here: the global knob (root), per-file DONTNEED through dd, or nothing. */
export function coldMethod() {
  if (method !== undefined) return method;
  try {
    spawnSync('sync');
    fs.writeFileSync('/proc/sys/vm/drop_caches', '1');
    method = 'drop_caches';
  } catch {
    const r = spawnSync('dd', ['if=/dev/null', 'iflag=nocache', 'count=0', 'status=none']);
    method = r.status === 0 ? 'dd iflag=nocache (per-file fadvise DONTNEED)' : null;
  }
  return method;
}

/** Drops the page cache of `files`; false when not possible. */
export function drop(files) {
  const m = coldMethod();
  if (!m) return false;
  if (m === 'drop_caches') {
    spawnSync('sync');
    fs.writeFileSync('/proc/sys/vm/drop_caches', '1');
    return true;
  }
  for (let i = 0; i < files.length; i += 200) {
    const script = 'for f in "$@"; do dd if="$f" iflag=nocache count=0 status=none; done';
    spawnSync('sh', ['-c', script, 'sh', ...files.slice(i, i + 200)], { stdio: 'ignore' });
  }
  return true;
}
