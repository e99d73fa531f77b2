// The library API: signing.Config / verifying.Config end to end with real keys and files,
// the structured mismatch report, legacy single-file names, and ignore-unsigned-files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, repoRoot } from './support/cli.mjs';
import { haveVectors, NO_VECTORS, pki, writeTree, craftStatement, signPayloadToFile, sha256hex } from './support/flow-helpers.mjs';
import { signing, verifying, hashing, ModelSigningError } from '../dist/index.js';

const skip = haveVectors ? false : NO_VECTORS;
const key = () => ({ privateKey: join(pki, 'signing-key.pem') });
const pub = () => ({ publicKey: join(pki, 'signing-key-pub.pem') });

function model(t) {
  const d = tempDir(t);
  return { d, m: writeTree(join(d, 'm'), { 'a.bin': 'alpha', 'dir/b.bin': 'beta-beta-beta', 'dir/c.txt': 'gamma' }) };
}

test('sign and verify with the API; a mismatch throws MISMATCH with the full report', { skip }, async (t) => {
  const { d, m } = model(t);
  const sig = join(d, 'model.sig');
  const { manifest, bundle } = await new signing.Config().useEllipticKeySigner(key()).sign(m, sig);
  assert.equal(manifest.modelName, 'm');
  assert.deepEqual(manifest.resources.map((r) => r.name), ['a.bin', 'dir/b.bin', 'dir/c.txt']);
  assert.deepEqual(JSON.parse(readFileSync(sig, 'utf8')), bundle);
  const res = await new verifying.Config().useEllipticKeyVerifier(pub()).verify(m, sig);
  assert.equal(res.ok, true);
  assert.equal(res.resourceCount, 3);
  assert.equal(res.signer.method, 'key');
  assert.equal(res.rootDigest, manifest.rootDigest);

  writeFileSync(join(m, 'a.bin'), 'ALPHA');
  rmSync(join(m, 'dir', 'c.txt'));
  writeFileSync(join(m, 'new.bin'), 'n');
  const err = await new verifying.Config().useEllipticKeyVerifier(pub()).verify(m, sig).catch((e) => e);
  assert.ok(err instanceof verifying.VerificationMismatchError);
  assert.ok(err instanceof ModelSigningError);
  assert.equal(err.code, 'MISMATCH');
  assert.deepEqual(err.report.mismatches, [{ name: 'a.bin', expected: sha256hex('alpha'), actual: sha256hex('ALPHA') }]);
  assert.deepEqual(err.report.missingFiles, ['dir/c.txt']);
  assert.deepEqual(err.report.extraFiles, ['new.bin']);
  assert.match(err.message, /'a\.bin'.*'dir\/c\.txt'.*'new\.bin'/);
  // ignore-unsigned-files: the extra file is not reported, the rest still is.
  const err2 = await new verifying.Config().useEllipticKeyVerifier(pub()).setIgnoreUnsignedFiles(true).verify(m, sig).catch((e) => e);
  assert.deepEqual(err2.report.extraFiles, []);
  assert.deepEqual(err2.report.missingFiles, ['dir/c.txt']);
});

test('verification follows the signature\'s serialization, whatever hashing config the verifier passes', { skip }, async (t) => {
  const { d, m } = model(t);
  const sig = join(d, 'model.sig');
  const h = new hashing.Config().useShardSerialization({ hashAlgorithm: 'blake2b', shardSize: 4 });
  const { manifest } = await new signing.Config().useEllipticKeySigner(key()).setHashingConfig(h).sign(m, sig);
  assert.equal(manifest.serialization.method, 'shards');
  assert.ok(manifest.resources.some((r) => r.name === 'dir/b.bin:12:14'));
  const res = await new verifying.Config()
    .useEllipticKeyVerifier(pub())
    .setHashingConfig(new hashing.Config().useFileSerialization({ hashAlgorithm: 'sha256' }))
    .verify(m, sig);
  assert.equal(res.serialization.hashType, 'blake2b');
  // A truncated file shows up as shard-level differences.
  writeFileSync(join(m, 'dir', 'b.bin'), 'beta-beta-b');
  const err = await new verifying.Config().useEllipticKeyVerifier(pub()).verify(m, sig).catch((e) => e);
  assert.equal(err.code, 'MISMATCH');
  const names = err.report.mismatches.map((x) => x.name);
  assert.deepEqual(names, ['dir/b.bin:12:14', 'dir/b.bin:8:11', 'dir/b.bin:8:12']);
  assert.equal(err.report.mismatches.find((x) => x.name === 'dir/b.bin:12:14').actual, null);
  assert.equal(err.report.mismatches.find((x) => x.name === 'dir/b.bin:8:11').expected, null);
  assert.deepEqual(err.report.missingFiles, []);
});

