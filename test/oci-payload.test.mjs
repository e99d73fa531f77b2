// OCI image manifests as OMS payloads: the mapping the Go port, PR #623 and the Red Hat fork share, written
// here from the rules (not from our code), signing and verifying a manifest file, and bad manifests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { runCli, tempDir } from './support/cli.mjs';
import { oci } from '../dist/index.js';

const hex = (b) => createHash('sha256').update(b).digest('hex');
const d = (b) => `sha256:${hex(b)}`;

function keys(dir) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const priv = join(dir, 'key.pem');
  const pub = join(dir, 'key.pub');
  writeFileSync(priv, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(pub, publicKey.export({ type: 'spki', format: 'pem' }));
  return { priv, pub };
}

function payloadOf(sigPath) {
  const b = JSON.parse(readFileSync(sigPath, 'utf8'));
  return JSON.parse(Buffer.from(b.dsseEnvelope.payload, 'base64').toString('utf8'));
}

/** The expected OMS statement for named digests (the rules of the issue, independent of our code). */
function expectedStatement(name, entries) {
  const resources = [...entries].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([n, h]) => ({ name: n, algorithm: 'sha256', digest: h }));
  const root = createHash('sha256');
  for (const r of resources) root.update(Buffer.from(r.digest, 'hex'));
  return {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name, digest: { sha256: root.digest('hex') } }],
    predicateType: 'https://model_signing/signature/v1.0',
    predicate: { resources, serialization: { method: 'files', hash_type: 'sha256', allow_symlinks: false } },
  };
}

const files = { 'model.safetensors': 'weights', 'tokenizer.json': '{"t":1}', 'README.md': 'hello' };
function orasManifest(extra = {}) {
  return {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: d('{}'), size: 2 },
    layers: Object.entries(files).map(([n, c]) => ({
      mediaType: 'application/vnd.oci.image.layer.v1.tar',
      digest: d(c),
      size: c.length,
      annotations: { 'org.opencontainers.image.title': n },
    })),
    ...extra,
  };
}

test('ORAS artifact: config.json + titled layers, digests as written, subject = file name without extension', (t) => {
  const dir = tempDir(t);
  const k = keys(dir);
  const mf = join(dir, 'my-model.json');
  writeFileSync(mf, JSON.stringify(orasManifest(), null, 2));
  const sig = join(dir, 'model.sig');
  const r = runCli(['sign', 'key', mf, '--private-key', k.priv, '--signature', sig]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Signing succeeded/);
  const want = expectedStatement('my-model', [['config.json', hex('{}')], ...Object.entries(files).map(([n, c]) => [n, hex(c)])]);
  assert.deepEqual(payloadOf(sig), want);
  const v = runCli(['verify', 'key', mf, '--public-key', k.pub, '--signature', sig]);
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, /Verification succeeded/);
});

test('a layer titled config.json replaces the config; untitled layers are layer_NNN.tar.gz by index', async () => {
  const m = orasManifest();
  m.layers.push({ mediaType: 'x', digest: d('cfg'), size: 3, annotations: { 'org.opencontainers.image.title': 'config.json' } });
  m.layers.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: d('untitled'), size: 8 });
  const parsed = oci.parseManifestBytes(Buffer.from(JSON.stringify(m)), 'test');
  const rs = await oci.ociResources(parsed, 'test');
  assert.deepEqual(
    rs.map((r) => [r.name, r.digest]).sort(),
    [['README.md', hex('hello')], ['config.json', hex('cfg')], ['layer_004.tar.gz', hex('untitled')], ['model.safetensors', hex('weights')], ['tokenizer.json', hex('{"t":1}')]],
  );
});

test('ModelCar: only annotated layers, names without /models/, OLOT content digests, config left out', async () => {
  const m = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: d('config'), size: 6 },
    layers: [
      { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: d('base'), size: 4 },
      {
        mediaType: 'application/vnd.oci.image.layer.v1.tar',
        digest: d('layer-a'),
        size: 7,
        annotations: { 'olot.layer.content.type': 'file', 'olot.layer.content.inlayerpath': '/models/model.bin', 'olot.layer.content.digest': d('weights') },
      },
      {
        mediaType: 'application/vnd.oci.image.layer.v1.tar',
        digest: d('layer-b'),
        size: 7,
        annotations: { 'olot.layer.content.type': 'file', 'olot.layer.content.inlayerpath': '/models/sub/conf.json', 'olot.layer.content.digest': d('conf') },
      },
    ],
  };
  const rs = await oci.ociResources(oci.parseManifestBytes(Buffer.from(JSON.stringify(m)), 't'), 't');
  assert.deepEqual(rs.map((r) => [r.name, r.digest]).sort(), [['model.bin', hex('weights')], ['sub/conf.json', hex('conf')]]);
  // An in-layer path escaping the model is refused.
  const evil = structuredClone(m);
  evil.layers[1].annotations['olot.layer.content.inlayerpath'] = '/models/../../etc/passwd';
  await assert.rejects(oci.ociResources(oci.parseManifestBytes(Buffer.from(JSON.stringify(evil)), 'e.json'), 'e.json'), /e\.json: ModelCar layer 1 name "\.\.\/\.\.\/etc\/passwd" has a '\.\.' segment/);
  // A directory layer needs the registry: said so with a manifest file.
  m.layers.push({ mediaType: 'x', digest: d('dir'), size: 3, annotations: { 'olot.layer.content.type': 'directory', 'olot.layer.content.inlayerpath': '/models/' } });
  await assert.rejects(oci.ociResources(oci.parseManifestBytes(Buffer.from(JSON.stringify(m)), 'f.json'), 'f.json'), /directory layer: its files can only be hashed from the registry/);
});

