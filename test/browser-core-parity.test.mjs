// The browser verifier's core must agree with the Node verifier: the reference vectors (key, certificate,
// Sigstore), our own signatures in every hash algorithm and serialization, tampered models, wrong trust input,
// and validly signed hostile manifests, all run through both front ends (the browser bundle runs in Node here,
// on Blobs, with in-thread hashing; test/browser-page.test.mjs runs it in Chromium).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { bothVerify } from './support/both-verifiers.mjs';
import { haveVectors, mt, pki, NO_VECTORS } from './support/flow-helpers.mjs';
import { contentFor, makeKeyPair, mkTemp, resourcesOf, signPayload, statementFor, writeModel } from './support/hardening-model.mjs';
import * as hashing from '../dist/api/hashing.js';
import * as signing from '../dist/api/signing.js';

const work = mkTemp('ms-browser-parity-');
after(() => fs.rmSync(work, { recursive: true, force: true }));

async function agree(modelPath, sigPath, opts, expectOk, expectCode) {
  const { node, browser } = await bothVerify(modelPath, sigPath, opts);
  assert.equal(node.ok, expectOk, `node: ${node.code} ${node.message}`);
  if (expectCode) assert.equal(node.code, expectCode, node.message);
  // Messages too: the browser names key files by the labels the caller passes (here the same paths).
  assert.deepEqual(browser, node);
  return node;
}

const KEY = { method: 'key', publicKey: path.join(pki, 'signing-key-pub.pem') };
const CERT = { method: 'certificate', certificateChain: [path.join(pki, 'ca-cert.pem')] };
const SIGSTORE = { method: 'sigstore', identity: 'stefanb@us.ibm.com', oidcIssuer: 'https://sigstore.verify.ibm.com/oauth2' };

const VECTORS = [
  ['v0.2.0-certificate', CERT],
  ['v1.0.0-certificate', CERT],
  ['v1.1.0-certificate', CERT],
  ['v1.0.0-elliptic-key', KEY, 'signme-1'],
  ['v1.1.0-elliptic-key', KEY],
  ['v1.0.0-sigstore', SIGSTORE],
  ['v1.1.0-sigstore', SIGSTORE],
];

for (const [name, opts, file] of VECTORS) {
  test(`vector ${name}: both verify it, with the same signer and warnings`, { skip: !haveVectors && NO_VECTORS }, async () => {
    const dir = path.join(mt, name);
    await agree(file ? path.join(dir, file) : dir, path.join(dir, 'model.sig'), opts, true);
  });
}

test('vectors with the wrong trust input: both refuse with the same code and message', { skip: !haveVectors && NO_VECTORS }, async () => {
  const other = makeKeyPair(work, 'secp384r1');
  const key = path.join(mt, 'v1.1.0-elliptic-key');
  await agree(key, path.join(key, 'model.sig'), { method: 'key', publicKey: other.pubPath }, false, 'TRUST');
  const legacy = path.join(mt, 'v1.0.0-elliptic-key');
  await agree(path.join(legacy, 'signme-1'), path.join(legacy, 'model.sig'), { method: 'key', publicKey: other.pubPath }, false, 'SIGNATURE');
  const cert = path.join(mt, 'v1.1.0-certificate');
  await agree(cert, path.join(cert, 'model.sig'), KEY, false, 'BUNDLE');
  await agree(cert, path.join(cert, 'model.sig'), { method: 'certificate', certificateChain: [path.join(pki, 'signing-key-pub.pem')] }, false, 'KEY');
  const otherCa = path.join(work, 'other-ca.pem');
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(work, 'other-ca.key'), '-out', otherCa, '-subj', '/CN=other-ca', '-days', '2']);
  if (made.status === 0) await agree(cert, path.join(cert, 'model.sig'), { method: 'certificate', certificateChain: [otherCa] }, false, 'TRUST');
  await agree(key, path.join(key, 'model.sig'), { method: 'key', publicKey: path.join(pki, 'ca-cert.pem') }, false, 'KEY');
  const sig = path.join(mt, 'v1.1.0-sigstore');
  await agree(sig, path.join(sig, 'model.sig'), { ...SIGSTORE, identity: 'stefanb@us.ibm.co' }, false, 'TRUST');
  await agree(sig, path.join(sig, 'model.sig'), { ...SIGSTORE, oidcIssuer: 'https://accounts.google.com' }, false, 'TRUST');
});

