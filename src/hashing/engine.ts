// TEMPORARY single-threaded engine so other modules can be built against the API.
// Replaced by the worker-pool engine (see hashing/types.ts for the contract).
import { openSync, readSync, closeSync, fstatSync, constants } from 'node:fs';
import { createHash } from 'node:crypto';
import type { HashOptions, HashTask } from './types.js';
import { ModelSigningError } from '../errors.js';

export async function hashTasks(tasks: readonly HashTask[], opts: HashOptions): Promise<Buffer[]> {
  if (opts.algorithm !== 'sha256') throw new ModelSigningError('INTERNAL', 'temporary engine: sha256 only');
  const buf = Buffer.allocUnsafe(1 << 20);
  return tasks.map((t) => {
    const fd = openSync(t.path, constants.O_RDONLY | (t.noFollow ? constants.O_NOFOLLOW : 0));
    try {
      const st = fstatSync(fd);
      if (st.size !== t.expectedSize) throw new ModelSigningError('MODEL', `'${t.name}' changed while it was being hashed`);
      const h = createHash('sha256');
      let pos = t.start;
      while (pos < t.end) {
        const n = readSync(fd, buf, 0, Math.min(buf.length, t.end - pos), pos);
        if (n === 0) throw new ModelSigningError('MODEL', `'${t.name}' changed while it was being hashed`);
        h.update(buf.subarray(0, n));
        pos += n;
      }
      return h.digest();
    } finally {
      closeSync(fd);
    }
  });
}
