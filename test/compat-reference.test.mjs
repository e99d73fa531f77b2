// `--compat reference`: the statement model_signing 1.1.1 writes, checked byte for byte against its
// golden payloads (single file `.`, `sha256-sharded-N`, float shard_size, component-wise and numeric
// order, its root digest), plus the CLI's flag, refusal, notice and README list.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { hashing, referenceLayout, referenceStatement, referenceIncompatibility } from '../dist/index.js';
import { FIXTURE_BASENAMES, GOLDENS_DIR, VECTORS_MISSING, makeAllFixtureModels, tempDir } from './support/fixtures-models.mjs';
import { runCli, repoRoot, tempDir as testDir } from './support/cli.mjs';
import { writeTree } from './support/flow-helpers.mjs';

const opts = { skip: VECTORS_MISSING };
let tmp;
let models;
before(() => {
  if (VECTORS_MISSING) return;
  tmp = tempDir('ms-compat-');
  models = makeAllFixtureModels(tmp.dir);
});
after(() => tmp?.cleanup());

function parseCase(name) {
  for (const [suffix, shardSize] of [['_small_shards', 8], ['_shard', 1_000_000_000]]) {
    if (name.endsWith(suffix)) return { fixture: name.slice(0, -suffix.length), shardSize };
  }
  return { fixture: name, shardSize: null };
}

const payloadDir = VECTORS_MISSING ? null : path.join(GOLDENS_DIR, 'signing', 'TestPayload');
const cases = payloadDir ? fs.readdirSync(payloadDir).sort() : [];

async function referenceBytes(fixture, shardSize) {
  const cfg = new hashing.Config();
  if (shardSize === null) cfg.useFileSerialization({ allowSymlinks: true });
  else cfg.useShardSerialization({ allowSymlinks: true, shardSize });
  // The goldens were made with no ignore paths at all.
  cfg.setIgnoredPaths({ paths: [], ignoreGitPaths: false }).setWarningHandler(() => {});
  const m = referenceLayout(await cfg.hash(models[fixture]));
  return { m, bytes: referenceStatement(m) };
}

for (const name of cases) {
  test(`--compat reference reproduces the golden payload ${name} byte for byte`, opts, async () => {
    const { fixture, shardSize } = parseCase(name);
    assert.ok(fixture in FIXTURE_BASENAMES, name);
    const golden = fs.readFileSync(path.join(payloadDir, name), 'utf8').replace(/\n$/, '');
    const g = JSON.parse(golden);
    if (g.predicate.resources.length === 0) return; // empty models: refused on purpose (README)
    const { m, bytes } = await referenceBytes(fixture, shardSize);
    const ours = JSON.parse(bytes.toString('utf8'));
    // Field by field first, for a readable failure.
    assert.equal(ours.subject[0].name, g.subject[0].name);
    assert.deepEqual(ours.predicate.serialization, g.predicate.serialization);
    assert.deepEqual(ours.predicate.resources.map((r) => r.name), g.predicate.resources.map((r) => r.name), 'names and order');
    assert.deepEqual(ours.predicate.resources.map((r) => r.algorithm), g.predicate.resources.map((r) => r.algorithm));
    assert.deepEqual(ours.predicate.resources.map((r) => r.digest), g.predicate.resources.map((r) => r.digest));
    assert.equal(m.rootDigest, g.subject[0].digest.sha256);
    assert.equal(bytes.toString('utf8'), golden, 'the exact bytes, float shard_size included');
  });
}

test('all 21 golden payloads are compared', opts, () => assert.equal(cases.length, 21));

test('the reference order differs from ours exactly where the README says', opts, async () => {
  const { m } = await referenceBytes('sample_model_folder', 8);
  const names = m.resources.map((r) => r.name);
  assert.ok(names.indexOf('d0/f00:8:16') < names.indexOf('d0/f00:16:23'), 'numeric shard offsets');
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const diffs = readme.slice(readme.indexOf('Differences on purpose'));
  for (const point of ['**Single-file models**', '**Resource order**', '**Shard algorithm**']) {
    const line = diffs.split('\n- ').find((l) => l.startsWith(point));
    assert.ok(line, `README lists ${point}`);
    assert.match(line, /--compat reference/, `README says how ${point} is made reference-compatible`);
  }
});

