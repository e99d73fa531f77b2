// Verifying RFC 3161 timestamps through the library API, against a real TSA (`openssl ts -reply`)
// on 127.0.0.1: the certificate chain is validated at the timestamp's time (and `now` otherwise),
// and each way a timestamp can be wrong fails with a message that says which.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './support/cli.mjs';
import { TestPki } from './support/crypto-pki.mjs';
import { startTsa, opensslTime } from './support/tsa.mjs';
import { signing, verifying } from '../dist/index.js';
import { validateCertificatePath } from '../dist/certificates.js';

let pki;
let tsa;
let ca;
let signer;
const YEAR = 365 * 24 * 3600 * 1000;

before(async () => {
  pki = new TestPki();
  ca = pki.identity('ca', { cn: 'Model CA', ca: true });
  signer = pki.identity('leaf', { cn: 'Model Signer', issuer: ca });
  tsa = await startTsa({ pki });
});
after(async () => {
  await tsa?.close();
  pki?.cleanup();
});

function model(t) {
  const d = tempDir(t);
  const m = join(d, 'model');
  mkdirSync(m);
  writeFileSync(join(m, 'weights.bin'), Buffer.alloc(500, 9));
  return { d, m, sig: join(d, 'model.sig') };
}

async function signCert(m, sig, { id = signer, tsaUrls = [tsa.url] } = {}) {
  await new signing.Config()
    .useCertificateSigner({ privateKey: id.key, signingCertificate: id.cert, tsaUrls })
    .sign(m, sig);
  return JSON.parse(readFileSync(sig, 'utf8'));
}

const verifyCert = (m, sig, o = {}) =>
  new verifying.Config().useCertificateVerifier({ certificateChain: [ca.cert], ...o }).verify(m, sig);

test('the chain is validated at the trusted timestamp, so a verifier clock years ahead still accepts', async (t) => {
  const { m, sig } = model(t);
  await signCert(m, sig);
  const later = new Date(Date.now() + 3 * YEAR);
  await assert.rejects(verifyCert(m, sig, { now: later }), { code: 'TRUST', message: /'CN=Model Signer' expired on/ });
  const r = await verifyCert(m, sig, { now: later, tsaCertificateChain: [tsa.caCert] });
  assert.equal(r.ok, true);
  assert.equal(r.signer.timestamps.length, 1);
  assert.equal(r.signer.timestamps[0].authority, 'CN=Test TSA');
  // Trusting the TSA's own certificate (pinned) works as well as trusting its CA.
  assert.equal((await verifyCert(m, sig, { now: later, tsaCertificateChain: [tsa.tsaCert] })).ok, true);
});

test('a timestamp over other bytes (moved from another signature) fails', async (t) => {
  const { d, m, sig } = model(t);
  const a = await signCert(m, sig);
  const other = join(d, 'other.sig');
  const b = await signCert(m, other, { tsaUrls: [] });
  b.verificationMaterial.timestampVerificationData = a.verificationMaterial.timestampVerificationData;
  writeFileSync(other, JSON.stringify(b));
  await assert.rejects(verifyCert(m, other, { tsaCertificateChain: [tsa.caCert] }), {
    code: 'SIGNATURE',
    message: /^timestamp #1: the timestamp is over other bytes than this signature/,
  });
});

test('a TSA certificate that was not valid when it stamped fails', async (t) => {
  const { m, sig } = model(t);
  const stale = await startTsa({ pki, name: 'Stale TSA', tsaStart: new Date(Date.now() - 2 * YEAR), tsaEnd: new Date(Date.now() - YEAR) });
  t.after(() => stale.close());
  await signCert(m, sig, { tsaUrls: [stale.url] });
  await assert.rejects(verifyCert(m, sig, { tsaCertificateChain: [stale.caCert] }), {
    code: 'TRUST',
    message: /^timestamp #1: the TSA certificate 'CN=Stale TSA' was not valid when it stamped \d{4}-.*\(valid .* to .*\)/,
  });
});

test('a timestamp outside the signing certificate validity fails', async (t) => {
  const { m, sig } = model(t);
  const future = pki.identity('future', {
    cn: 'Future Signer',
    issuer: ca,
    start: opensslTime(new Date(Date.now() + YEAR)),
    end: opensslTime(new Date(Date.now() + 2 * YEAR)),
  });
  await signCert(m, sig, { id: future });
  await assert.rejects(verifyCert(m, sig, { tsaCertificateChain: [tsa.caCert], now: new Date(Date.now() + 1.5 * YEAR) }), {
    code: 'TRUST',
    message: /^timestamp #1 \(.*, by 'CN=Test TSA'\) lies outside the validity of the signing certificate 'CN=Future Signer'/,
  });
});

