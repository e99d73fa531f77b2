// Statement production (deterministic, schema-valid) and the validating reader (hostile payloads),
// plus bundle file reading and atomic writing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync, readdirSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { manifestToStatement, statementToManifest, jsonDepth } from '../dist/statement.js';
import { readBundleFile, writeBundleAtomic, bundlePayload } from '../dist/bundle.js';
import { makeManifest } from '../dist/manifest.js';
import { craftStatement, omsSchemas, haveVectors, NO_VECTORS, vectors, mt, sha256hex } from './support/flow-helpers.mjs';

const D = (s) => sha256hex(s);
const files = (ignorePaths = []) => ({ method: 'files', hashType: 'sha256', allowSymlinks: false, ignorePaths });

function tmp(t) {
  const d = mkdtempSync(join(tmpdir(), 'ms-flow-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}
const payloadOf = (obj) => Buffer.from(JSON.stringify(obj));
const rejects = (obj, re) => assert.throws(() => statementToManifest(Buffer.isBuffer(obj) ? obj : payloadOf(obj)), (e) => e.code === 'BUNDLE' && re.test(e.message));

test('manifestToStatement: fixed key order, code-point sorted, sorted ignore paths, integer shard size, no trailing newline', () => {
  const m = makeManifest('my-model', { method: 'shards', hashType: 'blake2b', allowSymlinks: false, ignorePaths: ['z', '.git', 'model.sig'], shardSize: 8 }, [
    { name: 'b:0:8', algorithm: 'blake2b', digest: 'ab'.repeat(64) },
    { name: 'a:0:3', algorithm: 'blake2b', digest: 'cd'.repeat(64) },
  ]);
  const bytes = manifestToStatement(m);
  const text = bytes.toString('utf8');
  assert.ok(!text.endsWith('\n'));
  assert.deepEqual(Object.keys(JSON.parse(text)), ['_type', 'subject', 'predicateType', 'predicate']);
  const st = JSON.parse(text);
  assert.deepEqual(Object.keys(st.predicate), ['resources', 'serialization']);
  assert.deepEqual(Object.keys(st.predicate.serialization), ['method', 'hash_type', 'shard_size', 'allow_symlinks', 'ignore_paths']);
  assert.deepEqual(st.predicate.resources.map((r) => r.name), ['a:0:3', 'b:0:8']);
  assert.deepEqual(Object.keys(st.predicate.resources[0]), ['name', 'algorithm', 'digest']);
  assert.deepEqual(st.predicate.serialization.ignore_paths, ['.git', 'model.sig', 'z']);
  assert.match(text, /"shard_size": 8,/);
  assert.equal(st.subject[0].name, 'my-model');
  // Same manifest, other input order -> identical bytes.
  const again = manifestToStatement({ ...m, resources: [...m.resources].reverse() });
  assert.ok(again.equals(bytes));
  // And it reads back.
  const back = statementToManifest(bytes);
  assert.equal(back.serialization.method, 'shards');
  assert.equal(back.serialization.shardSize, 8);
  assert.equal(back.rootDigest, st.subject[0].digest.sha256);
});

test('manifestToStatement refuses an empty manifest and names verification would refuse', () => {
  assert.throws(() => manifestToStatement(makeManifest('m', files(), [])), (e) => e.code === 'MODEL' && /no files/.test(e.message));
  const bad = makeManifest('m', files(), [{ name: '..\\x', algorithm: 'sha256', digest: D('x') }]);
  assert.throws(() => manifestToStatement(bad), (e) => e.code === 'MODEL' && /cannot sign file name/.test(e.message));
});

test('produced statements validate against the OMS JSON schemas', { skip: haveVectors ? false : NO_VECTORS }, async () => {
  const v = await omsSchemas();
  for (const ser of [files(['.git']), { ...files(), hashType: 'blake3' }, { method: 'shards', hashType: 'sha256', allowSymlinks: true, ignorePaths: [], shardSize: 1000000000 }]) {
    const algo = ser.hashType;
    const len = algo === 'blake2b' ? 128 : 64;
    const m = makeManifest('m', ser, [{ name: ser.method === 'shards' ? 'w.bin:0:5' : 'w.bin', algorithm: algo, digest: 'a'.repeat(len) }]);
    const st = JSON.parse(manifestToStatement(m).toString());
    assert.ok(v.statement(st), JSON.stringify(v.statement.errors));
  }
});

test('statementToManifest reads every reference vector payload', { skip: haveVectors ? false : NO_VECTORS }, () => {
  const seen = {};
  for (const d of readdirSync(mt).filter((x) => x.startsWith('v'))) {
    const m = statementToManifest(bundlePayload(readBundleFile(join(mt, d, 'model.sig'))));
    seen[d] = m;
    assert.ok(m.resources.length >= 1, d);
  }
  assert.equal(seen['v0.2.0-certificate'].format, 'v0.1');
  assert.equal(seen['v0.2.0-certificate'].rootDigest, null);
  assert.equal(seen['v1.0.0-elliptic-key'].singleFileDot, true);
  assert.ok(seen['v1.1.0-elliptic-key'].serialization.ignorePaths.includes('ignore-me'));
});

test('legacy forms accepted: float shard size, -sharded-N algorithm, any resource order, extra descriptor fields', () => {
  const res = [
    { name: 'w:8:10', algorithm: 'sha256-sharded-8', digest: D('2'), annotations: { x: 1 } },
    { name: 'w:0:8', algorithm: 'sha256-sharded-8', digest: D('1') },
  ];
  const text = JSON.stringify(craftStatement(res, { method: 'shards', hash_type: 'sha256', allow_symlinks: false, shard_size: 8 })).replace('"shard_size":8', '"shard_size":8.0');
  assert.match(text, /8\.0/);
  const m = statementToManifest(Buffer.from(text));
  assert.equal(m.serialization.shardSize, 8);
  assert.deepEqual(m.resources.map((r) => r.name), ['w:8:10', 'w:0:8']);
});

test('hostile or malformed statements are rejected with a message naming the field', () => {
  const ok = (name) => ({ name, algorithm: 'sha256', digest: D(name) });
  rejects(craftStatement([ok('../x')]), /'\.\.' segment/);
  rejects(craftStatement([ok('/etc/passwd')]), /absolute/);
  rejects(craftStatement([ok('a//b')]), /empty path segment/);
  rejects(craftStatement([ok('a/./b')]), /'\.' segment/);
  rejects(craftStatement([ok('..\\b')]), /backslash and, read as a path separator, has a '\.\.' segment/);
  rejects(craftStatement([ok('a\\\\b')]), /backslash.*empty path segment/);
  if (process.platform !== 'win32') assert.equal(statementToManifest(payloadOf(craftStatement([ok('a\\b')]))).resources[0].name, 'a\\b');
  rejects(craftStatement([ok('a\u0000b')]), /NUL/);
  rejects(craftStatement([ok('a'), ok('a')]), /listed twice/);
  rejects(craftStatement([ok('a'), ok('a/b')]), /both a file and a directory/);
  rejects(craftStatement([]), /no resources/);
  rejects(craftStatement([ok('.'), ok('b')]), /'\.' is mixed/);
  rejects(craftStatement([{ name: 'a', algorithm: 'sha256', digest: 'ABCD' }]), /digest must be 64 lowercase hex/);
  rejects(craftStatement([{ name: 'a', algorithm: 'md5', digest: D('a') }]), /algorithm "md5" does not match hash_type sha256/);
  rejects(craftStatement([{ name: 'a', algorithm: 'blake2b', digest: D('a') }], { method: 'files', hash_type: 'blake2b', allow_symlinks: false }), /128 lowercase hex/);
  rejects(craftStatement([ok('a')], { method: 'files', hash_type: 'md5', allow_symlinks: false }), /hash_type/);
  rejects(craftStatement([ok('a')], { method: 'files', hash_type: 'sha256', allow_symlinks: 'false' }), /allow_symlinks must be a boolean/);
  rejects(craftStatement([ok('a')], { method: 'files', hash_type: 'sha256', allow_symlinks: false, shard_size: 8 }), /shard_size must be absent/);
  rejects(craftStatement([ok('a')], { method: 'files', hash_type: 'sha256', allow_symlinks: false, ignore_paths: ['../up'] }), /ignore_paths entry/);
  rejects(craftStatement([ok('a')], { method: 'files', hash_type: 'sha256', allow_symlinks: false, ignore_paths: ['*.bin'] }), /glob/);
  rejects(craftStatement([ok('a')], { method: 'files', hash_type: 'sha256', allow_symlinks: false, ignore_paths: ['.'] }), /ignore_paths entry/);
  rejects(craftStatement([ok('a')], { method: 'tar', hash_type: 'sha256', allow_symlinks: false }), /method/);
  const shard = (name, d = name) => ({ name, algorithm: 'sha256', digest: D(d) });
  const sh = (size) => ({ method: 'shards', hash_type: 'sha256', allow_symlinks: false, shard_size: size });
  for (const bad of [0, -8, 8.5, 2 ** 53, '8', null]) rejects(craftStatement([shard('w:0:8')], sh(bad)), /shard_size/);
  rejects(craftStatement([shard('w:0:8')], { method: 'shards', hash_type: 'sha256', allow_symlinks: false }), /shard_size is required/);
  rejects(craftStatement([shard('w:0:8'), shard('w:16:20')], sh(8)), /not contiguous/);
  rejects(craftStatement([shard('w:8:16')], sh(8)), /not contiguous/);
  rejects(craftStatement([shard('w:0:8'), shard('w:4:12')], sh(8)), /not contiguous|has 4 bytes/);
  rejects(craftStatement([shard('w:0:4'), shard('w:4:8')], sh(8)), /has 4 bytes/);
  rejects(craftStatement([shard('w:0:9')], sh(8)), /has 9 bytes/);
  rejects(craftStatement([shard('w')], sh(8)), /not 'path:start:end'/);
  rejects(craftStatement([shard('../w:0:8')], sh(8)), /'\.\.' segment/);
  // Root digest must match the resources in payload order.
  const st = craftStatement([ok('a'), ok('b')]);
  st.subject[0].digest.sha256 = D('other');
  rejects(st, /manifest is inconsistent: root digest is [0-9a-f]{64} but the resources hash to [0-9a-f]{64}/);
  const two = craftStatement([ok('a')]);
  two.subject.push(two.subject[0]);
  rejects(two, /exactly one subject/);
  rejects({ ...craftStatement([ok('a')]), _type: 'https://in-toto.io/Statement/v0.1' }, /_type/);
  rejects({ ...craftStatement([ok('a')]), predicateType: 'https://example.com/x' }, /predicateType/);
  rejects(Buffer.from('{"_type": '), /not valid JSON/);
  rejects(Buffer.from([0x7b, 0xff, 0x7d]), /UTF-8/);
  rejects(Buffer.from('['.repeat(100000) + ']'.repeat(100000)), /nested deeper/);
  assert.throws(() => statementToManifest(payloadOf(craftStatement([ok('a'), ok('b')])), { maxResources: 1 }), /more than the limit of 1/);
});

test('jsonDepth ignores brackets inside strings', () => {
  assert.equal(jsonDepth('{"a":"[[[[\\"[["}', 10), 1);
  assert.equal(jsonDepth('[[[]]]', 10), 3);
});

test('readBundleFile: one-line errors for missing, empty, oversized, non-JSON, deep, wrong media type, missing parts', (t) => {
  const d = tmp(t);
  const write = (name, content) => {
    const p = join(d, name);
    writeFileSync(p, content);
    return p;
  };
  const fails = (p, re, opts) => assert.throws(() => readBundleFile(p, opts), (e) => e.code === 'BUNDLE' && re.test(e.message) && !e.message.includes('\n'));
  fails(join(d, 'nope.sig'), /does not exist/);
  fails(d, /is a directory/);
  fails(write('empty.sig', ''), /is empty/);
  fails(write('ws.sig', ' \n'), /is empty/);
  fails(write('big.sig', 'x'.repeat(100)), /limit of 10/, { maxBytes: 10 });
  fails(write('text.sig', 'hello'), /not valid JSON/);
  fails(write('trunc.sig', '{"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json", "verif'), /not valid JSON/);
  fails(write('arr.sig', '[1,2]'), /not a JSON object/);
  fails(write('deep.sig', '['.repeat(5000) + ']'.repeat(5000)), /nested deeper/);
  const base = { mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', verificationMaterial: { publicKey: { hint: 'x' } }, dsseEnvelope: { payload: 'e30=', payloadType: 'application/vnd.in-toto+json', signatures: [{ sig: 'AA==' }] } };
  fails(write('mt.sig', JSON.stringify({ ...base, mediaType: 'application/json' })), /media type 'application\/json'/);
  fails(write('nomt.sig', JSON.stringify({ ...base, mediaType: undefined })), /no mediaType/);
  fails(write('novm.sig', JSON.stringify({ ...base, verificationMaterial: undefined })), /no verificationMaterial/);
  fails(write('noenv.sig', JSON.stringify({ ...base, dsseEnvelope: undefined })), /no dsseEnvelope/);
  fails(write('msg.sig', JSON.stringify({ ...base, dsseEnvelope: undefined, messageSignature: {} })), /message signature/);
  fails(write('nosig.sig', JSON.stringify({ ...base, dsseEnvelope: { ...base.dsseEnvelope, signatures: [] } })), /signatures/);
  for (const mt of ['application/vnd.dev.sigstore.bundle+json;version=0.1', 'application/vnd.dev.sigstore.bundle+json;version=0.2', 'application/vnd.dev.sigstore.bundle+json;version=0.3']) {
    assert.equal(readBundleFile(write('ok.sig', JSON.stringify({ ...base, mediaType: mt }))).mediaType, mt);
  }
});

test('OMS spec test vectors: valid ones read, invalid ones fail with a clear error', { skip: haveVectors ? false : NO_VECTORS }, () => {
  const tv = join(vectors, 'oms-spec', 'test-vectors');
  for (const f of readdirSync(join(tv, 'valid'))) statementToManifest(bundlePayload(readBundleFile(join(tv, 'valid', f))));
  for (const f of readdirSync(join(tv, 'invalid'))) assert.throws(() => readBundleFile(join(tv, 'invalid', f)), (e) => e.code === 'BUNDLE', f);
  assert.throws(() => statementToManifest(bundlePayload(readBundleFile(join(tv, 'invalid-payload', 'wrong-predicate.bundle.json')))), /predicateType/);
});

test('writeBundleAtomic: compact JSON, no trailing newline, replaces atomically, leaves no temp files; failure keeps the old file', (t) => {
  const d = tmp(t);
  const p = join(d, 'model.sig');
  writeFileSync(p, 'old');
  writeBundleAtomic(p, { a: 1, b: [1, 2] });
  assert.equal(readFileSync(p, 'utf8'), '{"a":1,"b":[1,2]}');
  assert.deepEqual(readdirSync(d), ['model.sig']);
  // Writing into a missing directory fails cleanly and creates nothing.
  assert.throws(() => writeBundleAtomic(join(d, 'missing', 'x.sig'), {}), (e) => e.code === 'IO' && /cannot write signature file/.test(e.message));
  // A value that cannot be serialised fails before the old file is touched.
  const cyclic = {};
  cyclic.self = cyclic;
  assert.throws(() => writeBundleAtomic(p, cyclic));
  assert.equal(readFileSync(p, 'utf8'), '{"a":1,"b":[1,2]}');
  assert.deepEqual(readdirSync(d), ['model.sig']);
  assert.ok(!existsSync(join(d, 'missing')));
});
