// RFC 3161 timestamps through the CLI, against a real TSA (`openssl ts -reply`) on 127.0.0.1:
// signing with --tsa-url (key, certificate, PKCS #11), verifying with --tsa-certificate-chain
// after the signing certificate expired, --require-timestamp, inspect and --json (against the published schema), the bundle
// layout Sigstore uses, and every way a TSA can fail (no signature file written).
import { test, before, after } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { cliPath, repoRoot, tempDir } from './support/cli.mjs';
import { TestPki } from './support/crypto-pki.mjs';
import { startTsa, opensslTime } from './support/tsa.mjs';
import { haveVectors, NO_VECTORS, omsSchemas } from './support/flow-helpers.mjs';
import { SoftHsmToken, softhsmSkipReason } from './support/softhsm-token.mjs';

const validateJson = new Ajv2020({ allErrors: true, strict: false }).compile(
  JSON.parse(readFileSync(join(repoRoot, 'schemas', 'cli-output.schema.json'), 'utf8')),
);

/** The CLI as a child process, without blocking this process (the TSA answers from here). */
function cli(args) {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [cliPath, ...args], { cwd: repoRoot, env: { ...process.env, MODEL_SIGNING_LOG_LEVEL: '' } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const ok = (r) => assert.equal(r.status, 0, `exit ${r.status}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);

let pki;
let tsa;
let signer; // CA-issued leaf valid now
let ca;

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
  writeFileSync(join(m, 'weights.bin'), Buffer.alloc(1000, 3));
  writeFileSync(join(m, 'config.json'), '{"a":1}');
  return { d, m, sig: join(d, 'model.sig') };
}

const certSign = (m, sig, extra = [], id = signer) => [
  'sign', 'certificate', m, '--private-key', id.key, '--signing-certificate', id.cert, '--signature', sig, ...extra,
];
const certVerify = (m, sig, extra = []) => ['verify', 'certificate', m, '--certificate-chain', ca.cert, '--signature', sig, ...extra];

test('sign certificate --tsa-url stores the timestamp where Sigstore bundles keep it', async (t) => {
  const { m, sig } = model(t);
  ok(await cli(certSign(m, sig, ['--tsa-url', tsa.url])));
  const b = JSON.parse(readFileSync(sig, 'utf8'));
  const vm = b.verificationMaterial;
  assert.deepEqual(Object.keys(vm), ['x509CertificateChain', 'tlogEntries', 'timestampVerificationData']);
  assert.deepEqual(Object.keys(vm.timestampVerificationData), ['rfc3161Timestamps']);
  assert.equal(vm.timestampVerificationData.rfc3161Timestamps.length, 1);
  assert.deepEqual(Object.keys(vm.timestampVerificationData.rfc3161Timestamps[0]), ['signedTimestamp']);
  // The request: a DER timestamp query over SHA-256 of the DSSE signature, with a nonce and certReq.
  const last = tsa.requests.at(-1);
  assert.equal(last.contentType, 'application/timestamp-query');
  const pkijs = await import('pkijs');
  const q = pkijs.TimeStampReq.fromBER(new Uint8Array(last.query));
  assert.equal(q.certReq, true);
  const nonceLength = q.nonce?.valueBlock.valueHexView.length ?? 0;
  assert.ok(nonceLength >= 1 && nonceLength <= 9, `a random 64-bit nonce (${nonceLength} bytes)`);
  assert.equal(q.messageImprint.hashAlgorithm.algorithmId, '2.16.840.1.101.3.4.2.1');
  const sigBytes = Buffer.from(b.dsseEnvelope.signatures[0].sig, 'base64');
  assert.equal(Buffer.from(q.messageImprint.hashedMessage.valueBlock.valueHexView).toString('hex'), createHash('sha256').update(sigBytes).digest('hex'));
  // The same field, through the protobuf-specs Bundle message (what sigstore-go and sigstore-js read).
  const { Bundle } = await import('@sigstore/protobuf-specs');
  const viaProto = Bundle.toJSON(Bundle.fromJSON(b));
  assert.deepEqual(viaProto.verificationMaterial.timestampVerificationData, vm.timestampVerificationData);
  // And @sigstore/core reads it as a timestamp over the DSSE signature bytes.
  const { RFC3161Timestamp } = await import('@sigstore/core');
  const ts = RFC3161Timestamp.parse(Buffer.from(vm.timestampVerificationData.rfc3161Timestamps[0].signedTimestamp, 'base64'));
  ts.tstInfo.verify(Buffer.from(b.dsseEnvelope.signatures[0].sig, 'base64'));
  assert.ok(Math.abs(ts.signingTime.getTime() - Date.now()) < 120_000);
});

test('bundles signed without --tsa-url keep the reference layout (no timestamp field)', async (t) => {
  const { m, sig } = model(t);
  ok(await cli(certSign(m, sig)));
  assert.deepEqual(Object.keys(JSON.parse(readFileSync(sig, 'utf8')).verificationMaterial), ['x509CertificateChain', 'tlogEntries']);
});

test('timestamped key and certificate bundles validate against the OMS bundle schema', { skip: haveVectors ? false : NO_VECTORS }, async (t) => {
  const { d, m, sig } = model(t);
  ok(await cli(certSign(m, sig, ['--tsa-url', tsa.url])));
  const keySig = join(d, 'key.sig');
  ok(await cli(['sign', 'key', m, '--private-key', signer.key, '--signature', keySig, '--tsa-url', tsa.url]));
  const v = await omsSchemas();
  for (const p of [sig, keySig]) {
    const b = JSON.parse(readFileSync(p, 'utf8'));
    assert.ok(v.bundle(b), JSON.stringify(v.bundle.errors));
  }
});

test('verify certificate with --tsa-certificate-chain reports the timestamp (text and --json)', async (t) => {
  const { m, sig } = model(t);
  ok(await cli(certSign(m, sig, ['--tsa-url', tsa.url])));
  const r = await cli(certVerify(m, sig, ['--tsa-certificate-chain', tsa.caCert]));
  ok(r);
  assert.match(r.stdout, /Verification succeeded/);
  assert.match(r.stderr, /signature timestamped \d{4}-\d\d-\d\dT.* by 'CN=Test TSA'/);
  const j = await cli(certVerify(m, sig, ['--tsa-certificate-chain', tsa.caCert, '--json']));
  ok(j);
  const rep = JSON.parse(j.stdout);
  assert.ok(validateJson(rep), JSON.stringify(validateJson.errors));
  assert.equal(rep.signer.timestamps.length, 1);
  assert.equal(rep.signer.timestamps[0].authority, 'CN=Test TSA');
  // Without a TSA chain the timestamp is not used, and the user is told.
  const plain = await cli(certVerify(m, sig));
  ok(plain);
  assert.match(plain.stderr, /1 RFC 3161 timestamp\(s\) that were not checked/);
});

test('a certificate that expired after signing still verifies with a trusted timestamp, not without', async (t) => {
  const { m, sig } = model(t);
  const end = new Date(Date.now() + 8_000);
  const shortLived = pki.identity('short', { cn: 'Short Lived Signer', issuer: ca, start: opensslTime(new Date(Date.now() - 3_600_000)), end: opensslTime(end) });
  ok(await cli(certSign(m, sig, ['--tsa-url', tsa.url], shortLived)));
  const wait = end.getTime() - Date.now() + 1_500;
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const without = await cli(certVerify(m, sig));
  assert.equal(without.status, 1);
  assert.match(without.stderr, /Verification failed with error: .*'CN=Short Lived Signer' expired on/);
  const withTs = await cli(certVerify(m, sig, ['--tsa-certificate-chain', tsa.caCert]));
  ok(withTs);
  assert.match(withTs.stdout, /Verification succeeded/);
});

test('--require-timestamp fails a bundle without one, and needs --tsa-certificate-chain', async (t) => {
  const { m, sig } = model(t);
  ok(await cli(certSign(m, sig)));
  const r = await cli(certVerify(m, sig, ['--tsa-certificate-chain', tsa.caCert, '--require-timestamp']));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /carries no RFC 3161 timestamp, but one is required/);
  const u = await cli(certVerify(m, sig, ['--require-timestamp']));
  assert.equal(u.status, 1);
  assert.match(u.stderr, /requiring a timestamp needs the TSA certificates to trust \(--tsa-certificate-chain\)/);
});

test('a timestamp from a TSA that is not trusted fails verification, naming it', async (t) => {
  const { m, sig } = model(t);
  ok(await cli(certSign(m, sig, ['--tsa-url', tsa.url])));
  const r = await cli(certVerify(m, sig, ['--tsa-certificate-chain', ca.cert]));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /timestamp #1: untrusted timestamp authority: the TSA certificate 'CN=Test TSA' .*does not chain to a trusted certificate/);
});

test('sign key --tsa-url; verify key checks the timestamp when a TSA chain is given; inspect shows it', async (t) => {
  const { d, m } = model(t);
  const sig = join(d, 'key.sig');
  const pub = pki.pub(signer.key, 'leaf');
  ok(await cli(['sign', 'key', m, '--private-key', signer.key, '--signature', sig, '--tsa-url', tsa.url]));
  const j = await cli(['verify', 'key', m, '--public-key', pub, '--signature', sig, '--tsa-certificate-chain', tsa.caCert, '--json']);
  ok(j);
  const rep = JSON.parse(j.stdout);
  assert.ok(validateJson(rep), JSON.stringify(validateJson.errors));
  assert.equal(rep.signer.timestamps[0].kind, 'rfc3161');
  assert.equal(rep.signer.timestamps[0].authority, 'CN=Test TSA');
  const bad = await cli(['verify', 'key', m, '--public-key', pub, '--signature', sig, '--tsa-certificate-chain', ca.cert]);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /untrusted timestamp authority/);
  const i = await cli(['inspect', sig, '--json']);
  ok(i);
  const info = JSON.parse(i.stdout);
  assert.ok(validateJson(info), JSON.stringify(validateJson.errors));
  assert.equal(info.timestamps.length, 1);
  assert.equal(info.timestamps[0].kind, 'rfc3161');
  assert.match(info.timestamps[0].time, /^\d{4}-\d\d-\d\dT/);
  const text = await cli(['inspect', sig]);
  ok(text);
  assert.match(text.stdout, /timestamps \(claimed\):\n  \d{4}-\d\d-\d\dT\S+ \(rfc3161\)/);
});

test('several TSAs: every one stamps; one failing fails the signing', async (t) => {
  const { m, sig } = model(t);
  const second = await startTsa({ pki, name: 'Second TSA' });
  t.after(() => second.close());
  ok(await cli(certSign(m, sig, ['--tsa-url', tsa.url, '--tsa-url', second.url])));
  const stamps = JSON.parse(readFileSync(sig, 'utf8')).verificationMaterial.timestampVerificationData.rfc3161Timestamps;
  assert.equal(stamps.length, 2);
  // Both TSAs trusted: verifies; only one trusted: the other's timestamp is refused.
  ok(await cli(certVerify(m, sig, ['--tsa-certificate-chain', tsa.caCert, '--tsa-certificate-chain', second.caCert])));
  const one = await cli(certVerify(m, sig, ['--tsa-certificate-chain', tsa.caCert]));
  assert.equal(one.status, 1);
  assert.match(one.stderr, /timestamp #2: untrusted timestamp authority: the TSA certificate 'CN=Second TSA'/);
  const { sig: sig2 } = model(t);
  const r = await cli(certSign(m, sig2, ['--tsa-url', tsa.url, '--tsa-url', `${second.url}/http-500`]));
  assert.equal(r.status, 1);
  assert.ok(!existsSync(sig2));
});

async function closedPort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

const BAD_TSAS = [
  ['unreachable', async () => `http://127.0.0.1:${await closedPort()}/`, /cannot reach timestamp authority http:\/\/127\.0\.0\.1:\d+\/: connect ECONNREFUSED/],
  ['HTTP error', async () => `${tsa.url}/http-500`, /timestamp authority http:\/\/127\.0\.0\.1:\d+\/http-500 answered HTTP 500/],
  ['non-DER answer', async () => `${tsa.url}/not-der`, /\/not-der gave an unusable answer: not a DER-encoded RFC 3161 timestamp response/],
  ['granted with modifications', async () => `${tsa.url}/mods`, /\/mods gave an unusable answer: status 'granted with modifications' \(1\), not 'granted'/],
  ['rejection', async () => `${tsa.url}/rejection`, /\/rejection gave an unusable answer: status 'rejection' \(2\)/],
  ['wrong imprint', async () => `${tsa.url}/imprint`, /\/imprint gave an unusable answer: the timestamp is over other bytes than this signature/],
  ['wrong nonce', async () => `${tsa.url}/nonce`, /\/nonce gave an unusable answer: the nonce differs from the one sent/],
  ['not http', async () => 'ftp://127.0.0.1/tsa', /invalid timestamp authority URL 'ftp:\/\/127\.0\.0\.1\/tsa': only http and https are supported/],
];

for (const [name, url, message] of BAD_TSAS) {
  test(`bad TSA (${name}): one-line error naming it, exit 1, no signature written`, async (t) => {
    const { m, sig } = model(t);
    const r = await cli(certSign(m, sig, ['--tsa-url', await url()]));
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, message);
    // One error line (the method's own warnings, e.g. about the chain, may precede it).
    const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('warning: '));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^Signing failed with error: /);
    assert.ok(!existsSync(sig), 'no signature file');
  });
}

