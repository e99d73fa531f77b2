// Validly signed but hostile manifests: a signer that signs whatever it is given (a real EC key) signs crafted
// statements, and each one must be refused, with and without ignore-unsigned-files, with a message naming the
// problem, BEFORE anything outside the model is touched.
//
// How "not touched" is proved: next to the model lies a sentinel directory (OUTSIDE-SENTINEL) holding files
// whose digests ARE the ones the hostile manifests sign, so a verifier that followed a name out of the model
// would find matching content and accept. The verification runs in a child process under
// `strace -f -e trace=%file`, which records every system call that takes a path (open, openat, stat, lstat,
// statx, readlink, access, ...) in the process and its worker threads; no recorded path may name the sentinel.
// A control stat of the sentinel at the end proves the tracer would have seen such an access. This is
// deterministic (unlike atime, which relatime mounts update lazily, or permissions, which root ignores). Without
// strace, the rejections are still checked and the trace check is skipped with a reason.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { contentFor, makeKeyPair, mkTemp, resourcesOf, signPayload, statementFor, writeModel } from './support/hardening-model.mjs';
import { cliPath } from './support/cli.mjs';
import * as verifying from '../dist/api/verifying.js';

const SENTINEL = 'OUTSIDE-SENTINEL';
const RUNNER = fileURLToPath(new URL('./support/hardening-hostile-runner.mjs', import.meta.url));
const HAVE_STRACE = spawnSync('strace', ['-V']).status === 0;
const NO_STRACE = 'strace is not installed: the rejections are checked, the no-access proof is not';

const work = mkTemp('ms-hostile-');
const model = writeModel(path.join(work, 'model'));
const sentinelDir = path.join(work, SENTINEL);
const secret = contentFor('secret', 500);
const secretDigest = crypto.createHash('sha256').update(secret).digest('hex');
let keys;

const filesBase = () => statementFor(resourcesOf(model), { name: 'model' });
const shardsBase = () => statementFor(resourcesOf(model, { method: 'shards', shardSize: 1000 }), { method: 'shards', shardSize: 1000, name: 'model' });
const res = (st) => st.predicate.resources;
const ser = (st) => st.predicate.serialization;
/** Recomputes the subject's root digest, so that check does not catch an edit before the one under test. */
const withRoot = (st) => {
  st.subject = [{ name: 'model', digest: { sha256: rootOf(res(st)) } }];
  return st;
};
function rootOf(resources) {
  const h = crypto.createHash('sha256');
  for (const r of resources) if (typeof r?.digest === 'string' && /^[0-9a-f]*$/.test(r.digest)) h.update(Buffer.from(r.digest, 'hex'));
  return h.digest('hex');
}
const add = (st, ...rs) => {
  res(st).push(...rs);
  return withRoot(st);
};
const rename = (st, from, to) => {
  for (const r of res(st)) if (r.name === from) r.name = to;
  return withRoot(st);
};
const outside = (name) => ({ name, algorithm: 'sha256', digest: secretDigest });

