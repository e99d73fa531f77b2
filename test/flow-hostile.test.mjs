// Validly signed but hostile manifests (crafted payloads signed with a real key) are rejected by
// validation, before any file outside the model is read, with and without --ignore-unsigned-files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, repoRoot } from './support/cli.mjs';
import { haveVectors, NO_VECTORS, pki, craftStatement, signPayloadToFile, sha256hex } from './support/flow-helpers.mjs';

const skip = haveVectors ? false : NO_VECTORS;
const PUB = () => join(pki, 'signing-key-pub.pem');

function setup(t) {
  const d = tempDir(t);
  const m = join(d, 'model');
  mkdirSync(m);
  writeFileSync(join(m, 'a'), 'A');
  // A secret outside the model, listed with its true digest so only validation can stop it.
  const secret = join(d, 'secret');
  writeFileSync(secret, 'outside');
  return { d, m, secret };
}

const res = (name, content) => ({ name, algorithm: 'sha256', digest: sha256hex(content) });

async function verifyCrafted(t, statement, re) {
  const { d, m } = setup(t);
  const sig = await signPayloadToFile(repoRoot, statement, join(d, 'model.sig'));
  for (const extra of [[], ['--ignore-unsigned-files']]) {
    const r = runCli(['verify', 'key', m, '--signature', sig, '--public-key', PUB(), ...extra]);
    assert.equal(r.status, 1, `${extra} ${r.stdout} ${r.stderr}`);
    assert.match(r.stderr.split('\n')[0], /^Verification failed with error: invalid signed statement: /);
    assert.match(r.stderr.split('\n')[0], re);
  }
}

test('a correctly signed crafted payload verifies (the helper is sound)', { skip }, async (t) => {
  const { d, m } = setup(t);
  const sig = await signPayloadToFile(repoRoot, craftStatement([res('a', 'A')]), join(d, 'model.sig'));
  const r = runCli(['verify', 'key', m, '--signature', sig, '--public-key', PUB()]);
  assert.equal(r.status, 0, r.stderr);
});

test('names escaping the model are rejected: ../x, absolute, a//b, backslash', { skip }, async (t) => {
  const { secret } = setup(t);
  await verifyCrafted(t, craftStatement([res('a', 'A'), res('../secret', 'outside')]), /'\.\.' segment/);
  await verifyCrafted(t, craftStatement([res('a', 'A'), res(secret, 'outside')]), /is absolute/);
  await verifyCrafted(t, craftStatement([res('a', 'A'), res('/etc/passwd', readFileSync('/etc/passwd'))]), /is absolute/);
  await verifyCrafted(t, craftStatement([res('a', 'A'), res('b//c', 'x')]), /empty path segment/);
  await verifyCrafted(t, craftStatement([res('a', 'A'), res('..\\secret', 'outside')]), /backslash/);
});

test('duplicates, empty resources and inconsistent roots are rejected', { skip }, async (t) => {
  await verifyCrafted(t, craftStatement([res('a', 'A'), res('a', 'A')]), /listed twice/);
  await verifyCrafted(t, craftStatement([]), /no resources/);
  const st = craftStatement([res('a', 'A')]);
  st.subject[0].digest.sha256 = sha256hex('x');
  await verifyCrafted(t, st, /manifest is inconsistent/);
});

test('bad shard sizes and layouts are rejected', { skip }, async (t) => {
  const sh = (size) => ({ method: 'shards', hash_type: 'sha256', allow_symlinks: false, shard_size: size });
  await verifyCrafted(t, craftStatement([res('a:0:1', 'A')], sh(0)), /shard_size must be positive/);
  await verifyCrafted(t, craftStatement([res('a:0:1', 'A')], sh(-1)), /shard_size must be positive/);
  await verifyCrafted(t, craftStatement([res('a:0:1', 'A')], sh(1.5)), /shard_size must be a positive integer/);
  await verifyCrafted(t, craftStatement([res('a:0:1', 'A')], sh(2 ** 60)), /larger than 2\^53/);
  await verifyCrafted(t, craftStatement([res('a:1:2', 'A')], sh(1)), /not contiguous/);
  await verifyCrafted(t, craftStatement([res('../secret:0:7', 'outside')], sh(8)), /'\.\.' segment/);
});

test('signed ignore paths that escape or glob are rejected', { skip }, async (t) => {
  const ser = (ignore_paths) => ({ method: 'files', hash_type: 'sha256', allow_symlinks: false, ignore_paths });
  await verifyCrafted(t, craftStatement([res('a', 'A')], ser(['../model'])), /ignore_paths entry/);
  await verifyCrafted(t, craftStatement([res('a', 'A')], ser(['*'])), /glob/);
  await verifyCrafted(t, craftStatement([res('a', 'A')], ser(['/'])), /ignore_paths entry/);
});

test('a wrong payload type is rejected', { skip }, async (t) => {
  const { d, m } = setup(t);
  const sig = await signPayloadToFile(repoRoot, craftStatement([res('a', 'A')]), join(d, 'model.sig'));
  const b = JSON.parse(readFileSync(sig, 'utf8'));
  b.dsseEnvelope.payloadType = 'text/plain';
  writeFileSync(sig, JSON.stringify(b));
  const r = runCli(['verify', 'key', m, '--signature', sig, '--public-key', PUB()]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /payload type/);
});