test('tampered vectors: both report the same changed, missing and extra files', { skip: !haveVectors && NO_VECTORS }, async () => {
  for (const [name, opts] of [['v1.1.0-elliptic-key', KEY], ['v1.1.0-certificate', CERT], ['v1.1.0-sigstore', SIGSTORE]]) {
    const dir = path.join(work, `tamper-${name}`);
    fs.cpSync(path.join(mt, name), dir, { recursive: true });
    const sig = path.join(dir, 'model.sig');
    const f = path.join(dir, 'signme-1');
    const bytes = fs.readFileSync(f);
    bytes[0] ^= 1;
    fs.writeFileSync(f, bytes);
    let r = await agree(dir, sig, opts, false, 'MISMATCH');
    assert.deepEqual(r.report.mismatches.map((m) => m.name), ['signme-1']);
    fs.rmSync(path.join(dir, 'signme-2'));
    fs.writeFileSync(path.join(dir, 'added.bin'), 'not signed');
    r = await agree(dir, sig, opts, false, 'MISMATCH');
    assert.deepEqual([r.report.missingFiles, r.report.extraFiles], [['signme-2'], ['added.bin']]);
    await agree(dir, sig, { ...opts, ignoreUnsignedFiles: true }, false, 'MISMATCH');
  }
});

// Our own signatures: every algorithm, files and shards (small shards, so files span several), then tampered.
const LAYOUT = { 'config.json': 300, 'weights.bin': 2500, 'sub/tokenizer.txt': 700, 'sub/deep/extra.dat': 64, 'empty.txt': 0, '.git/HEAD': 10 };
for (const algorithm of ['sha256', 'blake2b', 'blake3']) {
  for (const method of ['files', 'shards']) {
    test(`own ${method} signature with ${algorithm}: both verify, both report a changed byte the same way`, async () => {
      // Shard signing refuses empty files (shard manifests cannot record them): that model has none.
      const layout = method === 'shards' ? Object.fromEntries(Object.entries(LAYOUT).filter(([, size]) => size > 0)) : LAYOUT;
      const dir = writeModel(path.join(work, `own-${algorithm}-${method}`), layout);
      const keys = makeKeyPair(path.dirname(dir));
      const sig = path.join(work, `own-${algorithm}-${method}.sig`);
      const h = new hashing.Config();
      if (method === 'files') h.useFileSerialization({ hashAlgorithm: algorithm });
      else h.useShardSerialization({ hashAlgorithm: algorithm, shardSize: 1000 });
      await new signing.Config().useEllipticKeySigner({ privateKey: keys.privPath }).setHashingConfig(h).sign(dir, sig);
      const opts = { method: 'key', publicKey: keys.pubPath };
      await agree(dir, sig, opts, true);
      const f = path.join(dir, 'weights.bin');
      const bytes = fs.readFileSync(f);
      bytes[2100] ^= 0x80;
      fs.writeFileSync(f, bytes);
      const r = await agree(dir, sig, opts, false, 'MISMATCH');
      assert.deepEqual(r.report.mismatches.map((m) => m.name), [method === 'files' ? 'weights.bin' : 'weights.bin:2000:2500']);
    });
  }
}

test('an unsigned empty file added to a shard-signed model: both report it (and accept it only when told to)', async () => {
  // Shard manifests cannot list empty files; an added empty `__init__.py` still changes what Python imports.
  const dir = writeModel(path.join(work, 'shards-empty'), { 'weights.bin': 2500, 'config.json': 300 });
  const keys = makeKeyPair(path.dirname(dir));
  const sig = path.join(work, 'shards-empty.sig');
  const h = new hashing.Config().useShardSerialization({ hashAlgorithm: 'sha256', shardSize: 1000 });
  await new signing.Config().useEllipticKeySigner({ privateKey: keys.privPath }).setHashingConfig(h).sign(dir, sig);
  const opts = { method: 'key', publicKey: keys.pubPath };
  fs.writeFileSync(path.join(dir, '__init__.py'), '');
  const r = await agree(dir, sig, opts, false, 'MISMATCH');
  assert.deepEqual(r.report.extraFiles, ['__init__.py']);
  await agree(dir, sig, { ...opts, ignoreUnsignedFiles: true }, true);
});

