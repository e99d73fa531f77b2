// Full sign of the bench model vs an incremental re-sign after appending one byte to one small file.
import fs from 'node:fs';
import path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { measure, runOnce } from './measure.mjs';
import { warm } from './cache.mjs';

export function incrementalSign({ node, cli, model, files, work, runs, cwd }) {
  fs.mkdirSync(work, { recursive: true });
  const key = path.join(work, 'bench-key.pem');
  if (!fs.existsSync(key)) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    fs.writeFileSync(key, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  }
  const sig = path.join(work, 'bench.sig');
  const cacheDir = path.join(work, 'digest-cache');
  const sign = (extra) => [cli, 'sign', 'key', model, '--private-key', key, '--signature', sig, ...extra];

  const full = measure(runs, () => {
    warm(files);
    return runOnce(node, sign([]), { cwd });
  });

  // Prime the cache once (the bench files are older than the cache's two-second racy window).
  fs.rmSync(cacheDir, { recursive: true, force: true });
  runOnce(node, sign(['--incremental', '--cache-dir', cacheDir]), { cwd });

  const smallest = files.reduce((a, b) => (fs.statSync(a).size <= fs.statSync(b).size ? a : b));
  const size = fs.statSync(smallest).size;
  let reused = '';
  try {
    const inc = measure(runs, () => {
      fs.appendFileSync(smallest, 'x'); // a new change each run: that file is always re-hashed
      const r = runOnce(node, sign(['--incremental', '--cache-dir', cacheDir]), { cwd });
      reused = /(\d+ of \d+) digests reused/.exec(r.stderr)?.[1] ?? '?';
      fs.truncateSync(smallest, size);
      return r;
    });
    return { full, inc, reused };
  } finally {
    fs.truncateSync(smallest, size); // leave the dataset as it was (its content check is byte-exact)
  }
}
