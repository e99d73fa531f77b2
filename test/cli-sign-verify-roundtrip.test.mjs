// Sign with the CLI (key, certificate; files and shards; sha256/blake2b/blake3), verify with the
// CLI, and check the bundle, the payload, atomicity and the handling of bad inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync, existsSync, readdirSync, statSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { runCli, tempDir } from './support/cli.mjs';
import { haveVectors, NO_VECTORS, pki, writeTree, sha256hex, omsSchemas } from './support/flow-helpers.mjs';

const skip = haveVectors ? false : NO_VECTORS;
const KEY = () => join(pki, 'signing-key.pem');
const PUB = () => join(pki, 'signing-key-pub.pem');
const CERT = () => join(pki, 'signing-key-cert.pem');
const INT = () => join(pki, 'int-ca-cert.pem');
const CA = () => join(pki, 'ca-cert.pem');

function model(t) {
  const d = tempDir(t);
  const m = writeTree(join(d, 'my-model'), {
    'weights.bin': Buffer.alloc(100, 7),
    'config.json': '{"layers": 2}',
    'sub/tokenizer.txt': 'a b c d e f g h i j',
    'sub/empty': '',
    '.gitignore': 'x',
  });
  return { d, m };
}
const sigOf = (p) => JSON.parse(readFileSync(p, 'utf8'));
const payloadOf = (p) => Buffer.from(sigOf(p).dsseEnvelope.payload, 'base64');
const statementOf = (p) => JSON.parse(payloadOf(p).toString('utf8'));

function snapshot(dir) {
  const out = {};
  const walk = (rel) => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else {
        const st = statSync(join(dir, r));
        out[r] = `${sha256hex(readFileSync(join(dir, r)))}:${st.mtimeMs}`;
      }
    }
  };
  walk('');
  return out;
}