test('a signature inside the model is not hashed by either', async () => {
  const dir = writeModel(path.join(work, 'inside'), { 'a.bin': 100 });
  const keys = makeKeyPair(work);
  const sig = path.join(dir, 'model.sig');
  await new signing.Config().useEllipticKeySigner({ privateKey: keys.privPath }).sign(dir, sig);
  await agree(dir, sig, { method: 'key', publicKey: keys.pubPath }, true);
});

// Validly signed hostile manifests (a subset of test/hardening-hostile-manifest.test.mjs; the shared table of the
// second hardening round runs through the browser verifier in test/hardening-cases.test.mjs). Both must refuse
// each with the same code and message.
const HOSTILE = [];
{
  const model = writeModel(path.join(work, 'hostile-model'));
  const files = () => statementFor(resourcesOf(model), { name: 'model' });
  const shards = () => statementFor(resourcesOf(model, { method: 'shards', shardSize: 1000 }), { method: 'shards', shardSize: 1000, name: 'model' });
  const res = (st) => st.predicate.resources;
  const ser = (st) => st.predicate.serialization;
  const redo = (st) => statementFor(res(st), { method: ser(st).method, shardSize: ser(st).shard_size, name: 'model', ignorePaths: ser(st).ignore_paths });
  const outside = (name) => ({ name, algorithm: 'sha256', digest: '0'.repeat(64) });
  const add = (st, r) => (res(st).push(r), redo(st));
  const rename = (st, from, to) => {
    for (const r of res(st)) if (r.name === from) r.name = to;
    return redo(st);
  };
  HOSTILE.push(
    ['an absolute name', files, (s) => add(s, outside('/etc/passwd'))],
    ["a '..' name", files, (s) => add(s, outside('../outside.bin'))],
    ['a backslash name', files, (s) => add(s, outside('..\\outside.bin'))],
    ["a '.' segment", files, (s) => rename(s, 'config.json', './config.json')],
    ['an empty segment', files, (s) => rename(s, 'sub/tokenizer.txt', 'sub//tokenizer.txt')],
    ['a NUL character', files, (s) => rename(s, 'config.json', 'config.json\u0000.txt')],
    ['a duplicated name', files, (s) => add(s, { ...res(s)[0] })],
    ['a file that is also a directory', files, (s) => add(s, outside('sub'))],
    ["'.' mixed with other names", files, (s) => add(s, outside('.'))],
    ['an unknown hash type', files, (s) => ((ser(s).hash_type = 'md5'), s)],
    ['an upper-case digest', files, (s) => ((res(s)[0].digest = res(s)[0].digest.toUpperCase()), s)],
    ['an empty resource list', files, (s) => ((s.predicate.resources = []), redo(s))],
    ['a wrong root digest', files, (s) => ((s.subject[0].digest.sha256 = '0'.repeat(64)), s)],
    ['an ignore path outside', files, (s) => ((ser(s).ignore_paths = ['../x']), s)],
    ['a glob ignore path', files, (s) => ((ser(s).ignore_paths = ['*']), s)],
    ['a resource under a signed ignore path', files, (s) => ((ser(s).ignore_paths = ['sub']), redo(s))],
    ['a legacy statement naming a file outside', files, () => ({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: '../x', digest: { sha256: '0'.repeat(64) } }], predicateType: 'https://model_signing/Digests/v0.1', predicate: {} })],
    ['a payload that is not JSON', files, () => Buffer.from('{"_type": ')],
    ['a payload nested too deep', files, () => Buffer.from('['.repeat(100) + ']'.repeat(100))],
    ['overlapping shards', shards, (s) => rename(s, 'weights.bin:1000:2000', 'weights.bin:500:1500')],
    ['a shard longer than the shard size', shards, (s) => rename(s, 'weights.bin:2000:2500', 'weights.bin:2000:3001')],
    ['a reversed shard', shards, (s) => rename(s, 'weights.bin:2000:2500', 'weights.bin:2500:2000')],
    ['a fractional shard size', shards, (s) => ((ser(s).shard_size = 1000.5), s)],
    ['a tiny shard size (too many digests)', shards, (s) => ((ser(s).shard_size = 1), s)],
  );
}