test('Go port CI flow: sign the manifest with --ignore-paths config.json, verify the pulled folder as a plain directory', (t) => {
  const dir = tempDir(t);
  const k = keys(dir);
  const mf = join(dir, 'manifest.json');
  writeFileSync(mf, JSON.stringify(orasManifest()));
  const sig = join(dir, 'model.sig');
  const r = runCli(['sign', 'key', mf, '--private-key', k.priv, '--signature', sig, '--ignore-paths', 'config.json']);
  assert.equal(r.status, 0, r.stderr);
  const p = payloadOf(sig);
  assert.deepEqual(p.predicate.resources.map((x) => x.name), ['README.md', 'model.safetensors', 'tokenizer.json']);
  const folder = join(dir, 'pulled');
  mkdirSync(folder);
  for (const [n, c] of Object.entries(files)) writeFileSync(join(folder, n), c);
  const v = runCli(['verify', 'key', folder, '--public-key', k.pub, '--signature', sig]);
  assert.equal(v.status, 0, v.stderr);
  // --local-model against the manifest does the same, with the manifest comparison first.
  const lm = runCli(['verify', 'key', mf, '--public-key', k.pub, '--signature', sig, '--local-model', folder]);
  assert.equal(lm.status, 0, lm.stderr);
  writeFileSync(join(folder, 'README.md'), 'changed');
  const bad = runCli(['verify', 'key', mf, '--public-key', k.pub, '--signature', sig, '--local-model', folder]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /digest mismatch\(es\): 'README\.md'/);
  writeFileSync(join(folder, 'README.md'), 'hello');
  writeFileSync(join(folder, 'extra.bin'), 'x');
  const extra = runCli(['verify', 'key', mf, '--public-key', k.pub, '--signature', sig, '--local-model', folder]);
  assert.equal(extra.status, 1);
  assert.match(extra.stderr, /unsigned file\(s\): 'extra\.bin'/);
});

test('--oci-manifest FILE (PR #623 spelling) signs the same payload; a changed manifest fails verification', (t) => {
  const dir = tempDir(t);
  const k = keys(dir);
  const mf = join(dir, 'm.manifest');
  writeFileSync(mf, JSON.stringify(orasManifest()));
  const sig = join(dir, 'model.sig');
  const r = runCli(['sign', 'key', '--oci-manifest', mf, '--private-key', k.priv, '--signature', sig]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(payloadOf(sig).subject[0].name, 'm');
  const m = orasManifest();
  m.layers[0].digest = d('other weights');
  writeFileSync(mf, JSON.stringify(m));
  const v = runCli(['verify', 'key', '--oci-manifest', mf, '--public-key', k.pub, '--signature', sig]);
  assert.equal(v.status, 1);
  assert.match(v.stderr, /digest mismatch\(es\): 'model\.safetensors'/);
});

test('bad manifests: unsafe titles, an index, non-JSON, huge, no layers: one line, exit 1, no signature written', (t) => {
  const dir = tempDir(t);
  const k = keys(dir);
  const cases = [
    ['dotdot', (() => { const m = orasManifest(); m.layers[0].annotations['org.opencontainers.image.title'] = '../escape'; return JSON.stringify(m); })(), /layer 0 title name "\.\.\/escape" has a '\.\.' segment/],
    ['absolute', (() => { const m = orasManifest(); m.layers[1].annotations['org.opencontainers.image.title'] = '/etc/passwd'; return JSON.stringify(m); })(), /layer 1 title name "\/etc\/passwd" is absolute/],
    ['index', JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d('x'), size: 1, platform: { os: 'linux', architecture: 'amd64' } }] }), /is an image index \(manifest list\), not an image manifest/],
    ['nolayers', JSON.stringify({ schemaVersion: 2, config: { mediaType: 'x', digest: d('c'), size: 1 }, layers: [] }), /the manifest has no layers/],
    ['huge', JSON.stringify({ schemaVersion: 2, layers: [], pad: 'x'.repeat(5 * 1024 * 1024) }), /more than the limit of 4194304/],
  ];
  for (const [name, content, re] of cases) {
    const mf = join(dir, `${name}.json`);
    writeFileSync(mf, content);
    const sig = join(dir, `${name}.sig`);
    const r = runCli(['sign', 'key', '--oci-manifest', mf, '--private-key', k.priv, '--signature', sig]);
    assert.equal(r.status, 1, `${name}: ${r.stderr}`);
    assert.match(r.stderr, re, name);
    assert.equal(r.stderr.trim().split('\n').length, 1, `${name}: one line`);
    assert.match(r.stderr, new RegExp(`${name}\\.json`), `${name}: names the manifest`);
    assert.equal(existsSync(sig), false, `${name}: nothing written`);
  }
  const notJson = join(dir, 'notjson.json');
  writeFileSync(notJson, '{"schemaVersion": 2, "layers": [');
  const r = runCli(['sign', 'key', '--oci-manifest', notJson, '--private-key', k.priv, '--signature', join(dir, 'x.sig')]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /notjson\.json.*not valid JSON/);
});

