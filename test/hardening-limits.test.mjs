// Limits with clear errors: oversized bundles (default and configured), JSON nested too deeply (bundle and signed
// payload), manifests with more resources than allowed or than the model could hold, a shard size that would
// need more digests than the engine allows, and special files planted as the signature.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { cliPath } from './support/cli.mjs';
import { makeKeyPair, mkTemp, resourcesOf, signPayload, statementFor, writeModel } from './support/hardening-model.mjs';
import { DEFAULT_MAX_BUNDLE_BYTES, readBundleFile } from '../dist/bundle.js';
import { MAX_JSON_DEPTH } from '../dist/statement.js';
import { verifyModel } from '../dist/verify-model.js';
import { EllipticKeyVerifier } from '../dist/verifiers/key.js';
import * as verifying from '../dist/api/verifying.js';

const work = mkTemp('ms-limits-');
const model = writeModel(path.join(work, 'model'));
let keys;
let goodSig;
before(async () => {
  keys = makeKeyPair(work);
  goodSig = path.join(work, 'good.sig');
  fs.writeFileSync(goodSig, JSON.stringify(await signPayload(keys.signer, statementFor(resourcesOf(model)))));
});
after(() => fs.rmSync(work, { recursive: true, force: true }));

const verify = (sig, ignoreUnsigned = false, m = model) =>
  new verifying.Config().useEllipticKeyVerifier({ publicKey: keys.pubPath }).setIgnoreUnsignedFiles(ignoreUnsigned).verify(m, sig);
// SIGKILL on timeout: a hung CLI must not hang the test (the CLI defers SIGTERM to its event loop).
const cli = (args) => spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8', timeout: 30_000, killSignal: 'SIGKILL' });

test('a bundle file over the default limit is refused from its size alone (sparse, never read)', () => {
  const big = path.join(work, 'huge.sig');
  fs.writeFileSync(big, '{');
  fs.truncateSync(big, DEFAULT_MAX_BUNDLE_BYTES + 1);
  const t0 = Date.now();
  const r = cli(['verify', 'key', '--public-key', keys.pubPath, '--signature', big, model]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`huge\\.sig' is ${DEFAULT_MAX_BUNDLE_BYTES + 1} bytes, more than the limit of ${DEFAULT_MAX_BUNDLE_BYTES}`));
  assert.ok(Date.now() - t0 < 10_000);
});

test('the bundle size limit is configurable', () => {
  const size = fs.statSync(goodSig).size;
  assert.equal(readBundleFile(goodSig, { maxBytes: size }).mediaType, 'application/vnd.dev.sigstore.bundle.v0.3+json');
  assert.throws(() => readBundleFile(goodSig, { maxBytes: size - 1 }), (e) => e.code === 'BUNDLE' && e.message.includes(`more than the limit of ${size - 1}`));
});

test('special files planted as the signature are refused without blocking: FIFO, /dev/zero, a directory', () => {
  const fifo = path.join(work, 'planted.sig');
  execFileSync('mkfifo', [fifo]);
  for (const [sig, why] of [[fifo, /is a FIFO \(named pipe\), not a regular file/], ['/dev/zero', /is a device, not a regular file/], [model, /is a directory/]]) {
    const r = cli(['verify', 'key', '--public-key', keys.pubPath, '--signature', sig, model]);
    assert.equal(r.signal, null, `${sig}: the CLI hung and was killed`);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, why);
  }
});

test(`JSON nested deeper than ${MAX_JSON_DEPTH} levels is refused before parsing, in the bundle and in the signed payload`, async () => {
  for (const depth of [MAX_JSON_DEPTH + 1, 1_000_000]) {
    const sig = path.join(work, `deep-${depth}.sig`);
    const bundle = JSON.parse(fs.readFileSync(goodSig, 'utf8'));
    const text = JSON.stringify({ ...bundle, extra: 0 }).replace('"extra":0', `"extra":${'['.repeat(depth)}${']'.repeat(depth)}`);
    fs.writeFileSync(sig, text);
    await assert.rejects(verify(sig), (e) => e.code === 'BUNDLE' && e.message.includes(`nested deeper than ${MAX_JSON_DEPTH} levels`));
  }
  const st = statementFor(resourcesOf(model));
  st.predicate.serialization.x = 0;
  const payload = JSON.stringify(st).replace('"x":0', `"x":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`);
  const sig = path.join(work, 'deep-payload.sig');
  fs.writeFileSync(sig, JSON.stringify(await signPayload(keys.signer, payload)));
  await assert.rejects(verify(sig), (e) => e.code === 'BUNDLE' && /signed payload is nested deeper than/.test(e.message));
});