test('hostile manifests, validly signed: both refuse each the same way', async () => {
  const dir = path.join(work, 'hostile-model');
  const keys = makeKeyPair(work);
  for (const [i, [what, base, edit]] of HOSTILE.entries()) {
    const out = edit(base());
    const sig = path.join(work, `hostile-${i}.sig`);
    fs.writeFileSync(sig, JSON.stringify(await signPayload(keys.signer, Buffer.isBuffer(out) ? out : Buffer.from(JSON.stringify(out)))));
    const { node, browser } = await bothVerify(dir, sig, { method: 'key', publicKey: keys.pubPath });
    assert.equal(node.ok, false, `${what}: node accepted it`);
    assert.notEqual(node.code, 'MISMATCH', `${what}: reached the comparison (${node.message})`);
    assert.deepEqual(browser, node, what);
  }
});

test('two models hashed at once in the same thread get their own digests (hashers are never shared)', async () => {
  const { browserCore } = await import('./support/browser-core.mjs');
  const s = { method: 'files', hashType: 'sha256', shardSize: 0, allowSymlinks: false, ignorePaths: [] };
  const a = browserCore.modelFromEntries('a', [{ name: 'w.bin', blob: new Blob([new Uint8Array(24_000_000).fill(1)]) }]);
  const b = browserCore.modelFromEntries('b', [{ name: 'w.bin', blob: new Blob([new Uint8Array(24_000_000).fill(2)]) }]);
  const alone = [await browserCore.hashModel(a, s), await browserCore.hashModel(b, s)];
  const atOnce = await Promise.all([browserCore.hashModel(a, s), browserCore.hashModel(b, s)]);
  assert.deepEqual(atOnce, alone);
  const sha = (fill) => crypto.createHash('sha256').update(new Uint8Array(24_000_000).fill(fill)).digest('hex');
  assert.deepEqual(atOnce.map((r) => r[0].digest), [sha(1), sha(2)]);
});

test('where a page forbids workers, hashing falls back to the page thread with the same digests', async () => {
  const { browserCore } = await import('./support/browser-core.mjs');
  const blob = new Blob([new Uint8Array(3_000_000).fill(7)]);
  const model = browserCore.modelFromEntries('m', [{ name: 'w.bin', blob }]);
  const s = { method: 'shards', hashType: 'blake3', shardSize: 1_000_000, allowSymlinks: false, ignorePaths: [] };
  const expected = await browserCore.hashModel(model, s);
  function refused() {
    throw new Error("Refused to create a worker from 'blob:' (Content-Security-Policy)");
  }
  await assert.rejects(browserCore.workerDigester(refused, 2)([{ blob, start: 0, end: 10, algorithm: 'sha256' }], () => {}), {
    name: 'WorkersUnavailableError',
    message: /cannot start a hashing worker: Refused to create a worker/,
  });
  const saved = globalThis.Worker;
  globalThis.Worker = refused;
  try {
    assert.deepEqual(await browserCore.hashModel(model, s, { digester: browserCore.defaultDigester(2) }), expected);
    assert.equal(browserCore.hashingStats.last, 'in-thread');
  } finally {
    if (saved === undefined) delete globalThis.Worker;
    else globalThis.Worker = saved;
  }
  assert.deepEqual(expected.map((r) => r.name), ['w.bin:0:1000000', 'w.bin:1000000:2000000', 'w.bin:2000000:3000000']);
});

test('the package exports the browser build as model-signing/browser (ESM, no Node built-ins)', async () => {
  const lib = await import('model-signing/browser');
  for (const name of ['verify', 'modelFromFileList', 'modelFromHandle', 'modelFromEntries', 'readSignature', 'VerificationMismatchError', 'ModelSigningError']) {
    assert.equal(typeof lib[name], 'function', name);
  }
  const bundle = fs.readFileSync(new URL('../dist/browser/index.js', import.meta.url), 'utf8');
  assert.doesNotMatch(bundle, /\bfrom\s*["']node:|\brequire\(["'](node:)?(fs|path|crypto|os|tls|util|worker_threads|child_process)["']\)/);
});