// [case name, base, edit (returns the statement object, or a Buffer of raw payload bytes), expected message]
const CASES = [
  ['an absolute name pointing at a real file outside', filesBase, (s) => add(s, outside(path.join(sentinelDir, 'secret.bin'))), /is absolute/],
  ["a '../' name escaping the model", filesBase, (s) => add(s, outside(`../${SENTINEL}/secret.bin`)), /'\.\.' segment/],
  ["a name with an interior '..' escaping the model", filesBase, (s) => add(s, outside(`sub/../../${SENTINEL}/secret.bin`)), /'\.\.' segment/],
  ["a backslash name escaping the model", filesBase, (s) => add(s, outside(`..\\${SENTINEL}\\secret.bin`)), /backslash/],
  ["a '.' segment", filesBase, (s) => rename(s, 'config.json', './config.json'), /'\.' segment/],
  ['an empty segment', filesBase, (s) => rename(s, 'sub/tokenizer.txt', 'sub//tokenizer.txt'), /empty path segment/],
  ['a trailing slash', filesBase, (s) => add(s, outside('sub/deep/')), /empty path segment/],
  ['an empty name', filesBase, (s) => add(s, outside('')), /non-empty string/],
  ['a NUL character in a name', filesBase, (s) => rename(s, 'config.json', 'config.json\u0000.txt'), /NUL/],
  ['a duplicated name', filesBase, (s) => add(s, { ...res(s)[0] }), /listed twice/],
  ['a name that is both a file and a directory', filesBase, (s) => add(s, outside('sub')), /both a file and a directory/],
  ["the single-file name '.' mixed with others", filesBase, (s) => add(s, outside('.')), /'\.' is mixed/],
  ['an unknown hash type', filesBase, (s) => { ser(s).hash_type = 'md5'; for (const r of res(s)) r.algorithm = 'md5'; return s; }, /hash_type/],
  ['a hash type in another case', filesBase, (s) => { ser(s).hash_type = 'SHA256'; return s; }, /hash_type/],
  ['a resource algorithm other than hash_type', filesBase, (s) => { res(s)[1].algorithm = 'blake3'; return s; }, /does not match hash_type/],
  ['a digest of the wrong length', filesBase, (s) => { res(s)[0].digest = res(s)[0].digest.slice(2); return withRoot(s); }, /64 lowercase hex/],
  ['an upper-case digest', filesBase, (s) => { res(s)[0].digest = res(s)[0].digest.toUpperCase(); return s; }, /64 lowercase hex/],
  ['a digest that is a number', filesBase, (s) => { res(s)[0].digest = 12345; return s; }, /64 lowercase hex/],
  ['a resource without a digest', filesBase, (s) => { delete res(s)[0].digest; return s; }, /digest/],
  ['a resource without a name', filesBase, (s) => { delete res(s)[0].name; return s; }, /name must be a non-empty string/],
  ['no serialization', filesBase, (s) => { delete s.predicate.serialization; return s; }, /serialization must be an object/],
  ['no resources', filesBase, (s) => { delete s.predicate.resources; return s; }, /resources must be an array/],
  ['resources that are an object', filesBase, (s) => { s.predicate.resources = { 'config.json': res(s)[0] }; return s; }, /resources must be an array/],
  ['no serialization method', filesBase, (s) => { delete ser(s).method; return s; }, /method/],
  ['no allow_symlinks', filesBase, (s) => { delete ser(s).allow_symlinks; return s; }, /allow_symlinks/],
  ['a shard size with the files method', filesBase, (s) => { ser(s).shard_size = 1000; return s; }, /shard_size must be absent/],
  ['an empty resource list', filesBase, (s) => { s.predicate.resources = []; return withRoot(s); }, /no resources/],
  ['a wrong subject digest', filesBase, (s) => { s.subject[0].digest.sha256 = '0'.repeat(64); return s; }, /root digest/],
  ['two subjects', filesBase, (s) => { s.subject.push(s.subject[0]); return s; }, /exactly one subject/],
  ['a wrong predicate type', filesBase, (s) => { s.predicateType = 'https://model_signing/signature/v2.0'; return s; }, /predicateType/],
  ['a wrong statement type', filesBase, (s) => { s._type = 'https://in-toto.io/Statement/v0.1'; return s; }, /_type/],
  ['ignore paths pointing outside the model', filesBase, (s) => { ser(s).ignore_paths = [`../${SENTINEL}`]; return s; }, /'\.\.' segment/],
  ['an absolute ignore path', filesBase, (s) => { ser(s).ignore_paths = [sentinelDir]; return s; }, /is absolute/],
  ["an ignore path '.' (the whole model)", filesBase, (s) => { ser(s).ignore_paths = ['.']; return s; }, /'\.' segment/],
  ['an empty ignore path', filesBase, (s) => { ser(s).ignore_paths = ['']; return s; }, /is empty/],
  ['a glob ignore path', filesBase, (s) => { ser(s).ignore_paths = ['*']; return s; }, /glob/],
  ['ignore paths that are a string', filesBase, (s) => { ser(s).ignore_paths = 'sub'; return s; }, /ignore_paths must be an array/],
  ['a legacy v0.1 statement naming a file outside', filesBase, () => ({
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: `../${SENTINEL}/secret.bin`, digest: { sha256: secretDigest } }],
    predicateType: 'https://model_signing/Digests/v0.1',
    predicate: { unused: '' },
  }), /'\.\.' segment/],
  ['a payload that is not JSON', filesBase, () => Buffer.from('{"_type": "https://in-toto.io/Statement/v1", '), /not valid JSON/],
  ['a payload that is a JSON array', filesBase, () => Buffer.from('[]'), /not a JSON object/],
  ['a payload that is not UTF-8', filesBase, (s) => Buffer.concat([Buffer.from(JSON.stringify(s)).subarray(0, 20), Buffer.from([0xc0, 0xaf]), Buffer.from(JSON.stringify(s)).subarray(20)]), /UTF-8/],
  // Shards
  ['overlapping shards', shardsBase, (s) => rename(s, 'weights.bin:1000:2000', 'weights.bin:500:1500'), /not contiguous/],
  ['a gap between shards', shardsBase, (s) => { s.predicate.resources = res(s).filter((r) => r.name !== 'weights.bin:1000:2000'); return withRoot(s); }, /not contiguous/],
  ['a shard longer than the shard size', shardsBase, (s) => rename(s, 'weights.bin:2000:2500', 'weights.bin:2000:3001'), /has 1001 bytes/],
  ['an empty shard', shardsBase, (s) => add(s, outside('config.json:300:300')), /empty or reversed/],
  ['a reversed shard', shardsBase, (s) => rename(s, 'weights.bin:2000:2500', 'weights.bin:2500:2000'), /empty or reversed/],
  ['a shard name without a range', shardsBase, (s) => rename(s, 'config.json:0:300', 'config.json'), /not 'path:start:end'/],
  ['a shard of a file outside the model', shardsBase, (s) => add(s, outside(`../${SENTINEL}/secret.bin:0:500`)), /'\.\.' segment/],
  ['an absolute shard name', shardsBase, (s) => add(s, outside(`${sentinelDir}/secret.bin:0:500`)), /is absolute/],
  ['a zero shard size', shardsBase, (s) => { ser(s).shard_size = 0; return s; }, /positive/],
  ['a negative shard size', shardsBase, (s) => { ser(s).shard_size = -1000; return s; }, /positive/],
  ['a huge shard size', shardsBase, (s) => { ser(s).shard_size = 1e300; return s; }, /larger than 2\^53/],
  ['a shard size of 2^53', shardsBase, (s) => { ser(s).shard_size = 2 ** 53; return s; }, /larger than 2\^53/],
  ['a fractional shard size', shardsBase, (s) => { ser(s).shard_size = 1000.5; return s; }, /positive integer/],
  ['a shard size that is a string', shardsBase, (s) => { ser(s).shard_size = '1000'; return s; }, /positive integer/],
  ['a shard size that is null', shardsBase, (s) => { ser(s).shard_size = null; return s; }, /positive integer/],
  ['no shard size with the shards method', shardsBase, (s) => { delete ser(s).shard_size; return s; }, /shard_size is required/],
];