test('more resources than the configured limit: refused before the model is read', async () => {
  const bundle = JSON.parse(fs.readFileSync(goodSig, 'utf8'));
  const verifier = EllipticKeyVerifier.fromFile(keys.pubPath);
  const missingModel = path.join(work, 'no-such-model'); // proves the model is never walked
  await assert.rejects(verifyModel(missingModel, bundle, { verifier, limits: { maxResources: 3 } }), (e) => e.code === 'BUNDLE' && /lists 4 resources, more than the limit of 3/.test(e.message));
  await assert.rejects(verifyModel(missingModel, bundle, { verifier, limits: { maxPayloadBytes: 100 } }), (e) => e.code === 'BUNDLE' && /more than the limit of 100/.test(e.message));
  const ok = await verifyModel(model, bundle, { verifier, limits: { maxResources: 4 } });
  assert.equal(ok.ok, true);
});

test('a manifest listing far more files than the model holds fails quickly, counting them', async () => {
  const digest = crypto.createHash('sha256').update('').digest('hex');
  const rs = Array.from({ length: 100_000 }, (_, i) => ({ name: `layer/${String(i).padStart(6, '0')}.bin`, algorithm: 'sha256', digest }));
  const sig = path.join(work, 'many.sig');
  fs.writeFileSync(sig, JSON.stringify(await signPayload(keys.signer, statementFor(rs))));
  for (const ignoreUnsigned of [false, true]) {
    const t0 = Date.now();
    await assert.rejects(verify(sig, ignoreUnsigned), (e) => e.code === 'MISMATCH' && /100000 missing file\(s\): 'layer\/000000\.bin', 'layer\/000001\.bin', 'layer\/000002\.bin', and 99997 more/.test(e.message));
    assert.ok(Date.now() - t0 < 20_000, `took ${Date.now() - t0} ms`);
  }
});

test('a signed shard size that would need more digests than the engine allows is refused before hashing', async () => {
  const m = writeModel(path.join(work, 'sparse-model'), { 'a.txt': 1 });
  fs.truncateSync(path.join(m, 'a.txt'), 1);
  fs.writeFileSync(path.join(m, 'big.bin'), '');
  fs.truncateSync(path.join(m, 'big.bin'), 20 * 1024 * 1024); // sparse
  const one = crypto.createHash('sha256').update(fs.readFileSync(path.join(m, 'a.txt'))).digest('hex');
  const st = statementFor([{ name: 'a.txt:0:1', algorithm: 'sha256', digest: one }], { method: 'shards', shardSize: 1 });
  const sig = path.join(work, 'tiny-shards.sig');
  fs.writeFileSync(sig, JSON.stringify(await signPayload(keys.signer, st)));
  for (const ignoreUnsigned of [false, true]) {
    const t0 = Date.now();
    // ignore-unsigned hashes only a.txt (1 digest): it is the signed names that count, so it passes.
    if (ignoreUnsigned) {
      assert.equal((await verify(sig, true, m)).ok, true);
      continue;
    }
    await assert.rejects(verify(sig, false, m), (e) => e.code === 'MISMATCH' && /needs 20971521 digests, but the signature lists only 1 \(refused before hashing\)/.test(e.message));
    assert.ok(Date.now() - t0 < 5_000);
  }
  const r = cli(['verify', 'key', '--public-key', keys.pubPath, '--signature', sig, m]);
  assert.match(r.stderr, /needs 20971521 digests, but the signature lists only 1/);
  assert.equal(r.status, 1, r.stderr);
});

test('a refused signed shard size is a verification failure (exit 1), not a usage error (exit 2)', async () => {
  const sig = path.join(work, 'tiny-shards.sig');
  const r = cli(['verify', 'key', '--public-key', keys.pubPath, '--signature', sig, path.join(work, 'sparse-model')]);
  assert.equal(r.status, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /use a larger shard size/);
});