test('a timestamp from a TSA outside the trusted chain fails, with or without the TSA certificate in the token', async (t) => {
  const { m, sig } = model(t);
  await signCert(m, sig);
  const stranger = pki.identity('stranger', { cn: 'Stranger CA', ca: true });
  await assert.rejects(verifyCert(m, sig, { tsaCertificateChain: [stranger.cert] }), {
    code: 'TRUST',
    message: /^timestamp #1: untrusted timestamp authority: the TSA certificate 'CN=Test TSA' \(issued by 'CN=Test TSA Root'\) does not chain/,
  });
});

test('damaged timestamp data in the bundle is a bundle error', async (t) => {
  const { m, sig } = model(t);
  const b = await signCert(m, sig);
  const tvd = b.verificationMaterial.timestampVerificationData;
  tvd.rfc3161Timestamps[0].signedTimestamp = Buffer.from('garbage').toString('base64');
  writeFileSync(sig, JSON.stringify(b));
  await assert.rejects(verifyCert(m, sig, { tsaCertificateChain: [tsa.caCert] }), {
    code: 'BUNDLE',
    message: /^timestamp #1: not a DER-encoded RFC 3161 timestamp response/,
  });
  tvd.rfc3161Timestamps = Array.from({ length: 17 }, () => ({ signedTimestamp: 'AA==' }));
  writeFileSync(sig, JSON.stringify(b));
  await assert.rejects(verifyCert(m, sig, { tsaCertificateChain: [tsa.caCert] }), { code: 'BUNDLE', message: /holds 17 timestamps; at most 16/ });
});

test('key signatures: the timestamp is verified and reported; requireTimestamp without a TSA chain is a usage error', async (t) => {
  const { m, sig } = model(t);
  await new signing.Config().useEllipticKeySigner({ privateKey: signer.key, tsaUrls: [tsa.url] }).sign(m, sig);
  const pub = pki.pub(signer.key, 'leaf');
  const r = await new verifying.Config().useEllipticKeyVerifier({ publicKey: pub, tsaCertificateChain: [tsa.caCert], requireTimestamp: true }).verify(m, sig);
  assert.equal(r.signer.timestamps[0].authority, 'CN=Test TSA');
  assert.throws(() => new verifying.Config().useEllipticKeyVerifier({ publicKey: pub, requireTimestamp: true }), { code: 'USAGE' });
});

test('signing refuses a TSA URL that is not http(s) before hashing anything', () => {
  assert.throws(() => new signing.Config().useCertificateSigner({ privateKey: signer.key, signingCertificate: signer.cert, tsaUrls: ['file:///etc/passwd'] }), {
    code: 'USAGE',
    message: /only http and https/,
  });
  assert.throws(() => new signing.Config().usePkcs11Signer({ pkcs11Uri: 'pkcs11:token=x', tsaUrls: ['not a url'] }), {
    code: 'USAGE',
    message: /invalid timestamp authority URL 'not a url'/,
  });
});

test('a TSA certificate must carry extended key usage timeStamping to end a timestamp path', async () => {
  const leaf = new X509Certificate(readFileSync(signer.cert));
  const root = new X509Certificate(readFileSync(ca.cert));
  await assert.rejects(validateCertificatePath(leaf, [], [root], new Date(), 'timeStamping'), {
    code: 'TRUST',
    message: /the TSA certificate 'CN=Model Signer' is not a timestamping certificate/,
  });
  const tsaLeaf = new X509Certificate(readFileSync(tsa.tsaCert));
  const tsaRoot = new X509Certificate(readFileSync(tsa.caCert));
  assert.equal((await validateCertificatePath(tsaLeaf, [], [tsaRoot], new Date(), 'timeStamping')).path.length, 2);
});

test('RSA timestamp authorities verify too; a changed token signature fails for RSA and ECDSA', async (t) => {
  const rsa = await startTsa({ pki, name: 'RSA TSA', keyType: 'rsa' });
  t.after(() => rsa.close());
  for (const [authority, chain] of [[rsa, rsa.caCert], [tsa, tsa.caCert]]) {
    const { m, sig } = model(t);
    const b = await signCert(m, sig, { tsaUrls: [authority.url] });
    const later = new Date(Date.now() + 3 * YEAR);
    const r = await verifyCert(m, sig, { now: later, tsaCertificateChain: [chain] });
    assert.equal(r.signer.timestamps[0].authority, authority === rsa ? 'CN=RSA TSA' : 'CN=Test TSA');
    // The TSA's signature value ends the token: change its last byte.
    const entry = b.verificationMaterial.timestampVerificationData.rfc3161Timestamps[0];
    const der = Buffer.from(entry.signedTimestamp, 'base64');
    der[der.length - 1] ^= 0x01;
    entry.signedTimestamp = der.toString('base64');
    writeFileSync(sig, JSON.stringify(b));
    await assert.rejects(verifyCert(m, sig, { tsaCertificateChain: [chain] }), {
      code: 'SIGNATURE',
      message: /^timestamp #1: the timestamp's signature does not verify with the TSA certificate's key/,
    });
  }
});