const sigOf = (i) => path.join(work, 'sigs', `case-${i}.sig`);

before(async () => {
  fs.mkdirSync(sentinelDir);
  fs.mkdirSync(path.join(work, 'sigs'));
  fs.writeFileSync(path.join(sentinelDir, 'secret.bin'), secret);
  keys = makeKeyPair(work);
  for (const [i, [, base, edit]] of CASES.entries()) {
    const out = edit(base());
    fs.writeFileSync(sigOf(i), JSON.stringify(await signPayload(keys.signer, Buffer.isBuffer(out) ? out : Buffer.from(JSON.stringify(out)))));
  }
});
after(() => fs.rmSync(work, { recursive: true, force: true }));

const verify = (sig, ignoreUnsigned) =>
  new verifying.Config().useEllipticKeyVerifier({ publicKey: keys.pubPath }).setIgnoreUnsignedFiles(ignoreUnsigned).verify(model, sig);

test('control: the unmodified statements, signed the same way, verify (files and shards)', async () => {
  for (const base of [filesBase, shardsBase]) {
    const sig = path.join(work, `control-${ser(base()).method}.sig`);
    fs.writeFileSync(sig, JSON.stringify(await signPayload(keys.signer, base())));
    for (const ignoreUnsigned of [false, true]) assert.equal((await verify(sig, ignoreUnsigned)).ok, true);
  }
});

