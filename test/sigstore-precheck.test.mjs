// Keyless signing checks everything checkable BEFORE hashing (token, signing config, reachability of
// Fulcio/Rekor/TSA, the sign-in itself), and renews an interactive token that expired while hashing.
// "Before hashing" is observable: the model holds a symlink, which hashing refuses; a pre-check
// failure must be reported instead of that.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, mkdirSync, rmSync, symlinkSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStandin } from './support/sigstore-standin.mjs';
import { runCliAsync } from './support/sigstore-cli.mjs';
import { createSigstoreSigner } from '../dist/signers/sigstore.js';
import { createSigstoreVerifier } from '../dist/verifiers/sigstore.js';

let s;
let dir;
let model;
let tc;
let env;
const PAYLOAD = Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [] }));

before(async () => {
  s = await startStandin();
  dir = mkdtempSync(join(tmpdir(), 'ms-precheck-'));
  model = join(dir, 'model');
  mkdirSync(model);
  writeFileSync(join(model, 'weights.bin'), 'w');
  symlinkSync(join(model, 'weights.bin'), join(model, 'link')); // hashing refuses it (no --allow-symlinks)
  tc = join(dir, 'tc.json');
  writeFileSync(tc, JSON.stringify(s.trustConfig({ rekor: 1 })));
  env = { SIGSTORE_ID_TOKEN: '', ACTIONS_ID_TOKEN_REQUEST_URL: '', ACTIONS_ID_TOKEN_REQUEST_TOKEN: '', GITHUB_ACTIONS: '', XDG_CACHE_HOME: join(dir, 'cache'), HTTPS_PROXY: '', HTTP_PROXY: '', https_proxy: '', http_proxy: '' };
});
after(async () => {
  await s?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const sign = (name, args) => runCliAsync(['sign', 'sigstore', model, '--signature', join(dir, `${name}.sig`), ...args], { env });
const HASHED = /because it is a symlink/;

test('a bad or expired --identity-token fails before hashing', async () => {
  for (const [tokenValue, re] of [['not-a-jwt', /not a JWT/], [await s.mintToken({ email: 'a@example.com', email_verified: true }, { expiresIn: -60 }), /expired at/], [await s.mintToken({ email: 'a@example.com' }), /did not verify it/]]) {
    const r = await sign('bad-token', ['--identity-token', tokenValue, '--trust-config', tc]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, re);
    assert.doesNotMatch(r.stderr, HASHED, 'the model was not hashed first');
  }
});

test('a bad trust config or an unreachable Fulcio fails before hashing and before any sign-in', async () => {
  const missing = await sign('no-tc', ['--trust-config', join(dir, 'missing.json')]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /missing\.json/);
  assert.doesNotMatch(missing.stderr, HASHED);

  const dead = join(dir, 'dead-fulcio.json');
  writeFileSync(dead, JSON.stringify(s.trustConfig({ overrides: { fulcio: 'http://127.0.0.1:9' } })));
  const authorize = s.hits['GET /oidc/auth'] ?? 0;
  const r = await sign('dead', ['--trust-config', dead]); // no token: would sign in interactively
  assert.equal(r.status, 1);
  assert.match(r.stderr, /cannot reach Fulcio at http:\/\/127\.0\.0\.1:9: .*ECONNREFUSED/);
  assert.doesNotMatch(r.stderr, /Go to the following link|Your browser was opened/, 'no sign-in was started');
  assert.doesNotMatch(r.stderr, HASHED);
  assert.equal(s.hits['GET /oidc/auth'] ?? 0, authorize);
  assert.ok(!existsSync(join(dir, 'dead.sig')));
});

test('the identity is obtained before hashing: a good token on a refused model never reaches Fulcio', async () => {
  const certs = s.hits['POST /api/v2/signingCert'] ?? 0;
  const r = await sign('good-token', ['--identity-token', await s.mintToken({ email: 'a@example.com', email_verified: true }), '--trust-config', tc]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /signing as a@example\.com[^\n]*\n(.|\n)*because it is a symlink/, 'identity first, then hashing');
  assert.equal(s.hits['POST /api/v2/signingCert'] ?? 0, certs);
});

test('an --identity-token that expires while hashing is refused with a clear message', async () => {
  let offset = 0;
  const signer = createSigstoreSigner({ identityToken: await s.mintToken({ email: 'a@example.com', email_verified: true }, { expiresIn: 120 }), trustConfig: tc, clock: () => Date.now() + offset });
  await signer.prepare();
  offset = 110_000; // "hashing" took almost two minutes
  await assert.rejects(signer.sign(PAYLOAD), (e) => e.code === 'SIGNING' && /--identity-token expires at .*while the model was being hashed/.test(e.message));
});

test('an interactive token that expires while hashing is renewed after hashing', async () => {
  let offset = 0;
  let shown = 0;
  const notices = [];
  const signer = createSigstoreSigner({
    trustConfig: tc,
    openBrowser: async () => false,
    onAuthUrl: (url) => {
      shown++;
      fetch(url).then((r) => r.text()); // play the browser: the stand-in approves at once
    },
    onNotice: (m) => notices.push(m),
    clock: () => Date.now() + offset,
  });
  await signer.prepare();
  assert.equal(shown, 1, 'signed in before hashing');
  offset = 3_600_000;
  const bundle = await signer.sign(PAYLOAD);
  assert.equal(shown, 2, 'signed in again after hashing');
  assert.ok(notices.some((n) => /expired at .*getting a fresh one/.test(n)), notices.join('\n'));
  const v = await createSigstoreVerifier({ identity: 'alice@example.com', oidcIssuer: s.issuer, trustConfig: tc }).verify(bundle);
  assert.equal(v.signer.identity, 'alice@example.com');
});