test('reference parsing: host required, tags, digests, oci:// prefix', () => {
  const r = oci.parseReference('oci://127.0.0.1:5000/models/bert:v1');
  assert.deepEqual([r.registry, r.repository, r.tag, r.digest], ['127.0.0.1:5000', 'models/bert', 'v1', null]);
  const p = oci.parseReference(`quay.io/a/b@sha256:${'a'.repeat(64)}`);
  assert.equal(p.digest, `sha256:${'a'.repeat(64)}`);
  assert.equal(oci.parseReference('localhost/x').tag, 'latest');
  assert.throws(() => oci.parseReference('library/ubuntu'), /not a registry host/);
  assert.throws(() => oci.parseReference('quay.io/UPPER'), /not a valid repository name/);
  assert.throws(() => oci.parseReference('quay.io/a@sha256:short'), /is not a sha256/);
});

test('a Go-port-style payload (config.json dropped, nothing recorded) verifies with --ignore-paths config.json', async (t) => {
  const dir = tempDir(t);
  const k = keys(dir);
  const { EllipticKeySigner } = await import('../dist/signers/key.js');
  // Exactly what the Go port writes for `--ignore-paths config.json`: ignore_paths: [] and no config.json.
  const statement = expectedStatement('go-manifest', Object.entries(files).map(([n, c]) => [n, hex(c)]));
  statement.predicate.serialization.ignore_paths = [];
  const bundle = await EllipticKeySigner.fromFile({ privateKey: k.priv }).sign(Buffer.from(JSON.stringify(statement)));
  const sig = join(dir, 'go.sig');
  writeFileSync(sig, JSON.stringify(bundle));
  const mf = join(dir, 'go-manifest.json');
  writeFileSync(mf, JSON.stringify(orasManifest()));
  const plain = runCli(['verify', 'key', mf, '--public-key', k.pub, '--signature', sig]);
  assert.equal(plain.status, 1, 'the manifest has a config the signature does not list');
  assert.match(plain.stderr, /unsigned file\(s\): 'config\.json'/);
  const ok = runCli(['verify', 'key', mf, '--public-key', k.pub, '--signature', sig, '--ignore-paths', 'config.json']);
  assert.equal(ok.status, 0, ok.stderr);
  const folder = join(dir, 'pulled');
  mkdirSync(folder);
  for (const [n, c] of Object.entries(files)) writeFileSync(join(folder, n), c);
  assert.equal(runCli(['verify', 'key', folder, '--public-key', k.pub, '--signature', sig]).status, 0, 'and the pulled folder as a directory');
});

test('library API: signOci to a file and verifyOci of a manifest file', async (t) => {
  const dir = tempDir(t);
  const k = keys(dir);
  const mf = join(dir, 'lib.json');
  writeFileSync(mf, JSON.stringify(orasManifest()));
  const target = oci.ociTargetOf(mf);
  assert.deepEqual(target, { kind: 'file', path: mf });
  assert.equal(oci.ociTargetOf(dir), null, 'a directory is an ordinary model');
  const sig = join(dir, 'lib.sig');
  const s = await oci.signOci({ signer: oci.EllipticKeySigner.fromFile({ privateKey: k.priv }), target, signaturePath: sig });
  assert.equal(s.signaturePath, sig);
  assert.equal(s.attached, null);
  await assert.rejects(oci.signOci({ signer: oci.EllipticKeySigner.fromFile({ privateKey: k.priv }), target, outputMode: 'registry' }), /--output-mode registry needs an image reference/);
  const r = await oci.verifyOci({ verifier: oci.EllipticKeyVerifier.fromFile(k.pub), target, signaturePath: sig });
  assert.equal(r.ok, true);
  assert.equal(r.image.signatureLocation, 'file');
  assert.equal(r.image.digest, `sha256:${hex(readFileSync(mf))}`);
  assert.equal(r.resourceCount, 4);
});
