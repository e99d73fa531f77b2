// Keyless signing end to end against the loopback Sigstore stand-in (real HTTP on 127.0.0.1): Rekor v1 and v2,
// the TSA, identity tokens from every source, exact identity checks, and errors that name the failing service.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStandin } from './support/sigstore-standin.mjs';
import { createSigstoreSigner } from '../dist/signers/sigstore.js';
import { createSigstoreVerifier } from '../dist/verifiers/sigstore.js';
import { selectServices } from '../dist/trust/signing-config.js';
import { checkIdentityToken } from '../dist/oidc/token.js';

let s;
let dir;
const tc = {};
const PAYLOAD = Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [] }));

before(async () => {
  s = await startStandin();
  dir = mkdtempSync(join(tmpdir(), 'ms-sigstore-'));
  for (const [name, o] of Object.entries({ v1: { rekor: 1 }, v2: { rekor: 2, snake: true }, v1NoTsa: { rekor: 1, tsa: false } })) {
    tc[name] = join(dir, `${name}.json`);
    writeFileSync(tc[name], JSON.stringify(s.trustConfig(o)));
  }
});
after(async () => {
  await s?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const verify = (bundle, trustConfig, identity = 'alice@example.com', oidcIssuer = s.issuer) =>
  createSigstoreVerifier({ identity, oidcIssuer, trustConfig }).verify(bundle);
const token = (claims = { email: 'alice@example.com', email_verified: true }, o) => s.mintToken(claims, o);

for (const [name, version, tlogVersion] of [['v1', 1, '0.0.1'], ['v2', 2, '0.0.2']]) {
  test(`Rekor v${version}: sign with a token, bundle shape as the reference writes it, verify exactly`, async () => {
    const before = { ...s.hits };
    const bundle = await createSigstoreSigner({ identityToken: await token(), trustConfig: tc[name] }).sign(PAYLOAD);
    assert.equal(bundle.mediaType, 'application/vnd.dev.sigstore.bundle.v0.3+json');
    assert.deepEqual(Object.keys(bundle.verificationMaterial).sort(), ['certificate', 'timestampVerificationData', 'tlogEntries']);
    assert.equal(bundle.verificationMaterial.tlogEntries.length, 1);
    assert.deepEqual(bundle.verificationMaterial.tlogEntries[0].kindVersion, { kind: 'dsse', version: tlogVersion });
    assert.equal(bundle.verificationMaterial.timestampVerificationData.rfc3161Timestamps.length, 1);
    assert.equal(bundle.dsseEnvelope.payloadType, 'application/vnd.in-toto+json');
    assert.equal(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString(), PAYLOAD.toString());
    assert.equal(bundle.dsseEnvelope.signatures.length, 1);
    assert.equal(bundle.dsseEnvelope.signatures[0].keyid ?? '', '');
    const path = version === 1 ? 'POST /api/v1/log/entries' : 'POST /api/v2/log/entries';
    assert.equal((s.hits[path] ?? 0) - (before[path] ?? 0), 1, `${path} was called once`);

    const r = await verify(bundle, tc[name]);
    assert.equal(r.signer.identity, 'alice@example.com');
    assert.equal(r.signer.issuer, s.issuer);
    assert.deepEqual(r.payload, PAYLOAD);
    await assert.rejects(verify(bundle, tc[name], 'bob@example.com'), /issued to 'alice@example.com', not to the expected identity 'bob@example.com'/);
    await assert.rejects(verify(bundle, tc[name], 'lice@example.com'), { code: 'TRUST' });
    await assert.rejects(verify(bundle, tc[name], 'alice@example'), { code: 'TRUST' });
    await assert.rejects(verify(bundle, tc[name], 'alice@example.com', 'https://accounts.example.com'), /OIDC issuer/);
  });
}

test('a look-alike signer (malice@, alice@...evil) does not pass for alice@example.com', async () => {
  for (const email of ['malice@example.com', 'alice@example.com.evil.org']) {
    const bundle = await createSigstoreSigner({ identityToken: await token({ email, email_verified: true }), trustConfig: tc.v1 }).sign(PAYLOAD);
    assert.equal((await verify(bundle, tc.v1, email)).signer.identity, email);
    await assert.rejects(verify(bundle, tc.v1, 'alice@example.com'), (e) => e.code === 'TRUST' && e.message.includes(email));
  }
});

test('a token with only a subject certifies the subject', async () => {
  const bundle = await createSigstoreSigner({ identityToken: await token({ sub: 'repo:acme/model:ref:refs/heads/main' }), trustConfig: tc.v1 }).sign(PAYLOAD);
  assert.equal((await verify(bundle, tc.v1, 'repo:acme/model:ref:refs/heads/main')).signer.identity, 'repo:acme/model:ref:refs/heads/main');
});

test('without a TSA, a Rekor v1 entry alone timestamps the signature', async () => {
  const bundle = await createSigstoreSigner({ identityToken: await token(), trustConfig: tc.v1NoTsa }).sign(PAYLOAD);
  assert.equal(bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps?.length ?? 0, 0);
  assert.equal((await verify(bundle, tc.v1NoTsa)).signer.identity, 'alice@example.com');
});

test('interactive loopback flow: PKCE code exchange through a real redirect to 127.0.0.1', async () => {
  let shown;
  const signer = createSigstoreSigner({
    trustConfig: tc.v2,
    openBrowser: async () => false,
    onAuthUrl: (url, info) => {
      shown = { url, info };
      // Play the browser: the issuer auto-approves and redirects to the loopback callback.
      fetch(url).then((r) => r.text()).then((t) => { shown.page = t; });
    },
  });
  s.user = { email: 'carol@example.com', sub: 'carol' };
  try {
    const bundle = await signer.sign(PAYLOAD);
    assert.equal(shown.info.browserOpened, false);
    assert.equal(shown.info.oob, false);
    const u = new URL(shown.url);
    assert.equal(u.searchParams.get('code_challenge_method'), 'S256');
    assert.match(u.searchParams.get('redirect_uri'), /^http:\/\/127\.0\.0\.1:\d+\/auth\/callback$/);
    assert.equal(u.searchParams.get('client_id'), 'sigstore');
    assert.match(shown.page, /Authentication complete/);
    assert.equal((await verify(bundle, tc.v2, 'carol@example.com')).signer.identity, 'carol@example.com');
  } finally {
    s.user = { email: 'alice@example.com', sub: 'alice' };
  }
});

test('out-of-band flow: the URL is shown, the pasted code is exchanged', async () => {
  let url;
  const bundle = await createSigstoreSigner({
    trustConfig: tc.v1,
    forceOob: true,
    clientId: 'my-client',
    onAuthUrl: (u, info) => { url = u; assert.equal(info.oob, true); },
    readCode: async (prompt) => {
      assert.match(prompt, /code/i);
      const page = await (await fetch(url)).text();
      return ` ${page.match(/code: (\w+)/)[1]}\n`;
    },
  }).sign(PAYLOAD);
  assert.equal(new URL(url).searchParams.get('redirect_uri'), 'urn:ietf:wg:oauth:2.0:oob');
  assert.equal(new URL(url).searchParams.get('client_id'), 'my-client');
  assert.equal((await verify(bundle, tc.v1)).signer.identity, 'alice@example.com');
});

test('token problems are named before anything is sent, and never echo the token', async () => {
  const expired = await token(undefined, { expiresIn: -60 });
  const cases = [
    [expired, /expired at/],
    [await token({ email: 'eve@example.com', email_verified: false }), /did not verify it/],
    [await token({}), /neither an 'email' nor a 'sub'/],
    ['not-a-jwt', /not a JWT/],
    ['', /empty/],
  ];
  const before = s.hits['POST /api/v2/signingCert'] ?? 0;
  for (const [t, re] of cases) {
    await assert.rejects(createSigstoreSigner({ identityToken: t, trustConfig: tc.v1 }).sign(PAYLOAD), (e) => {
      assert.equal(e.code, 'SIGNING');
      assert.match(e.message, re);
      if (t.length > 20) assert.ok(!e.message.includes(t), 'the token is not echoed');
      return true;
    });
  }
  assert.equal(s.hits['POST /api/v2/signingCert'] ?? 0, before, 'Fulcio was never called');
  assert.throws(() => checkIdentityToken(expired, 'x'), /expired/);
});

test('refusing or unreachable services are named with their URL and the server message', async () => {
  const t = await token();
  s.failures = { fulcio: 401 };
  await assert.rejects(createSigstoreSigner({ identityToken: t, trustConfig: tc.v1 }).sign(PAYLOAD),
    (e) => e.code === 'SIGNING' && e.message.includes(`Fulcio at ${s.url} refused`) && /HTTP 401: fulcio stand-in refuses/.test(e.message));
  s.failures = { rekor: 400 };
  await assert.rejects(createSigstoreSigner({ identityToken: t, trustConfig: tc.v2 }).sign(PAYLOAD),
    (e) => e.message.includes(`Rekor v2 at ${s.url} refused`) && /HTTP 400/.test(e.message));
  s.failures = { tsa: 403 };
  await assert.rejects(createSigstoreSigner({ identityToken: t, trustConfig: tc.v1 }).sign(PAYLOAD),
    (e) => e.message.includes(`timestamp authority at ${s.url}/api/v1/timestamp refused`) && /HTTP 403/.test(e.message));
  s.failures = {};
  const dead = join(dir, 'dead-rekor.json');
  writeFileSync(dead, JSON.stringify(s.trustConfig({ overrides: { rekor: 'http://127.0.0.1:9' } })));
  await assert.rejects(createSigstoreSigner({ identityToken: t, trustConfig: dead }).sign(PAYLOAD),
    (e) => /cannot reach Rekor v1 at http:\/\/127\.0\.0\.1:9/.test(e.message) && /ECONNREFUSED/.test(e.message));
});

test('trust config problems: missing file, bad JSON, no signing config, wrong media type', async () => {
  const t = await token();
  await assert.rejects(createSigstoreSigner({ identityToken: t, trustConfig: join(dir, 'missing.json') }).sign(PAYLOAD), (e) => e.code === 'IO' && e.message.includes('missing.json'));
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{');
  await assert.rejects(createSigstoreSigner({ identityToken: t, trustConfig: bad }).sign(PAYLOAD), /not valid JSON/);
  const noSigning = join(dir, 'nosign.json');
  const cfg = s.trustConfig();
  delete cfg.signingConfig;
  writeFileSync(noSigning, JSON.stringify(cfg));
  await assert.rejects(createSigstoreSigner({ identityToken: t, trustConfig: noSigning }).sign(PAYLOAD), /has no 'signingConfig'/);
  // ...but it is enough to verify
  const bundle = await createSigstoreSigner({ identityToken: t, trustConfig: tc.v1 }).sign(PAYLOAD);
  assert.equal((await verify(bundle, noSigning)).signer.identity, 'alice@example.com');
  const wrongType = join(dir, 'wrongtype.json');
  writeFileSync(wrongType, JSON.stringify({ ...s.trustConfig(), mediaType: 'application/json' }));
  await assert.rejects(verify(bundle, wrongType), /media type 'application\/json'/);
});

test('service selection: newest valid service of the highest supported API version', async () => {
  const { SigningConfig } = await import('@sigstore/protobuf-specs');
  const day = 86_400_000;
  const at = (d) => new Date(Date.now() + d * day).toISOString();
  const cfg = SigningConfig.fromJSON({
    mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json',
    caUrls: [{ url: 'https://ca-old', majorApiVersion: 1, validFor: { start: at(-10) } }, { url: 'https://ca-new', majorApiVersion: 1, validFor: { start: at(-1) } }, { url: 'https://ca-future', majorApiVersion: 1, validFor: { start: at(5) } }],
    oidcUrls: [],
    rekorTlogUrls: [{ url: 'https://rekor-v1', majorApiVersion: 1, validFor: { start: at(-1) } }, { url: 'https://rekor-v2', majorApiVersion: 2, validFor: { start: at(-5) } }, { url: 'https://rekor-v2-ended', majorApiVersion: 2, validFor: { start: at(-3), end: at(-2) } }, { url: 'https://rekor-v3', majorApiVersion: 3, validFor: { start: at(-1) } }],
    tsaUrls: [{ url: 'https://tsa/api/v1/timestamp', majorApiVersion: 1, validFor: { start: at(-1) } }],
    rekorTlogConfig: { selector: 'ANY' }, tsaConfig: { selector: 'ANY' },
  });
  assert.deepEqual(selectServices(cfg), { fulcioURL: 'https://ca-new', rekor: { url: 'https://rekor-v2', majorApiVersion: 2 }, tsaURL: 'https://tsa/api/v1/timestamp' });
  assert.throws(() => selectServices(SigningConfig.fromJSON({ caUrls: [], rekorTlogUrls: [], tsaUrls: [], oidcUrls: [] })), /no usable certificate authority/);
});
