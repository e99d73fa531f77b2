// Independent check of the digests the benchmark times: a fast wrong answer is worse than a slow one.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';

const TOOLS = {
  sha256: (f) => ['openssl', ['dgst', '-sha256', '-r', f]],
  blake3: (f) => ['b3sum', ['--no-names', f]],
};

/** The OMS root digest of a model computed with openssl / b3sum per file, or null if the tool is missing. */
export function oracleRoot(modelDir, files, algorithm) {
  const tool = TOOLS[algorithm];
  const names = files.map((f) => path.relative(modelDir, f).split(path.sep).join('/'));
  // Code-point order of the names (the bench names are ASCII, so byte order is the same).
  const order = names.map((n, i) => [Buffer.from(n), i]).sort((a, b) => Buffer.compare(a[0], b[0]));
  const root = createHash('sha256');
  for (const [, i] of order) {
    const [cmd, args] = tool(files[i]);
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    if (r.status !== 0) return null;
    root.update(Buffer.from(r.stdout.trim().split(/\s+/)[0], 'hex'));
  }
  return `sha256:${root.digest('hex')}`;
}

/** Throws if any timed run printed another digest than the oracle's. */
export function checkRuns(label, measured, expected) {
  if (expected === null) return 'not checked (tool missing)';
  for (const r of measured.runs) {
    const got = r.stdout.trim();
    if (got !== expected) throw new Error(`${label}: the digest printed (${got}) differs from the independent one (${expected})`);
  }
  return 'checked';
}

/** The OMS root digest from `sha256sum`-style lines ("<hex>  ./<name>") listing every file of a model. */
export function rootFromListing(stdout) {
  const entries = stdout
    .trim()
    .split('\n')
    .map((l) => {
      const m = /^([0-9a-f]{64}) [ *]\.\/(.*)$/.exec(l);
      if (!m) throw new Error(`unexpected sha256sum line: ${l}`);
      return [Buffer.from(m[2]), m[1]];
    })
    .sort((a, b) => Buffer.compare(a[0], b[0]));
  const root = createHash('sha256');
  for (const [, hex] of entries) root.update(Buffer.from(hex, 'hex'));
  return `sha256:${root.digest('hex')}`;
}
