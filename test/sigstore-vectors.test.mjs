// The reference's real public-good Sigstore signatures verify with no network at all, and every kind of
// tampering, a wrong identity, a look-alike identity and a wrong issuer are rejected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSigstoreVerifier } from '../dist/verifiers/sigstore.js';
import { describeSigstoreBundle } from '../dist/verifiers/sigstore-describe.js';
import { writeTufCache } from './support/tuf-cache.mjs';

const vectors = fileURLToPath(new URL('../../shared/vectors/', import.meta.url));
const mt = join(vectors, 'model-transparency');
const skip = existsSync(mt) ? false : `test vectors not found at ${mt} (a plain clone has no ../shared/vectors)`;
const IDENTITY = 'stefanb@us.ibm.com';
const ISSUER = 'https://sigstore.verify.ibm.com/oauth2';
const VECTORS = ['v1.0.0-sigstore', 'v1.1.0-sigstore'];
const load = (v) => JSON.parse(readFileSync(join(mt, v, 'model.sig'), 'utf8'));
const verifier = (o = {}) => createSigstoreVerifier({ identity: IDENTITY, oidcIssuer: ISSUER, offline: true, ...o });

/** Flip one bit of a base64 field, keeping it valid base64 of the same length. */
function flipB64(b64, at = 20) {
  const buf = Buffer.from(b64, 'base64');
  buf[Math.min(at, buf.length - 1)] ^= 0x01;
  return buf.toString('base64');
}

function unshareWorks() {
  const r = spawnSync('unshare', ['-n', process.execPath, '-e', 'process.exit(0)'], { encoding: 'utf8' });
  return r.status === 0 ? true : `unshare -n is not usable here (${(r.stderr || r.error?.message || '').trim()})`;
}