function expectOk(r, line) {
  assert.equal(r.status, 0, `exit ${r.status}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.equal(r.stdout, `${line}\n`);
}
function expectFail(r, verb, re, status = 1) {
  assert.equal(r.status, status, `exit ${r.status}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.match(lines[0], new RegExp(`^${verb} failed with error: `));
  assert.match(lines[0], re);
  assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
}

test('sign key / verify key round trip; the bundle is the reference shape and schema-valid', { skip }, async (t) => {
  const { d, m } = model(t);
  const sig = join(d, 'model.sig');
  const before = snapshot(m);
  expectOk(runCli(['sign', 'key', m, '--private_key', KEY(), '--signature', sig]), 'Signing succeeded');
  assert.deepEqual(snapshot(m), before, 'the model is not modified');
  const b = sigOf(sig);
  assert.ok(!readFileSync(sig, 'utf8').endsWith('\n'));
  assert.equal(b.mediaType, 'application/vnd.dev.sigstore.bundle.v0.3+json');
  assert.match(b.verificationMaterial.publicKey.hint, /^[0-9a-f]{64}$/);
  assert.deepEqual(b.verificationMaterial.tlogEntries, []);
  assert.equal(b.dsseEnvelope.signatures[0].keyid, '');
  const st = statementOf(sig);
  assert.equal(st.subject[0].name, 'my-model');
  assert.deepEqual(st.predicate.resources.map((r) => r.name), ['config.json', 'sub/empty', 'sub/tokenizer.txt', 'weights.bin']);
  assert.equal(st.predicate.resources[3].digest, sha256hex(Buffer.alloc(100, 7)));
  assert.ok(st.predicate.serialization.ignore_paths.includes('.gitignore'));
  const v = await omsSchemas();
  assert.ok(v.bundle(b), JSON.stringify(v.bundle.errors));
  assert.ok(v.statement(st), JSON.stringify(v.statement.errors));
  expectOk(runCli(['verify', 'key', m, '--signature', sig, '--public-key', PUB()]), 'Verification succeeded');
  // And the JSON report.
  const j = runCli(['verify', 'key', m, '--signature', sig, '--public-key', PUB(), '--json']);
  assert.equal(j.status, 0, j.stderr);
  const rep = JSON.parse(j.stdout);
  assert.equal(rep.ok, true);
  assert.equal(rep.resourceCount, 4);
  assert.equal(rep.signer.method, 'key');
});

test('sign certificate / verify certificate round trip with the test PKI', { skip }, async (t) => {
  const { d, m } = model(t);
  const sig = join(d, 'cert.sig');
  expectOk(runCli(['sign', 'certificate', m, '--private-key', KEY(), '--signing_certificate', CERT(), '--certificate_chain', INT(), '--signature', sig]), 'Signing succeeded');
  const b = sigOf(sig);
  assert.equal(b.verificationMaterial.x509CertificateChain.certificates.length, 2);
  const v = await omsSchemas();
  assert.ok(v.bundle(b), JSON.stringify(v.bundle.errors));
  expectOk(runCli(['verify', 'certificate', m, '--signature', sig, '--certificate_chain', CA()]), 'Verification succeeded');
  const fp = runCli(['verify', 'certificate', m, '--signature', sig, '--certificate-chain', CA(), '--log-fingerprints']);
  assert.equal(fp.status, 0);
  assert.match(fp.stderr, /\[ {2}init {2}\] sha256 Fingerprint: [0-9A-F:]+/);
  assert.match(fp.stderr, /\[ verify \] sha256 Fingerprint: DA:36:62:B6/);
});

test('shards and other algorithms round trip: the verifier follows the signature\'s serialization', { skip }, (t) => {
  const { d, m } = model(t);
  const combos = [
    ['--serialization', 'shards', '--shard-size', '8'],
    ['--hash-algorithm', 'blake2b'],
    ['--hash-algorithm', 'blake3'],
    ['--serialization', 'shards', '--shard_size', '16', '--hash_algorithm', 'blake2b'],
    ['--serialization', 'shards', '--shard-size', '32', '--hash-algorithm', 'blake3'],
  ];
  // Shard manifests cannot record the empty sub/empty (OMS omits empty files): signing refuses, naming it,
  // unless it is excluded.
  const refused = runCli(['sign', 'key', m, '--private-key', KEY(), '--signature', join(d, 'refused.sig'), ...combos[0]]);
  assert.equal(refused.status, 1, refused.stderr);
  assert.match(refused.stderr, /^Signing failed with error: cannot sign with shard serialization: 'sub\/empty' is empty/);
  for (const [i, flags] of combos.entries()) {
    const sig = join(d, `s${i}.sig`);
    const exclude = flags.includes('shards') ? ['--ignore-paths', join(m, 'sub', 'empty')] : [];
    expectOk(runCli(['sign', 'key', m, '--private-key', KEY(), '--signature', sig, ...flags, ...exclude]), 'Signing succeeded');
    const ser = statementOf(sig).predicate.serialization;
    if (flags.includes('shards')) {
      assert.equal(ser.method, 'shards');
      assert.equal(typeof ser.shard_size, 'number');
      assert.ok(statementOf(sig).predicate.resources.some((r) => r.name === 'weights.bin:0:' + ser.shard_size));
    }
    expectOk(runCli(['verify', 'key', m, '--signature', sig, '--public-key', PUB()]), 'Verification succeeded');
    // Tampering is still caught in that mode.
    const p = join(m, 'weights.bin');
    const orig = readFileSync(p);
    const changed = Buffer.from(orig);
    changed[99] ^= 1;
    writeFileSync(p, changed);
    expectFail(runCli(['verify', 'key', m, '--signature', sig, '--public-key', PUB()]), 'Verification', /digest mismatch.*weights\.bin/);
    writeFileSync(p, orig);
  }
});

test('signing twice gives the same payload bytes', { skip }, (t) => {
  const { d, m } = model(t);
  const a = join(d, 'a.sig');
  const b = join(d, 'b.sig');
  expectOk(runCli(['sign', 'key', m, '--private-key', KEY(), '--signature', a]), 'Signing succeeded');
  expectOk(runCli(['sign', 'key', m, '--private-key', KEY(), '--signature', b]), 'Signing succeeded');
  assert.ok(payloadOf(a).equals(payloadOf(b)));
});

test('a signature inside the model (default model.sig in CWD) is excluded, and verification from inside works', { skip }, (t) => {
  const { m } = model(t);
  expectOk(runCli(['sign', 'key', '.', '--private-key', KEY()], { cwd: m }), 'Signing succeeded');
  assert.ok(existsSync(join(m, 'model.sig')));
  const st = statementOf(join(m, 'model.sig'));
  assert.ok(!st.predicate.resources.some((r) => r.name === 'model.sig'));
  assert.ok(st.predicate.serialization.ignore_paths.includes('model.sig'));
  expectOk(runCli(['verify', 'key', '.', '--signature', 'model.sig', '--public-key', PUB()], { cwd: m }), 'Verification succeeded');
  // Re-signing over the existing signature works and still excludes it.
  expectOk(runCli(['sign', 'key', '.', '--private-key', KEY()], { cwd: m }), 'Signing succeeded');
  expectOk(runCli(['verify', 'key', '.', '--signature', 'model.sig', '--public-key', PUB()], { cwd: m }), 'Verification succeeded');
});

test('failed signing leaves no file and keeps an existing signature intact', { skip }, (t) => {
  const { d, m } = model(t);
  const sig = join(d, 'model.sig');
  expectFail(runCli(['sign', 'key', m, '--private-key', join(d, 'missing.pem'), '--signature', sig]), 'Signing', /missing\.pem/);
  assert.ok(!existsSync(sig));
  expectOk(runCli(['sign', 'key', m, '--private-key', KEY(), '--signature', sig]), 'Signing succeeded');
  const before = readFileSync(sig);
  expectFail(runCli(['sign', 'key', join(d, 'no-such-model'), '--private-key', KEY(), '--signature', sig]), 'Signing', /no-such-model/);
  assert.ok(readFileSync(sig).equals(before));
  assert.deepEqual(readdirSync(d).sort(), ['model.sig', 'my-model']);
  // A non-signature file is never overwritten.
  const precious = join(d, 'notes.txt');
  writeFileSync(precious, 'keep me');
  expectFail(runCli(['sign', 'key', m, '--private-key', KEY(), '--signature', precious]), 'Signing', /refusing to overwrite/);
  assert.equal(readFileSync(precious, 'utf8'), 'keep me');
});

test('--password-file unlocks an encrypted PKCS #8 key; a wrong or missing password fails', { skip }, (t) => {
  const { d, m } = model(t);
  const enc = join(d, 'enc.pem');
  execFileSync('openssl', ['pkcs8', '-topk8', '-in', KEY(), '-v2', 'aes-256-cbc', '-passout', 'pass:s3cret', '-out', enc]);
  const pw = join(d, 'pw');
  writeFileSync(pw, 's3cret\n');
  const wrong = join(d, 'wrong');
  writeFileSync(wrong, 'wrong\n');
  const sig = join(d, 'model.sig');
  expectOk(runCli(['sign', 'key', m, '--private-key', enc, '--password-file', pw, '--signature', sig]), 'Signing succeeded');
  expectOk(runCli(['verify', 'key', m, '--signature', sig, '--public-key', PUB()]), 'Verification succeeded');
  expectFail(runCli(['sign', 'key', m, '--private-key', enc, '--password-file', wrong, '--signature', join(d, 'x.sig')]), 'Signing', /password|decrypt/i);
  expectFail(runCli(['sign', 'key', m, '--private-key', enc, '--signature', join(d, 'y.sig')], { env: { MODEL_SIGNING_PASSWORD: '' } }), 'Signing', /password|encrypted/i);
  expectOk(runCli(['sign', 'certificate', m, '--private-key', enc, '--password-file', pw, '--signing-certificate', CERT(), '--signature', join(d, 'c.sig')]), 'Signing succeeded');
});

test('bad inputs: one-line error, exit 1, no stack trace', { skip }, (t) => {
  const { d, m } = model(t);
  const sig = join(d, 'model.sig');
  expectOk(runCli(['sign', 'key', m, '--private-key', KEY(), '--signature', sig]), 'Signing succeeded');
  const garbage = join(d, 'garbage.pem');
  writeFileSync(garbage, '-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n');
  const ed = join(d, 'ed.pem');
  execFileSync('openssl', ['genpkey', '-algorithm', 'ed25519', '-out', ed]);
  const edPub = join(d, 'ed-pub.pem');
  execFileSync('openssl', ['pkey', '-in', ed, '-pubout', '-out', edPub]);
  expectFail(runCli(['sign', 'key', m, '--private-key', join(d, 'nope.pem'), '--signature', join(d, 'a.sig')]), 'Signing', /nope\.pem/);
  expectFail(runCli(['sign', 'key', m, '--private-key', garbage, '--signature', join(d, 'a.sig')]), 'Signing', /garbage\.pem|key/i);
  expectFail(runCli(['sign', 'key', m, '--private-key', ed, '--signature', join(d, 'a.sig')]), 'Signing', /EC|ed25519/i);
  expectFail(runCli(['verify', 'key', m, '--signature', sig, '--public-key', edPub]), 'Verification', /EC|ed25519/i);
  expectFail(runCli(['verify', 'key', m, '--signature', sig, '--public-key', join(d, 'nope.pem')]), 'Verification', /nope\.pem/);
  expectFail(runCli(['verify', 'key', m, '--signature', join(d, 'nope.sig'), '--public-key', PUB()]), 'Verification', /does not exist/);
  const bad = join(d, 'bad.sig');
  for (const [content, re] of [['', /is empty/], ['not json', /not valid JSON/], [readFileSync(sig, 'utf8').slice(0, 50), /not valid JSON/], ['{"mediaType":"text/plain"}', /media type 'text\/plain'/]]) {
    writeFileSync(bad, content);
    expectFail(runCli(['verify', 'key', m, '--signature', bad, '--public-key', PUB()]), 'Verification', re);
  }
  // A key bundle given to the certificate verifier says which method to use.
  expectFail(runCli(['verify', 'certificate', m, '--signature', sig, '--certificate-chain', CA()]), 'Verification', /'key' method/);
});

test('usage errors exit 2 (unknown flag, missing required flag); a bad shard size exits 1', { skip }, (t) => {
  const { d, m } = model(t);
  assert.equal(runCli(['sign', 'key', m, '--private-key', KEY(), '--no-such-flag']).status, 2);
  assert.equal(runCli(['verify', 'key', m, '--public-key', PUB()]).status, 2, 'missing --signature');
  assert.equal(runCli(['sign', 'key', m]).status, 2, 'missing --private-key');
  const r = runCli(['sign', 'key', m, '--private-key', KEY(), '--signature', join(d, 's.sig'), '--serialization', 'shards', '--shard-size', '0']);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /--shard-size must be a positive integer, got '0'/);
  assert.ok(!existsSync(join(d, 's.sig')), 'nothing written');
});