test('sign --compat reference on a single file: `.` name, verifies; spec form prints the notice', (t) => {
  const d = testDir(t);
  const file = path.join(d, 'model.gguf');
  fs.writeFileSync(file, 'GGUF weights');
  const { generateKeyPairSync } = require_crypto();
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  fs.writeFileSync(path.join(d, 'k.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  fs.writeFileSync(path.join(d, 'p.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
  const sign = (sig, ...extra) => runCli(['sign', 'key', file, '--private-key', path.join(d, 'k.pem'), '--signature', sig, ...extra]);
  const payload = (sig) => JSON.parse(Buffer.from(JSON.parse(fs.readFileSync(sig, 'utf8')).dsseEnvelope.payload, 'base64').toString('utf8'));

  const spec = sign(path.join(d, 'spec.sig'));
  assert.equal(spec.status, 0, spec.stderr);
  assert.match(spec.stderr, /note: model_signing 1\.1\.1 cannot verify this signature \(it names a single-file model's resource '\.'\); sign with --compat reference for one it can/);
  assert.equal(payload(path.join(d, 'spec.sig')).predicate.resources[0].name, 'model.gguf');

  const ref = sign(path.join(d, 'ref.sig'), '--compat', 'reference');
  assert.equal(ref.status, 0, ref.stderr);
  assert.doesNotMatch(ref.stderr, /note:/);
  const st = payload(path.join(d, 'ref.sig'));
  assert.equal(st.predicate.resources[0].name, '.');
  assert.equal(st.predicate.resources[0].algorithm, 'sha256');
  const v = runCli(['verify', 'key', file, '--public-key', path.join(d, 'p.pem'), '--signature', path.join(d, 'ref.sig')]);
  assert.equal(v.status, 0, v.stderr);
});

test('sign --compat reference with shards: `sha256-sharded-N`, float shard size, verifies', (t) => {
  const d = testDir(t);
  const m = writeTree(path.join(d, 'model'), { 'w.bin': Buffer.alloc(30, 1), 'model/x': 'a', 'model.bin': 'b' });
  const { generateKeyPairSync } = require_crypto();
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  fs.writeFileSync(path.join(d, 'k.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  fs.writeFileSync(path.join(d, 'p.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
  const sig = path.join(d, 'ref.sig');
  const r = runCli(['sign', 'key', m, '--private-key', path.join(d, 'k.pem'), '--signature', sig, '--serialization', 'shards', '--shard-size', '4', '--compat', 'reference']);
  assert.equal(r.status, 0, r.stderr);
  const text = Buffer.from(JSON.parse(fs.readFileSync(sig, 'utf8')).dsseEnvelope.payload, 'base64').toString('utf8');
  assert.match(text, /"shard_size": 4\.0/);
  const st = JSON.parse(text);
  assert.ok(st.predicate.resources.every((x) => x.algorithm === 'sha256-sharded-4'));
  const names = st.predicate.resources.map((x) => x.name);
  assert.ok(names.indexOf('model/x:0:1') < names.indexOf('model.bin:0:1'), 'component-wise order');
  assert.ok(names.indexOf('w.bin:8:12') < names.indexOf('w.bin:12:16'), 'numeric order');
  const digest = runCli(['digest', m, '--serialization', 'shards', '--shard-size', '4', '--compat', 'reference']);
  assert.equal(digest.stdout.trim(), `sha256:${st.subject[0].digest.sha256}`, 'digest --compat reference prints the same root');
  const v = runCli(['verify', 'key', m, '--public-key', path.join(d, 'p.pem'), '--signature', sig]);
  assert.equal(v.status, 0, v.stderr);
});

test('--compat reference refuses BLAKE3 shards before anything else; unknown modes are refused', (t) => {
  const d = testDir(t);
  const m = writeTree(path.join(d, 'model'), { a: 'x' });
  const r = runCli(['sign', 'key', m, '--private-key', path.join(d, 'missing-key.pem'), '--signature', path.join(d, 's.sig'), '--serialization', 'shards', '--hash-algorithm', 'blake3', '--compat', 'reference']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /never shards BLAKE3.*--serialization files/);
  assert.doesNotMatch(r.stderr, /missing-key/, 'refused before the key is read');
  const u = runCli(['digest', m, '--compat', 'python']);
  assert.notEqual(u.status, 0);
  assert.match(u.stderr, /unknown compatibility mode 'python'/);
});

test('referenceIncompatibility: directories of whole files need nothing', () => {
  const base = { modelName: 'm', rootDigest: '', resources: [] };
  assert.equal(referenceIncompatibility({ ...base, serialization: { method: 'files', hashType: 'sha256', allowSymlinks: false, ignorePaths: [] }, singleFile: false }), null);
  assert.match(referenceIncompatibility({ ...base, serialization: { method: 'shards', shardSize: 8, hashType: 'sha256', allowSymlinks: false, ignorePaths: [] } }).why, /sharded/);
  const blake3 = referenceIncompatibility({ ...base, serialization: { method: 'shards', shardSize: 8, hashType: 'blake3', allowSymlinks: false, ignorePaths: [] } });
  assert.doesNotMatch(blake3.fix, /^sign with --compat reference/, 'never advise what would be refused');
  assert.match(blake3.fix, /--serialization files/);
});

function require_crypto() {
  return globalThis.process.getBuiltinModule('node:crypto');
}