for (const [i, [name, , , expected]] of CASES.entries()) {
  test(`hostile signed manifest refused: ${name}`, async () => {
    for (const ignoreUnsigned of [false, true]) {
      await assert.rejects(verify(sigOf(i), ignoreUnsigned), (e) => {
        assert.equal(e.code, 'BUNDLE', `${e.code}: ${e.message}`);
        assert.match(e.message, /invalid signed statement|the signed payload/);
        assert.match(e.message, expected);
        return true;
      }, `ignore-unsigned-files=${ignoreUnsigned}`);
    }
  });
}

/** Runs `args` under strace; returns { status, stdout, stderr, trace } (trace: the recorded path calls). */
function traced(args) {
  const log = path.join(work, `strace-${process.hrtime.bigint()}.log`);
  const r = spawnSync('strace', ['-f', '-qq', '-e', 'trace=%file', '-o', log, process.execPath, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { ...r, trace: fs.readFileSync(log, 'utf8') };
}

test('nothing outside the model is touched: every case, both modes, traced', { skip: HAVE_STRACE ? false : NO_STRACE }, () => {
  const cases = CASES.flatMap((_, i) => [false, true].map((ignoreUnsigned) => ({ id: i, sig: sigOf(i), ignoreUnsigned })));
  const spec = path.join(work, 'spec.json');
  fs.writeFileSync(spec, JSON.stringify({ model, publicKey: keys.pubPath, cases, control: path.join(sentinelDir, 'control') }));
  const r = traced([RUNNER, spec]);
  assert.equal(r.status, 0, r.stderr);
  const results = JSON.parse(r.stdout);
  assert.equal(results.length, cases.length);
  for (const x of results) assert.equal(x.code, 'BUNDLE', `${CASES[x.id][0]}: ${x.message}`);
  const touching = r.trace.split('\n').filter((l) => l.includes(SENTINEL));
  assert.equal(touching.length, 1, `only the control stat may name the sentinel:\n${touching.join('\n')}`);
  assert.match(touching[0], /control/);
});

test('the CLI with --ignore-unsigned-files refuses a signed ../ name without touching it (traced)', { skip: HAVE_STRACE ? false : NO_STRACE }, () => {
  const i = CASES.findIndex(([n]) => n === "a '../' name escaping the model");
  const r = traced([cliPath, 'verify', 'key', '--public-key', keys.pubPath, '--signature', sigOf(i), '--ignore-unsigned-files', model]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /Verification failed with error: invalid signed statement: resource name "\.\.\/OUTSIDE-SENTINEL\/secret\.bin" has a '\.\.' segment/);
  assert.deepEqual(r.trace.split('\n').filter((l) => l.includes(SENTINEL)), []);
});

// Signed ignore paths that cover the signed files themselves: the model can never match. Refused today (the walk
// finds nothing, or the files are reported missing), but the message blames the model rather than the manifest.
const IGNORE_ALL = (s) => { ser(s).ignore_paths = ['config.json', 'sub', 'weights.bin']; return s; };
async function signedWith(edit, name) {
  const sig = path.join(work, `${name}.sig`);
  fs.writeFileSync(sig, JSON.stringify(await signPayload(keys.signer, edit(filesBase()))));
  return sig;
}

test('signed ignore paths that exclude the whole model are refused, both modes', async () => {
  const sig = await signedWith(IGNORE_ALL, 'ignore-all');
  for (const ignoreUnsigned of [false, true]) {
    await assert.rejects(verify(sig, ignoreUnsigned), (e) => /^(BUNDLE|MODEL|MISMATCH)$/.test(e.code) && /config\.json|no files/.test(e.message));
  }
});

test('a manifest listing files under its own ignore paths is refused as inconsistent, naming both', async () => {
  const sig = await signedWith(IGNORE_ALL, 'ignore-all-strict');
  for (const ignoreUnsigned of [false, true]) {
    await assert.rejects(verify(sig, ignoreUnsigned), (e) => e.code === 'BUNDLE' && /config\.json.*ignore/.test(e.message));
  }
});

test('unknown fields in the signed serialization are refused (the OMS schema forbids them)', async () => {
  const sig = await signedWith((s) => { ser(s).exclude_patterns = ['*.bin']; return s; }, 'unknown-field');
  await assert.rejects(verify(sig, false), (e) => e.code === 'BUNDLE' && /exclude_patterns/.test(e.message));
});