test('a failing TSA leaves an existing signature file untouched', async (t) => {
  const { m, sig } = model(t);
  ok(await cli(certSign(m, sig)));
  const before = readFileSync(sig);
  const r = await cli(certSign(m, sig, ['--tsa-url', `${tsa.url}/nonce`]));
  assert.equal(r.status, 1);
  assert.deepEqual(readFileSync(sig), before);
});

const hsmSkip = softhsmSkipReason();
test('pkcs11-key and pkcs11-certificate sign with --tsa-url; verify pkcs11-key checks the timestamp', { skip: hsmSkip ?? false }, async (t) => {
  const token = new SoftHsmToken({ label: 'ms-tsa-token' });
  t.after(() => token.cleanup());
  token.keygen({ keyType: 'EC:prime256v1', label: 'tsakey', id: '51' });
  const pubPem = join(token.dir, 'tsakey.pub.pem');
  writeFileSync(pubPem, token.publicKeyPem('51'));
  const { d, m } = model(t);
  const env = token.env;
  const run = (args) =>
    new Promise((resolve) => {
      const p = spawn(process.execPath, [cliPath, ...args], { cwd: repoRoot, env: { ...process.env, ...env, MODEL_SIGNING_LOG_LEVEL: '' } });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (x) => (stdout += x));
      p.stderr.on('data', (x) => (stderr += x));
      p.on('close', (status) => resolve({ status, stdout, stderr }));
    });
  const sig = join(d, 'hsm.sig');
  ok(await run(['sign', 'pkcs11-key', '--pkcs11-uri', token.uri({ object: 'tsakey' }), '--signature', sig, '--tsa-url', tsa.url, m]));
  const v = await run(['verify', 'pkcs11-key', '--pkcs11-uri', token.uri({ object: 'tsakey' }), '--signature', sig, '--tsa-certificate-chain', tsa.caCert, '--json', m]);
  ok(v);
  assert.equal(JSON.parse(v.stdout).signer.timestamps.length, 1);
  // A certificate for the token key, issued by the test CA with openssl from the exported public key.
  const csrKey = pki.key('hsm-csr');
  const hsmCert = pki.file('hsm-cert.pem');
  const ext = pki.file('hsm.ext');
  writeFileSync(ext, 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n');
  const { execFileSync } = await import('node:child_process');
  const csr = pki.file('hsm.csr');
  const quiet = { stdio: 'pipe' };
  execFileSync('openssl', ['req', '-new', '-key', csrKey, '-subj', '/CN=HSM Signer', '-out', csr], quiet);
  execFileSync('openssl', ['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-force_pubkey', pubPem, '-set_serial', '77', '-days', '2', '-extfile', ext, '-out', hsmCert], quiet);
  const csig = join(d, 'hsm-cert.sig');
  ok(await run(['sign', 'pkcs11-certificate', '--pkcs11-uri', token.uri({ object: 'tsakey' }), '--signing-certificate', hsmCert, '--signature', csig, '--tsa-url', tsa.url, m]));
  ok(await run(['verify', 'certificate', m, '--certificate-chain', ca.cert, '--signature', csig, '--tsa-certificate-chain', tsa.caCert, '--require-timestamp']));
});
