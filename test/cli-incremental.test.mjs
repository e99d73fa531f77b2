// --incremental through the real CLI: unchanged files come from the digest cache, the signature is the
// same as a full re-sign, and changed files are always re-hashed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync, mkdirSync, appendFileSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli, tempDir } from './support/cli.mjs';

const payloadOf = (sigPath) => Buffer.from(JSON.parse(readFileSync(sigPath, 'utf8')).dsseEnvelope.payload, 'base64').toString('utf8');

async function setup(t) {
  const d = tempDir(t);
  const m = join(d, 'model');
  mkdirSync(join(m, 'weights'), { recursive: true });
  for (let i = 0; i < 4; i++) writeFileSync(join(m, 'weights', `part-${i}.bin`), Buffer.alloc(300_000 + i, i + 1));
  writeFileSync(join(m, 'README.md'), '# model\n');
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(join(d, 'key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(join(d, 'pub.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
  // Entries for files written in the last ~2 s are never trusted (a same-size rewrite in the same
  // timestamp tick would be invisible), so let the fresh files age first.
  await sleep(2200);
  const cache = join(d, 'cache');
  return { d, m, cache, key: join(d, 'key.pem'), pub: join(d, 'pub.pem') };
}

test('sign --incremental reuses unchanged digests and writes the same payload as a full sign', async (t) => {
  const { d, m, cache, key, pub } = await setup(t);
  const full = join(d, 'full.sig');
  const inc1 = join(d, 'inc1.sig');
  const inc2 = join(d, 'inc2.sig');
  assert.equal(runCli(['sign', 'key', m, '--private-key', key, '--signature', full]).status, 0);
  const first = runCli(['sign', 'key', m, '--private-key', key, '--signature', inc1, '--incremental', '--cache-dir', cache]);
  assert.equal(first.status, 0, first.stderr);
  assert.match(first.stderr, /0 of 5 digests reused from the digest cache/);
  const second = runCli(['sign', 'key', m, '--private-key', key, '--signature', inc2, '--incremental', '--cache-dir', cache]);
  assert.equal(second.status, 0, second.stderr);
  assert.match(second.stderr, /5 of 5 digests reused from the digest cache/);
  assert.equal(payloadOf(inc2), payloadOf(full), 'identical payload bytes');
  assert.equal(runCli(['verify', 'key', m, '--public-key', pub, '--signature', inc2]).status, 0);

  // One byte appended to one small file: only that file is re-hashed, and the result matches a full sign.
  appendFileSync(join(m, 'README.md'), 'x');
  const third = runCli(['sign', 'key', m, '--private-key', key, '--signature', inc2, '--incremental', '--cache-dir', cache]);
  assert.equal(third.status, 0, third.stderr);
  assert.match(third.stderr, /4 of 5 digests reused/);
  assert.equal(runCli(['sign', 'key', m, '--private-key', key, '--signature', full]).status, 0);
  assert.equal(payloadOf(inc2), payloadOf(full));
});

test('a same-size edit with the modification time put back is still re-hashed (change time differs)', async (t) => {
  const { d, m, cache, key, pub } = await setup(t);
  const sig = join(d, 'model.sig');
  assert.equal(runCli(['digest', m, '--incremental', '--cache-dir', cache]).status, 0);
  const before = statSync(join(m, 'weights', 'part-2.bin'));
  const buf = readFileSync(join(m, 'weights', 'part-2.bin'));
  buf[1000] ^= 0xff;
  writeFileSync(join(m, 'weights', 'part-2.bin'), buf);
  utimesSync(join(m, 'weights', 'part-2.bin'), before.atime, before.mtime);
  const r = runCli(['sign', 'key', m, '--private-key', key, '--signature', sig, '--incremental', '--cache-dir', cache]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /4 of 5 digests reused/);
  const fullDigest = runCli(['digest', m]).stdout;
  const incDigest = runCli(['digest', m, '--incremental', '--cache-dir', cache]).stdout;
  assert.equal(incDigest, fullDigest);
  assert.equal(runCli(['verify', 'key', m, '--public-key', pub, '--signature', sig]).status, 0);
});

test('verify --incremental is opt-in and says how many files it trusted from the cache', async (t) => {
  const { d, m, cache, key, pub } = await setup(t);
  const sig = join(d, 'model.sig');
  assert.equal(runCli(['sign', 'key', m, '--private-key', key, '--signature', sig, '--incremental', '--cache-dir', cache]).status, 0);
  const plain = runCli(['verify', 'key', m, '--public-key', pub, '--signature', sig]);
  assert.equal(plain.status, 0);
  assert.doesNotMatch(plain.stderr, /digest cache/, 'without --incremental nothing comes from the cache');
  const inc = runCli(['verify', 'key', m, '--public-key', pub, '--signature', sig, '--incremental', '--cache-dir', cache]);
  assert.equal(inc.status, 0, inc.stderr);
  assert.match(inc.stderr, /5 of 5 files trusted from the digest cache/);
  assert.equal(inc.stdout, 'Verification succeeded\n');
  const bad = runCli(['verify', 'key', m, '--public-key', pub, '--signature', sig, '--cache-dir', cache]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /--cache-dir needs --incremental/);
});