test('a TSA answer embedding more than 10 certificates is refused (each would be a path candidate)', async (t) => {
  const pem = readFileSync(ca.cert, 'utf8');
  const many = pki.file('many-certs.pem');
  writeFileSync(many, pem.repeat(11));
  const noisy = await startTsa({ pki, name: 'Noisy TSA', extraCerts: many });
  t.after(() => noisy.close());
  const { m, sig } = model(t);
  await assert.rejects(signCert(m, sig, { tsaUrls: [noisy.url] }), {
    code: 'SIGNING',
    message: /^timestamp authority http:\/\/127\.0\.0\.1:\d+ gave an unusable answer: malformed timestamp token \(it embeds 12 certificates; at most 10/,
  });
});

test('interop: sigstore-js (@sigstore/verify) verifies our timestamped key bundle and needs its timestamp', async (t) => {
  const { bundleFromJSON } = await import('@sigstore/bundle');
  const { TrustedRoot } = await import('@sigstore/protobuf-specs');
  const { Verifier, toSignedEntity, toTrustMaterial } = await import('@sigstore/verify');
  const { derB64 } = await import('./support/crypto-pki.mjs');
  const { createPrivateKey, createPublicKey } = await import('node:crypto');
  const { m, sig } = model(t);
  // P-256: sigstore-js checks ECDSA with SHA-256, the hash model signing uses for this curve.
  await new signing.Config().useEllipticKeySigner({ privateKey: signer.key, tsaUrls: [tsa.url] }).sign(m, sig);
  const json = JSON.parse(readFileSync(sig, 'utf8'));
  const root = TrustedRoot.fromJSON({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [],
    certificateAuthorities: [],
    ctlogs: [],
    timestampAuthorities: [
      {
        subject: { organization: 'test', commonName: 'Test TSA' },
        certChain: { certificates: [{ rawBytes: derB64(tsa.tsaCert) }, { rawBytes: derB64(tsa.caCert) }] },
        validFor: { start: '2000-01-01T00:00:00Z' },
      },
    ],
  });
  const spki = createPublicKey(createPrivateKey(readFileSync(signer.key))).export({ type: 'spki', format: 'der' });
  const material = toTrustMaterial(root, { [json.verificationMaterial.publicKey.hint]: { rawBytes: spki } });
  const verifier = new Verifier(material, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 1 });
  verifier.verify(toSignedEntity(bundleFromJSON(json)));
  const bare = structuredClone(json);
  delete bare.verificationMaterial.timestampVerificationData;
  assert.throws(() => verifier.verify(toSignedEntity(bundleFromJSON(bare))), /expected 1 timestamps, got 0/);
});

test('mutated timestamp tokens fail with a coded error, never a crash', async (t) => {
  const { m, sig } = model(t);
  const b = await signCert(m, sig);
  const entry = b.verificationMaterial.timestampVerificationData.rfc3161Timestamps[0];
  const good = Buffer.from(entry.signedTimestamp, 'base64');
  // A fixed seed: the same mutations on every run.
  let seed = 12345;
  const rand = (n) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  const codes = new Set();
  for (let i = 0; i < 150; i++) {
    const der = Buffer.from(good);
    const kind = i % 3;
    if (kind === 0) der[rand(der.length)] ^= 1 << rand(8);
    else if (kind === 1) der[rand(der.length)] = rand(256);
    const bytes = kind === 2 ? der.subarray(0, rand(der.length)) : der;
    entry.signedTimestamp = bytes.toString('base64');
    writeFileSync(sig, JSON.stringify(b));
    try {
      await verifyCert(m, sig, { tsaCertificateChain: [tsa.caCert] });
      // A flipped bit in an unsigned part (e.g. the status text or an unused field) may still verify.
    } catch (e) {
      assert.ok(['BUNDLE', 'SIGNATURE', 'TRUST'].includes(e.code), `mutation ${i}: ${e.code} ${e.message}`);
      assert.ok(!/\n/.test(e.message), `mutation ${i}: one line`);
      codes.add(e.code);
    }
  }
  assert.ok(codes.has('BUNDLE') && codes.has('SIGNATURE'), [...codes].join(','));
});

test('a TSA that never answers fails signing after the timeout, naming it', async (t) => {
  const { m, sig } = model(t);
  const cfg = new signing.Config().useCertificateSigner({
    privateKey: signer.key,
    signingCertificate: signer.cert,
    tsaUrls: [`${tsa.url}/hang`],
    tsaTimeoutMs: 500,
  });
  await assert.rejects(cfg.sign(m, sig), { code: 'SIGNING', message: /^timestamp authority http:\/\/127\.0\.0\.1:\d+\/hang did not answer within 0.5 s$/ });
  assert.throws(() => readFileSync(sig), { code: 'ENOENT' });
});
