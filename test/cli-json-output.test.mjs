// Every command's --json output, success and failure, against the published schema
// (schemas/cli-output.schema.json): one envelope, ISO 8601 UTC dates, error {code, message}.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { runCli, tempDir, repoRoot, vectorsDir } from './support/cli.mjs';
import { writeTree, sha256hex } from './support/flow-helpers.mjs';

const schema = JSON.parse(readFileSync(join(repoRoot, 'schemas', 'cli-output.schema.json'), 'utf8'));
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
const mt = join(vectorsDir, 'model-transparency');
const noVectors = existsSync(mt) ? false : 'the shared vectors (../shared/vectors) are not present';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** Runs the CLI, parses stdout as one JSON document and checks it against the schema. */
function json(args, status) {
  const r = runCli(args);
  assert.equal(r.status, status, `${args.join(' ')}: ${r.stderr}`);
  let doc;
  assert.doesNotThrow(() => (doc = JSON.parse(r.stdout)), `stdout is one JSON document: ${r.stdout}`);
  assert.ok(validate(doc), `${args[0]} output violates the schema: ${JSON.stringify(validate.errors)}\n${r.stdout}`);
  assert.equal(doc.schemaVersion, 1);
  assert.equal(doc.ok, status === 0);
  return doc;
}

function setup(t) {
  const d = tempDir(t);
  const m = writeTree(join(d, 'model'), { 'a.bin': 'alpha', 'sub/b.txt': 'beta' });
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(join(d, 'key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(join(d, 'pub.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
  return { d, m, key: join(d, 'key.pem'), pub: join(d, 'pub.pem'), sig: join(d, 'model.sig') };
}

test('the schema rejects documents that break the contract', () => {
  assert.equal(validate({ schemaVersion: 1, command: 'digest', ok: false }), false, 'a failure needs error');
  assert.equal(validate({ schemaVersion: 2, command: 'digest', ok: false, error: { code: 'IO', message: 'x' } }), false);
  assert.equal(validate({ schemaVersion: 1, command: 'digest', ok: true, error: { code: 'IO', message: 'x' } }), false, 'no error on success');
  assert.equal(validate({ schemaVersion: 1, command: 'digest', ok: true }), false, 'digest needs its fields');
});

test('digest --json: success and failure share the envelope', (t) => {
  const { d, m } = setup(t);
  const ok = json(['digest', m, '--json'], 0);
  assert.equal(ok.command, 'digest');
  assert.equal(ok.compat, 'spec');
  assert.deepEqual(ok.resources.map((r) => [r.name, r.digest]), [['a.bin', sha256hex('alpha')], ['sub/b.txt', sha256hex('beta')]]);
  const bad = json(['digest', join(d, 'nope'), '--json'], 1);
  assert.deepEqual(Object.keys(bad.error), ['code', 'message']);
  assert.equal(bad.error.code, 'IO');
  assert.match(bad.error.message, /does not exist/);
});

test('sign and verify --json: success, mismatch and error', (t) => {
  const { d, m, key, pub, sig } = setup(t);
  const s = json(['sign', 'key', m, '--private-key', key, '--signature', sig, '--json'], 0);
  assert.equal(s.command, 'sign');
  assert.equal(s.signature, sig);
  assert.equal(s.resourceCount, 2);
  const v = json(['verify', 'key', m, '--public-key', pub, '--signature', sig, '--json'], 0);
  assert.equal(v.command, 'verify');
  assert.deepEqual(v.resources.map((r) => r.name), ['a.bin', 'sub/b.txt'], 'verify lists the signed resources');
  assert.equal(v.resources[0].digest, sha256hex('alpha'));
  assert.equal(v.rootDigest.sha256, s.rootDigest.sha256);

  writeFileSync(join(m, 'a.bin'), 'changed');
  const mm = json(['verify', 'key', m, '--public-key', pub, '--signature', sig, '--json'], 1);
  assert.equal(mm.error.code, 'MISMATCH');
  assert.equal(mm.mismatches[0].actual, sha256hex('changed'));

  const e = json(['verify', 'key', m, '--public-key', key, '--signature', join(d, 'missing.sig'), '--json'], 1);
  assert.equal(e.command, 'verify');
  assert.ok(e.error.code.length > 0);
  const se = json(['sign', 'key', m, '--private-key', join(d, 'no-key.pem'), '--signature', join(d, 'x.sig'), '--json'], 1);
  assert.equal(se.command, 'sign');
  assert.match(se.error.message, /no-key\.pem/);
});

test('inspect --json, --files and failures', (t) => {
  const { d, m, key, sig } = setup(t);
  json(['sign', 'key', m, '--private-key', key, '--signature', sig, '--json'], 0);
  const i = json(['inspect', sig, '--json'], 0);
  assert.equal(i.command, 'inspect');
  assert.equal(i.verified, false);
  assert.equal(i.statement.resources, undefined, 'resources only with --files');
  assert.deepEqual(i.timestamps, []);
  const f = json(['inspect', sig, '--json', '--files'], 0);
  assert.deepEqual(f.statement.resources.map((r) => [r.name, r.algorithm, r.digest]), [
    ['a.bin', 'sha256', sha256hex('alpha')],
    ['sub/b.txt', 'sha256', sha256hex('beta')],
  ]);
  const text = runCli(['inspect', sig, '--files']);
  assert.match(text.stdout, new RegExp(`sub/b\\.txt  sha256:${sha256hex('beta')}`));
  writeFileSync(join(d, 'junk.sig'), '{');
  const bad = json(['inspect', join(d, 'junk.sig'), '--json'], 1);
  assert.equal(bad.error.code, 'BUNDLE');
});

test('inspect --json: certificate and Sigstore dates are ISO 8601 UTC', { skip: noVectors }, () => {
  const c = json(['inspect', join(mt, 'v1.1.0-certificate', 'model.sig'), '--json'], 0);
  for (const cert of c.signer.certificates) {
    assert.match(cert.notBefore, ISO);
    assert.match(cert.notAfter, ISO);
  }
  const s = json(['inspect', join(mt, 'v1.1.0-sigstore', 'model.sig'), '--json', '--files'], 0);
  assert.match(s.signer.notBefore, ISO);
  assert.match(s.timestamps[0].time, ISO);
  assert.equal(s.statement.resources.length, 2);
});

test('a command line that cannot be parsed still gets the envelope with --json (exit 2, code USAGE)', (t) => {
  const { m } = setup(t);
  const doc = json(['digest', m, '--json', '--no-such-flag'], 2);
  assert.equal(doc.error.code, 'USAGE');
  assert.match(doc.error.message, /unknown option '--no-such-flag'/);
  const v = json(['verify', 'key', m, '--json'], 2);
  assert.equal(v.command, 'verify');
  assert.match(v.error.message, /--signature|--public-key/);
});

test('verify sigstore --json: the verified identity and issuer', { skip: noVectors }, () => {
  const v = join(mt, 'v1.1.0-sigstore');
  const doc = json(['verify', 'sigstore', v, '--signature', join(v, 'model.sig'), '--identity', 'stefanb@us.ibm.com', '--identity-provider', 'https://sigstore.verify.ibm.com/oauth2', '--offline', '--json'], 0);
  assert.equal(doc.signer.method, 'sigstore');
  assert.equal(doc.signer.identity, 'stefanb@us.ibm.com');
  assert.equal(doc.signer.issuer, 'https://sigstore.verify.ibm.com/oauth2');
  assert.equal(doc.resources.length, 2);
});
