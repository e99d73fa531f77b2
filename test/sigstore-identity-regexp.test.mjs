// `verify sigstore --identity-regexp / --identity-provider-regexp`: patterns match the WHOLE value
// (anchored at both ends), on real signatures from the loopback Sigstore stand-in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStandin } from './support/sigstore-standin.mjs';
import { runCliAsync } from './support/sigstore-cli.mjs';
import { valueMatcher } from '../dist/verifiers/identity-match.js';

let s;
let dir;
let model;
let tc;
let env;
const sig = (name) => join(dir, `${name}.sig`);

before(async () => {
  s = await startStandin();
  dir = mkdtempSync(join(tmpdir(), 'ms-identity-re-'));
  model = join(dir, 'model');
  mkdirSync(model);
  writeFileSync(join(model, 'weights.bin'), 'w');
  tc = join(dir, 'tc.json');
  writeFileSync(tc, JSON.stringify(s.trustConfig({ rekor: 1 })));
  env = { SIGSTORE_ID_TOKEN: '', ACTIONS_ID_TOKEN_REQUEST_URL: '', ACTIONS_ID_TOKEN_REQUEST_TOKEN: '', GITHUB_ACTIONS: '', XDG_CACHE_HOME: join(dir, 'cache') };
  for (const email of ['alice@example.com', 'malice@example.com', 'alice@example.com.evil']) {
    const token = await s.mintToken({ email, email_verified: true });
    const r = await runCliAsync(['sign', 'sigstore', model, '--identity-token', token, '--trust-config', tc, '--signature', sig(email)], { env });
    assert.equal(r.status, 0, r.stderr);
  }
});
after(async () => {
  await s?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const verify = (name, flags) => runCliAsync(['verify', 'sigstore', model, '--signature', sig(name), '--trust-config', tc, ...flags], { env });

test('the matcher: exact by default, patterns anchored at both ends', () => {
  const exact = valueMatcher('identity', 'alice@example.com', undefined);
  assert.equal(exact.matches('alice@example.com'), true);
  assert.equal(exact.matches('Alice@example.com'), false);
  const re = valueMatcher('identity', undefined, 'alice@example.com');
  assert.equal(re.matches('alice@example.com'), true);
  assert.equal(re.matches('alice@example.com.evil'), false);
  assert.equal(re.matches('malice@example.com'), false);
  assert.equal(re.matches(undefined), false);
  // An alternation cannot escape the anchors.
  assert.equal(valueMatcher('identity', undefined, 'x|.*').matches('anything'), true);
  assert.equal(valueMatcher('identity', undefined, 'a|b').matches('ab'), false);
  assert.throws(() => valueMatcher('identity', undefined, '('), (e) => e.code === 'USAGE' && /not a valid regular expression/.test(e.message));
  assert.throws(() => valueMatcher('identity', 'a', 'b'), /not both/);
});

test('--identity-regexp accepts the whole identity and refuses look-alikes', async () => {
  const issuer = ['--identity-provider', s.issuer];
  const ok = await verify('alice@example.com', ['--identity-regexp', 'alice@example\\.com', ...issuer]);
  assert.equal(ok.status, 0, ok.stderr);
  const domain = await verify('alice@example.com', ['--identity-regexp', '.*@example\\.com', ...issuer]);
  assert.equal(domain.status, 0, domain.stderr);
  for (const lookalike of ['malice@example.com', 'alice@example.com.evil']) {
    const bad = await verify(lookalike, ['--identity-regexp', 'alice@example.com', ...issuer]);
    assert.equal(bad.status, 1, lookalike);
    assert.match(bad.stderr, new RegExp(`issued to '${lookalike.replace(/\./g, '\\.')}', not to the expected identity pattern /\\^\\(\\?:alice@example\\.com\\)\\$/u`));
  }
});

test('--identity-provider-regexp is anchored too', async () => {
  const base = ['--identity', 'alice@example.com'];
  const host = s.issuer.replace(/^http:\/\//, '').replace(/[.]/g, '\\.');
  const ok = await verify('alice@example.com', [...base, '--identity-provider-regexp', `http://${host}`]);
  assert.equal(ok.status, 0, ok.stderr);
  const prefix = await verify('alice@example.com', [...base, '--identity-provider-regexp', 'http://127\\.0\\.0\\.1']);
  assert.equal(prefix.status, 1);
  assert.match(prefix.stderr, /not by the expected pattern/);
});

test('usage errors: invalid pattern, both forms, neither', async () => {
  const invalid = await verify('alice@example.com', ['--identity-regexp', '(unclosed', '--identity-provider', s.issuer]);
  assert.equal(invalid.status, 2);
  assert.match(invalid.stderr, /--identity-regexp '\(unclosed' is not a valid regular expression/);
  const both = await verify('alice@example.com', ['--identity', 'a', '--identity-regexp', 'a', '--identity-provider', s.issuer]);
  assert.equal(both.status, 2);
  assert.match(both.stderr, /cannot be used with/);
  const neither = await verify('alice@example.com', ['--identity-provider', s.issuer]);
  assert.equal(neither.status, 2);
  assert.match(neither.stderr, /--identity <identity>' \(or --identity-regexp\)/);
});