test('extra exclusions from the verifier\'s hashing config apply; the signature inside the model is excluded', { skip }, async (t) => {
  const { m } = model(t);
  const sig = join(m, 'model.sig');
  await new signing.Config().useEllipticKeySigner(key()).sign(m, sig);
  assert.ok(!JSON.parse(Buffer.from(JSON.parse(readFileSync(sig, 'utf8')).dsseEnvelope.payload, 'base64')).predicate.resources.some((r) => r.name === 'model.sig'));
  await new verifying.Config().useEllipticKeyVerifier(pub()).verify(m, sig);
  writeFileSync(join(m, 'scratch.log'), 'x');
  await assert.rejects(new verifying.Config().useEllipticKeyVerifier(pub()).verify(m, sig), /unsigned file/);
  await new verifying.Config()
    .useEllipticKeyVerifier(pub())
    .setHashingConfig(new hashing.Config().setIgnoredPaths({ paths: ['scratch.log'] }))
    .verify(m, sig);
});

test('certificate signer and verifier through the API', { skip }, async (t) => {
  const { d, m } = model(t);
  const sig = join(d, 'c.sig');
  await new signing.Config()
    .useCertificateSigner({ ...key(), signingCertificate: join(pki, 'signing-key-cert.pem'), certificateChain: [join(pki, 'int-ca-cert.pem')] })
    .sign(m, sig);
  const lines = [];
  const res = await new verifying.Config()
    .useCertificateVerifier({ certificateChain: [join(pki, 'ca-cert.pem')], onFingerprint: (l) => lines.push(l) })
    .verify(m, sig);
  assert.equal(res.signer.method, 'certificate');
  assert.ok(lines.some((l) => l.includes('verify')));
});

test('no verifier configured is a USAGE error; a bad key fails before hashing and writes nothing', { skip }, async (t) => {
  const { d, m } = model(t);
  await assert.rejects(new verifying.Config().verify(m, join(d, 'x.sig')), (e) => e.code === 'USAGE');
  assert.throws(() => new signing.Config().useEllipticKeySigner({ privateKey: join(d, 'missing.pem') }), (e) => e instanceof ModelSigningError);
  await assert.rejects(new signing.Config().useEllipticKeySigner(key()).sign(m, m), (e) => e.code === 'USAGE' && /model itself/.test(e.message));
  await assert.rejects(new signing.Config().useEllipticKeySigner(key()).sign(m, join(d, 'no', 'dir.sig')), (e) => e.code === 'IO');
  assert.ok(!existsSync(join(d, 'no')));
});

test('legacy single-file name "." matches the model file, also for shards; a directory model reports it missing', { skip }, async (t) => {
  const d = tempDir(t);
  const f = join(d, 'weights.bin');
  writeFileSync(f, 'This is a simple model');
  const sig = join(d, 'dot.sig');
  await signPayloadToFile(repoRoot, craftStatement([{ name: '.', algorithm: 'sha256', digest: sha256hex('This is a simple model') }], undefined, 'weights.bin'), sig);
  const v = () => new verifying.Config().useEllipticKeyVerifier(pub());
  await v().verify(f, sig);
  await v().setIgnoreUnsignedFiles(true).verify(f, sig);
  const shards = [
    { name: '.:0:8', algorithm: 'sha256-sharded-8', digest: sha256hex('This is ') },
    { name: '.:8:16', algorithm: 'sha256-sharded-8', digest: sha256hex('a simple') },
    { name: '.:16:22', algorithm: 'sha256-sharded-8', digest: sha256hex(' model') },
  ];
  const sig2 = join(d, 'dot-shards.sig');
  const text = JSON.stringify(craftStatement(shards, { method: 'shards', hash_type: 'sha256', allow_symlinks: false, shard_size: 8 }, 'weights.bin')).replace('"shard_size":8', '"shard_size":8.0');
  await signPayloadToFile(repoRoot, text, sig2);
  await v().verify(f, sig2);
  const dm = writeTree(join(d, 'dirmodel'), { 'weights.bin': 'This is a simple model' });
  const err = await v().verify(dm, sig).catch((e) => e);
  assert.equal(err.code, 'MISMATCH');
  assert.deepEqual(err.report.missingFiles, ['.']);
  const err2 = await v().setIgnoreUnsignedFiles(true).verify(dm, sig).catch((e) => e);
  assert.deepEqual(err2.report.missingFiles, ['.']);
});
