// --log-level debug: what a person debugging needs (trust root and where it came from, exclusions and why,
// workers, chunk size, timings, the Sigstore URLs contacted), on stderr only, and never a secret: identity
// tokens, PKCS #11 PINs and key passwords do not appear whatever the source.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/cli.mjs';
import { runCliAsync } from './support/sigstore-cli.mjs';
import { startStandin } from './support/sigstore-standin.mjs';
import { SoftHsmToken, softhsmSkipReason } from './support/softhsm-token.mjs';

const { redact } = await import('../dist/debug-log.js');

const PASSWORD = 'pw-Secret-7Qx2';
let dir;
let model;
let encKey;
let pubKey;
let s;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ms-debug-'));
  model = join(dir, 'model');
  mkdirSync(join(model, '.git'), { recursive: true });
  mkdirSync(join(model, 'logs'));
  writeFileSync(join(model, '.git', 'HEAD'), 'ref');
  writeFileSync(join(model, 'logs', 'run.txt'), 'log');
  writeFileSync(join(model, 'w.bin'), 'weights');
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  encKey = join(dir, 'enc.pem');
  writeFileSync(encKey, pair.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: PASSWORD }));
  pubKey = join(dir, 'pub.pem');
  writeFileSync(pubKey, pair.publicKey.export({ type: 'spki', format: 'pem' }));
  s = await startStandin();
});
after(async () => {
  await s?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('key signing at debug level: exclusions with reasons, workers, chunk size, timings, on stderr only; info level prints none of it', () => {
  const sig = join(dir, 'key.sig');
  const args = ['sign', 'key', '--private-key', encKey, '--password-file', writePw(), '--signature', sig, '--ignore-paths', join(model, 'logs'), model];
  const r = runCli(['--log-level', 'debug', ...args]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'Signing succeeded\n');
  assert.match(r.stderr, /^debug: key: password from the file '/m);
  assert.match(r.stderr, /^debug: walk: excluded '\.git': a git path \(--no-ignore-git-paths keeps it\)$/m);
  assert.match(r.stderr, /^debug: walk: excluded 'logs': an ignore path$/m);
  assert.match(r.stderr, /^debug: walk: 1 file\(s\) in [\d.]+ ms$/m);
  assert.match(r.stderr, /^debug: hash: 1 (?:task\(s\), 7 bytes: |listed file\(s\): stat'ed and )hashed on the main thread \(chunk size \d+ bytes\)$/m);
  assert.match(r.stderr, /^debug: hash: 1 digest\(s\), files serialization, sha256, in [\d.]+ ms$/m);
  assert.match(r.stderr, /^debug: sign: statement of \d+ bytes signed in [\d.]+ ms$/m);
  const quiet = runCli(args);
  assert.equal(quiet.status, 0);
  assert.equal(quiet.stderr, '');
  const v = runCli(['verify', 'key', '--public-key', pubKey, '--signature', sig, '--ignore-paths', join(model, 'logs'), model], { env: { MODEL_SIGNING_LOG_LEVEL: 'debug' } });
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stderr, /^debug: verify: signature verified in [\d.]+ ms: signed by EC P-256 public key [0-9a-f]{64}$/m);
  const c = runCli(['--log-level', 'debug', 'verify', 'certificate', '--signature', sig, model]);
  assert.equal(c.status, 1);
  assert.match(c.stderr, /^debug: trust: trust anchors: Node's bundled root store \(\d+ certificates\)$/m);
});

test('hashing on several threads logs their number and the chunk size', (t) => {
  const big = join(dir, 'many');
  mkdirSync(big);
  for (let i = 0; i < 600; i++) writeFileSync(join(big, `f${i}`), String(i));
  const r = runCli(['--log-level', 'debug', 'digest', '--max-workers', '2', big]);
  assert.equal(r.status, 0, r.stderr);
  // Listed files: the calling thread is one of the two hashing threads.
  assert.match(r.stderr, /^debug: hash: 600 listed file\(s\): stat'ed and hashed on the calling thread and up to 1 worker thread\(s\), chunk size \d+ bytes, sha256$/m);
});

function writePw() {
  const p = join(dir, 'pw');
  writeFileSync(p, `${PASSWORD}\n`);
  return p;
}

test('a key password never appears in debug output, from any source', () => {
  const runs = [
    runCli(['--log-level', 'debug', 'sign', 'key', '--private-key', encKey, '--password', PASSWORD, '--signature', join(dir, 'a.sig'), model]),
    runCli(['--log-level', 'debug', 'sign', 'key', '--private-key', encKey, '--password-file', writePw(), '--signature', join(dir, 'b.sig'), model]),
    runCli(['--log-level', 'debug', 'sign', 'key', '--private-key', encKey, '--signature', join(dir, 'c.sig'), model], { env: { MODEL_SIGNING_PASSWORD: PASSWORD } }),
    runCli(['--log-level', 'debug', 'sign', 'key', '--private-key', encKey, '--password', 'not-it-9Zq', '--signature', join(dir, 'd.sig'), model]),
  ];
  for (const r of runs) {
    assert.match(r.stderr, /^debug: /m);
    assert.ok(!(r.stdout + r.stderr).includes(PASSWORD), r.stderr);
    assert.ok(!(r.stdout + r.stderr).includes('not-it-9Zq'), r.stderr);
  }
  assert.equal(runs[3].status, 1);
});

test('keyless signing at debug level names the trust source and every service URL, never the identity token', async () => {
  const tc = join(dir, 'tc.json');
  writeFileSync(tc, JSON.stringify(s.trustConfig({ rekor: 1 })));
  const token = await s.mintToken({ email: 'alice@example.com', email_verified: true });
  const env = { SIGSTORE_ID_TOKEN: '', ACTIONS_ID_TOKEN_REQUEST_URL: '', ACTIONS_ID_TOKEN_REQUEST_TOKEN: '', GITHUB_ACTIONS: '', XDG_CACHE_HOME: join(dir, 'cache') };
  const sig = join(dir, 'keyless.sig');
  const r = await runCliAsync(['--log-level', 'debug', 'sign', 'sigstore', '--identity-token', token, '--trust-config', tc, '--signature', sig, model], { env });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`^debug: trust: signing config: from the trust config '${tc.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}'$`, 'm'));
  assert.match(r.stderr, /^debug: sigstore: services: Fulcio http:\/\/127\.0\.0\.1:\d+\S*, Rekor v1 http:\/\/127\.0\.0\.1:\d+\S*, /m);
  assert.match(r.stderr, /^debug: sigstore: identity token from --identity-token; asking Fulcio at http:\/\/127\.0\.0\.1/m);
  for (const part of token.split('.')) assert.ok(!r.stderr.includes(part), 'no part of the token is printed');
  const v = await runCliAsync(
    ['--log-level', 'debug', 'verify', 'sigstore', '--identity', 'alice@example.com', '--identity-provider', s.issuer, '--trust-config', tc, '--signature', sig, model],
    { env },
  );
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stderr, /^debug: trust: trusted root: from the trust config '/m);
  assert.match(v.stderr, /^debug: sigstore: verifying the bundle against a trusted root with 1 CA\(s\), 1 transparency log\(s\)/m);
});

test('a PKCS #11 PIN (pin-value) never appears in debug output', { skip: softhsmSkipReason() ?? false }, () => {
  const pin = 'pin-Zq83xK';
  const token = new SoftHsmToken({ label: 'debug-token', pin });
  try {
    token.keygen({ keyType: 'EC:prime256v1', label: 'k', id: '01' });
    const r = runCli(['--log-level', 'debug', 'sign', 'pkcs11-key', '--pkcs11-uri', token.uri({ object: 'k' }), '--signature', join(dir, 'p11.sig'), model], { env: token.env });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^debug: /m);
    assert.ok(!r.stdout.includes(pin));
    assert.match(r.stderr, /^debug: pkcs11: module \S+; token 'debug-token', object 'k'; PIN from pin-value$/m);
    // The pin-value warning names the parameter, not its value.
    assert.match(r.stderr, /^warning: the PIN in pin-value is visible to other users of this machine \(process list, shell history\); prefer pin-source=<file>$/m);
    assert.ok(!r.stderr.includes(pin), r.stderr);
  } finally {
    token.cleanup();
  }
});

test('redact blanks token-like text a message might carry by mistake', () => {
  assert.equal(redact('got eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl from x'), 'got [redacted token] from x');
  assert.equal(redact('GET https://h/cb?code=abc123&state=s'), 'GET https://h/cb?code=[redacted]&state=s');
  assert.equal(redact('pkcs11:token=t?pin-value=1234&module-name=m'), 'pkcs11:token=t?pin-value=[redacted]&module-name=m');
  assert.equal(redact('nothing secret here'), 'nothing secret here');
});
