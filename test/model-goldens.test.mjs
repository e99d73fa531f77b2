// Our per-file / per-shard digests and root digests against the reference's goldens, on the
// regenerated fixture models (goldens were made with symlinks allowed).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { hashing } from '../dist/index.js';
import {
  EMPTY_IN_FILES,
  EMPTY_IN_SHARDS,
  FIXTURE_BASENAMES,
  GOLDENS_DIR,
  VECTORS_MISSING,
  makeAllFixtureModels,
  readGoldenDigests,
  referenceNameToOurs,
  tempDir,
} from './support/fixtures-models.mjs';

const opts = { skip: VECTORS_MISSING };
let tmp;
let models;
before(() => {
  tmp = tempDir('ms-goldens-');
  models = makeAllFixtureModels(tmp.dir);
});
after(() => tmp?.cleanup());

const isSingleFile = (fixture) => fixture.endsWith('_file') && fixture !== 'model_folder_with_empty_file';

function config(mode) {
  const cfg = new hashing.Config();
  if (mode === 'files') cfg.useFileSerialization({ allowSymlinks: true });
  else cfg.useShardSerialization({ allowSymlinks: true, shardSize: mode === 'small' ? 8 : 1_000_000_000 });
  return cfg;
}

/** A golden or payload file name -> { fixture, mode }. */
function parseCase(name) {
  for (const [suffix, mode] of [['_small_shards', 'small'], ['_shard', 'shards']]) {
    if (name.endsWith(suffix)) return { fixture: name.slice(0, -suffix.length), mode };
  }
  return { fixture: name, mode: 'files' };
}

function goldenCases(kind) {
  if (VECTORS_MISSING) return [];
  return fs.readdirSync(path.join(GOLDENS_DIR, kind, 'TestSerializer')).sort();
}

async function assertRejectedAsEmpty(cfg, model) {
  await assert.rejects(cfg.hash(model), (e) => {
    assert.equal(e.code, 'MODEL');
    assert.match(e.message, /contains no files to sign|nothing to sign/);
    return true;
  });
}

test('every golden case was regenerated', opts, () => {
  const all = [...goldenCases('file'), ...goldenCases('file_shard')].map((n) => parseCase(n).fixture);
  for (const f of all) assert.ok(f in FIXTURE_BASENAMES, `no fixture for golden ${f}`);
  assert.equal(goldenCases('file').length, 7);
  assert.equal(goldenCases('file_shard').length, 14);
});

for (const kind of ['file', 'file_shard']) {
  for (const name of goldenCases(kind)) {
    test(`golden ${kind}/${name}: per-item digests match`, opts, async () => {
      const parsed = parseCase(name);
      const mode = kind === 'file' ? 'files' : parsed.mode === 'small' ? 'small' : 'shards';
      const { fixture } = parsed;
      const model = models[fixture];
      const single = isSingleFile(fixture) ? FIXTURE_BASENAMES[fixture] : null;
      const golden = readGoldenDigests(path.join(GOLDENS_DIR, kind, 'TestSerializer', name), single);
      const empty = mode === 'files' ? EMPTY_IN_FILES.has(fixture) : EMPTY_IN_SHARDS.has(fixture);
      assert.equal(golden.size === 0, empty, 'golden emptiness agrees with the fixture table');
      if (empty) return assertRejectedAsEmpty(config(mode), model);

      const warnings = [];
      const m = await config(mode).setWarningHandler((w) => warnings.push(w)).hash(model);
      const ours = new Map(m.resources.map((r) => [r.name, r.digest]));
      assert.deepEqual(ours, golden);
      assert.equal(m.modelName, FIXTURE_BASENAMES[fixture]);
      for (const r of m.resources) assert.equal(r.algorithm, 'sha256');
      if (fixture === 'symlink_model_folder') assert.ok(warnings.some((w) => w.includes("'symlink_file'") && /outside the model/.test(w)), warnings.join('\n'));
    });
  }
}

const payloadDir = VECTORS_MISSING ? null : path.join(GOLDENS_DIR, 'signing', 'TestPayload');
const payloadCases = payloadDir ? fs.readdirSync(payloadDir).filter((n) => parseCase(n).fixture in FIXTURE_BASENAMES).sort() : [];

test('all 21 golden payloads are covered', opts, () => assert.equal(payloadCases.length, 21));

/** Cases where code-point order differs from the reference's component-wise / numeric order. */
const ORDER_DIFFERS = new Set(['sample_model_file_small_shards', 'symlink_model_folder_small_shards', 'sample_model_folder_small_shards']);

for (const name of payloadCases) {
  test(`golden payload ${name}: subject name, digests and root digest`, opts, async () => {
    const { fixture, mode } = parseCase(name);
    const statement = JSON.parse(fs.readFileSync(path.join(payloadDir, name), 'utf8'));
    const single = isSingleFile(fixture) ? FIXTURE_BASENAMES[fixture] : null;
    const refResources = statement.predicate.resources.map((r) => ({ name: referenceNameToOurs(r.name, single), digest: r.digest }));
    const refRoot = statement.subject[0].digest.sha256;
    const cfg = config(mode);
    if (refResources.length === 0) {
      assert.equal(refRoot, createHash('sha256').digest('hex'));
      return assertRejectedAsEmpty(cfg, models[fixture]);
    }
    const m = await cfg.setWarningHandler(() => {}).hash(models[fixture]);
    assert.equal(m.modelName, statement.subject[0].name);
    assert.equal(m.serialization.method, mode === 'files' ? 'files' : 'shards');
    assert.equal(m.serialization.allowSymlinks, statement.predicate.serialization.allow_symlinks);
    if (mode !== 'files') assert.equal(m.serialization.shardSize, statement.predicate.serialization.shard_size);
    assert.deepEqual(new Map(m.resources.map((r) => [r.name, r.digest])), new Map(refResources.map((r) => [r.name, r.digest])));

    const sameOrder = m.resources.map((r) => r.name).join('\n') === refResources.map((r) => r.name).join('\n');
    assert.equal(sameOrder, !ORDER_DIFFERS.has(name), 'which cases differ in order is known (reference-behaviour 3.6)');
    if (sameOrder) {
      assert.equal(m.rootDigest, refRoot);
    } else {
      const byCodePoint = [...refResources].sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
      const h = createHash('sha256');
      for (const r of byCodePoint) h.update(Buffer.from(r.digest, 'hex'));
      assert.equal(m.rootDigest, h.digest('hex'));
      assert.notEqual(m.rootDigest, refRoot);
    }
  });
}