for (const v of VECTORS) {
  test(`${v}: verifies offline with the embedded public-good trusted root`, { skip }, async () => {
    const r = await verifier().verify(load(v));
    assert.equal(r.signer.identity, IDENTITY);
    assert.equal(r.signer.issuer, ISSUER);
    assert.equal(r.payloadType, 'application/vnd.in-toto+json');
    const statement = JSON.parse(r.payload.toString('utf8'));
    assert.equal(statement.predicateType, 'https://model_signing/signature/v1.0');
  });

  test(`${v}: wrong identity, look-alikes and wrong issuer are rejected`, { skip }, async () => {
    const b = load(v);
    for (const identity of ['alice@example.com', 'tefanb@us.ibm.com', 'stefanb@us.ibm.co', 'stefanb@us.ibm.com.evil.org', 'xstefanb@us.ibm.com', 'stefanb@us\\.ibm\\.com', '.*']) {
      await assert.rejects(verifier({ identity }).verify(b), (e) => e.code === 'TRUST' && e.message.includes(identity), identity);
    }
    for (const oidcIssuer of ['https://accounts.google.com', 'https://sigstore.verify.ibm.com/oauth', 'https://sigstore.verify.ibm.com/oauth2/']) {
      await assert.rejects(verifier({ oidcIssuer }).verify(b), (e) => e.code === 'TRUST' && e.message.includes('OIDC issuer'), oidcIssuer);
    }
  });

  test(`${v}: any tampering is rejected`, { skip }, async () => {
    const cases = {
      payload: (b) => {
        const p = JSON.parse(Buffer.from(b.dsseEnvelope.payload, 'base64'));
        p.predicate.resources[0].digest = '0'.repeat(64);
        b.dsseEnvelope.payload = Buffer.from(JSON.stringify(p)).toString('base64');
      },
      'payload type': (b) => { b.dsseEnvelope.payloadType = 'application/json'; },
      signature: (b) => { b.dsseEnvelope.signatures[0].sig = flipB64(b.dsseEnvelope.signatures[0].sig, 40); },
      certificate: (b) => { b.verificationMaterial.certificate.rawBytes = flipB64(b.verificationMaterial.certificate.rawBytes, 300); },
      'inclusion promise (SET)': (b) => { const e = b.verificationMaterial.tlogEntries[0]; e.inclusionPromise.signedEntryTimestamp = flipB64(e.inclusionPromise.signedEntryTimestamp, 30); },
      'integrated time': (b) => { const e = b.verificationMaterial.tlogEntries[0]; e.integratedTime = String(Number(e.integratedTime) + 1); },
      'log index': (b) => { const e = b.verificationMaterial.tlogEntries[0]; e.logIndex = String(Number(e.logIndex) + 1); },
      'inclusion proof hash': (b) => { const p = b.verificationMaterial.tlogEntries[0].inclusionProof; p.hashes[0] = flipB64(p.hashes[0], 3); },
      'checkpoint': (b) => { const p = b.verificationMaterial.tlogEntries[0].inclusionProof; p.checkpoint.envelope = p.checkpoint.envelope.replace(/\n(\d+)\n/, (_, n) => `\n${Number(n) + 1}\n`); },
      'canonicalized body': (b) => { const e = b.verificationMaterial.tlogEntries[0]; e.canonicalizedBody = flipB64(e.canonicalizedBody, 60); },
      'log entry removed': (b) => { b.verificationMaterial.tlogEntries = []; },
    };
    const b0 = load(v);
    if (b0.verificationMaterial.timestampVerificationData?.rfc3161Timestamps?.length) {
      cases['RFC 3161 timestamp'] = (b) => { const t = b.verificationMaterial.timestampVerificationData.rfc3161Timestamps[0]; t.signedTimestamp = flipB64(t.signedTimestamp, 200); };
    }
    // The @sigstore/verify check that must catch each one, so a tampering is not merely caught by accident.
    const EXPECTED = {
      payload: /TLOG_BODY_ERROR/, 'payload type': /SIGNATURE_ERROR/, signature: /TLOG_BODY_ERROR|TIMESTAMP_ERROR/,
      certificate: /CERTIFICATE_ERROR/, 'inclusion promise (SET)': /TLOG_INCLUSION_PROMISE_ERROR/,
      'integrated time': /TLOG_INCLUSION_PROMISE_ERROR/, 'log index': /TLOG_INCLUSION_PROMISE_ERROR/,
      'inclusion proof hash': /TLOG_INCLUSION_PROOF_ERROR/, checkpoint: /TLOG_INCLUSION_PROOF_ERROR.*checkpoint/,
      'canonicalized body': /TLOG_INCLUSION_PROMISE_ERROR/, 'log entry removed': /TIMESTAMP_ERROR|TLOG_ERROR/,
      'RFC 3161 timestamp': /TIMESTAMP_ERROR/,
    };
    for (const [name, tamper] of Object.entries(cases)) {
      const b = structuredClone(b0);
      tamper(b);
      assert.notDeepEqual(b, b0, `${name}: the tampering changed nothing`);
      await assert.rejects(verifier().verify(b), (e) => ['TRUST', 'SIGNATURE'].includes(e.code) && EXPECTED[name].test(e.message), name);
    }
  });
}

test('a key-signed bundle is refused by the sigstore verifier with a pointer to the key method', { skip }, async () => {
  const keyBundle = JSON.parse(readFileSync(join(mt, 'v1.1.0-elliptic-key', 'model.sig'), 'utf8'));
  await assert.rejects(verifier().verify(keyBundle), (e) => e.code === 'BUNDLE' && /key/.test(e.message));
});

test('describeSigstoreBundle reads SAN, issuer, log index, integrated time and TSA time (unverified)', { skip }, () => {
  const d = describeSigstoreBundle(load('v1.1.0-sigstore'));
  assert.equal(d.identity, IDENTITY);
  assert.equal(d.issuer, ISSUER);
  assert.equal(d.tlogEntries.length, 1);
  assert.equal(d.tlogEntries[0].logIndex, '598151086');
  assert.equal(d.tlogEntries[0].integratedTime.toISOString(), '2025-10-10T02:12:20.000Z');
  assert.equal(d.tlogEntries[0].kind, 'dsse');
  assert.equal(d.timestamps.length, 1);
  assert.ok(Math.abs(d.timestamps[0] - d.tlogEntries[0].integratedTime) < 60_000);
  assert.deepEqual(describeSigstoreBundle({}).tlogEntries, []);
  assert.deepEqual(describeSigstoreBundle('garbage'), { tlogEntries: [], timestamps: [] });
});