test('--json on sign and on a failed verification prints a structured result', { skip }, (t) => {
  const { d, m } = model(t);
  const sig = join(d, 'model.sig');
  const s = runCli(['sign', 'key', m, '--private-key', KEY(), '--signature', sig, '--json']);
  assert.equal(s.status, 0, s.stderr);
  const sj = JSON.parse(s.stdout);
  assert.equal(sj.ok, true);
  assert.match(sj.rootDigest.sha256, /^[0-9a-f]{64}$/);
  writeFileSync(join(m, 'config.json'), 'changed');
  mkdirSync(join(m, 'new'));
  writeFileSync(join(m, 'new', 'file'), 'x');
  const v = runCli(['verify', 'key', m, '--signature', sig, '--public-key', PUB(), '--json']);
  assert.equal(v.status, 1);
  const vj = JSON.parse(v.stdout);
  assert.equal(vj.ok, false);
  assert.equal(vj.error.code, 'MISMATCH');
  assert.deepEqual(vj.extraFiles, ['new/file']);
  assert.equal(vj.mismatches[0].name, 'config.json');
  assert.equal(vj.mismatches[0].expected, sha256hex('{"layers": 2}'));
  assert.equal(vj.mismatches[0].actual, sha256hex('changed'));
});

test('inspect shows the claims, clearly marked as not verified', { skip }, (t) => {
  const { d, m } = model(t);
  const sig = join(d, 'model.sig');
  expectOk(runCli(['sign', 'certificate', m, '--private-key', KEY(), '--signing-certificate', CERT(), '--certificate-chain', INT(), '--signature', sig]), 'Signing succeeded');
  const r = runCli(['inspect', sig]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^NOT VERIFIED/);
  assert.match(r.stdout, /method: certificate/);
  assert.match(r.stdout, /model_name: my-model/);
  assert.match(r.stdout, /resource_count: 4/);
  const j = JSON.parse(runCli(['inspect', sig, '--json']).stdout);
  assert.equal(j.verified, false);
  assert.equal(j.statement.fileCount, 4);
  assert.equal(j.signer.certificates.length, 2);
  assert.equal(runCli(['inspect', join(d, 'missing.sig')]).status, 1);
});

test('`sign MODEL` without a method is the sigstore method (as in the reference)', { skip }, (t) => {
  const { d, m } = model(t);
  const r = runCli(['sign', m, '--trust_config', join(d, 'missing-trust.json'), '--signature', join(d, 's.sig')]);
  expectFail(r, 'Signing', /trust config/i);
  assert.ok(!existsSync(join(d, 's.sig')));
});