test('with no network at all (unshare -n), the TUF refresh fails fast and the embedded root verifies both vectors', { skip: skip || (unshareWorks() === true ? false : unshareWorks()) }, () => {
  const cache = mkdtempSync(join(tmpdir(), 'ms-tuf-'));
  try {
    const script = `
      import { createSigstoreVerifier } from ${JSON.stringify(new URL('../dist/verifiers/sigstore.js', import.meta.url).href)};
      import { readFileSync } from 'node:fs';
      const warnings = [];
      for (const v of ${JSON.stringify(VECTORS)}) {
        const b = JSON.parse(readFileSync(${JSON.stringify(mt)} + '/' + v + '/model.sig', 'utf8'));
        const r = await createSigstoreVerifier({ identity: ${JSON.stringify(IDENTITY)}, oidcIssuer: ${JSON.stringify(ISSUER)}, onWarning: (w) => warnings.push(w) }).verify(b);
        console.log('OK', v, r.signer.identity);
      }
      console.log('WARNINGS', warnings.length, warnings[0]);`;
    const t0 = Date.now();
    const r = spawnSync('unshare', ['-n', process.execPath, '--input-type=module', '-e', script], {
      encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cache }, timeout: 60_000 });
    const ms = Date.now() - t0;
    assert.equal(r.status, 0, r.stderr);
    for (const v of VECTORS) assert.match(r.stdout, new RegExp(`OK ${v} ${IDENTITY}`));
    assert.match(r.stdout, /WARNINGS 2 could not refresh the Sigstore production trusted root from https:\/\/tuf-repo-cdn\.sigstore\.dev .*embedded/);
    assert.ok(ms < 20_000, `offline verification took ${ms} ms`);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});

test('offline fallbacks: a cached TUF target is preferred over the embedded root; staging uses its own root', { skip: skip || (unshareWorks() === true ? false : unshareWorks()) }, () => {
  const cache = mkdtempSync(join(tmpdir(), 'ms-tuf-'));
  try {
    // A cached target is used only with the cached TUF metadata that lists it (length and hashes).
    const { targetsDir: targets } = writeTufCache(join(cache, 'model-signing', 'tuf'), 'https://tuf-repo-cdn.sigstore.dev', {
      'trusted_root.json': readFileSync(join(vectors, 'sigstore-trust', 'production', 'trusted_root.json')),
    });
    const script = (staging) => `
      import { createSigstoreVerifier } from ${JSON.stringify(new URL('../dist/verifiers/sigstore.js', import.meta.url).href)};
      import { readFileSync } from 'node:fs';
      const b = JSON.parse(readFileSync(${JSON.stringify(join(mt, 'v1.1.0-sigstore', 'model.sig'))}, 'utf8'));
      try {
        const r = await createSigstoreVerifier({ identity: ${JSON.stringify(IDENTITY)}, oidcIssuer: ${JSON.stringify(ISSUER)}, useStaging: ${staging}, onWarning: (w) => console.log('WARNING', w) }).verify(b);
        console.log('OK', r.signer.identity);
      } catch (e) { console.log('FAILED', e.code, e.message); }`;
    const run = (staging) => spawnSync('unshare', ['-n', process.execPath, '--input-type=module', '-e', script(staging)], {
      encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cache }, timeout: 60_000 });
    const prod = run(false);
    assert.match(prod.stdout, /WARNING .*using the cached copy .*tuf-repo-cdn\.sigstore\.dev\/targets\/trusted_root\.json/);
    assert.match(prod.stdout, /OK stefanb@us\.ibm\.com/);
    // A damaged cache (the target no longer matches its TUF metadata) is not fatal: the embedded root is used.
    writeFileSync(join(targets, 'trusted_root.json'), '{not json');
    const damaged = run(false);
    assert.match(damaged.stdout, /WARNING .*embedded/);
    assert.match(damaged.stdout, /OK stefanb@us\.ibm\.com/);
    // The staging root does not trust public-good production certificates.
    const staging = run(true);
    assert.match(staging.stdout, /WARNING could not refresh the Sigstore staging trusted root from https:\/\/tuf-repo-cdn\.sigstage\.dev/);
    assert.match(staging.stdout, /FAILED TRUST/);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});
