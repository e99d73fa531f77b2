// Every signing method signs OCI targets: certificate, PKCS #11 (key and certificate) on a manifest file,
// Sigstore (loopback stand-in) by registry reference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { runCli, tempDir } from './support/cli.mjs';
import { runCliAsync } from './support/sigstore-cli.mjs';
import { TestPki } from './support/crypto-pki.mjs';
import { SoftHsmToken, softhsmSkipReason } from './support/softhsm-token.mjs';
import { startStandin } from './support/sigstore-standin.mjs';
import { NO_REGISTRY, startRegistry, pushOrasArtifact } from './support/oci-registry.mjs';

const d = (b) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const manifest = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: d('{}'), size: 2 },
  layers: [{ mediaType: 'application/octet-stream', digest: d('w'), size: 1, annotations: { 'org.opencontainers.image.title': 'w.bin' } }],
});

function pki(t) {
  const p = new TestPki();
  t.after(() => p.cleanup());
  const root = p.identity('root', { ca: true });
  return { p, root };
}

test('certificate method on a manifest file', (t) => {
  const dir = tempDir(t);
  const { p, root } = pki(t);
  const leaf = p.identity('leaf', { issuer: root });
  const mf = join(dir, 'image.json');
  writeFileSync(mf, manifest);
  const sig = join(dir, 'c.sig');
  const s = runCli(['sign', 'certificate', mf, '--private-key', leaf.key, '--signing-certificate', leaf.cert, '--signature', sig]);
  assert.equal(s.status, 0, s.stderr);
  const v = runCli(['verify', 'certificate', mf, '--certificate-chain', root.cert, '--signature', sig]);
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, /Verification succeeded/);
});

test('pkcs11-key and pkcs11-certificate on a manifest file (SoftHSM2)', { skip: softhsmSkipReason() ?? false }, (t) => {
  const dir = tempDir(t);
  const token = new SoftHsmToken({ label: 'oci-token' });
  t.after(() => token.cleanup());
  token.keygen({ keyType: 'EC:prime256v1', label: 'k', id: '07' });
  const pub = join(dir, 'k.pub');
  writeFileSync(pub, token.publicKeyPem('07'));
  const mf = join(dir, 'image.json');
  writeFileSync(mf, manifest);
  const sig = join(dir, 'p.sig');
  const s = runCli(['sign', 'pkcs11-key', mf, '--pkcs11-uri', token.uri({ object: 'k' }), '--signature', sig], { env: token.env });
  assert.equal(s.status, 0, s.stderr);
  assert.equal(runCli(['verify', 'key', mf, '--public-key', pub, '--signature', sig]).status, 0);

  const { p, root } = pki(t);
  const ext = join(dir, 'leaf.ext');
  writeFileSync(ext, '[v3]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
  const leaf = join(dir, 'leaf.pem');
  execFileSync('openssl', ['x509', '-new', '-subj', '/CN=token', '-force_pubkey', pub, '-CA', root.cert, '-CAkey', root.key, '-extfile', ext, '-extensions', 'v3', '-days', '30', '-out', leaf], { stdio: 'pipe' });
  const csig = join(dir, 'pc.sig');
  const c = runCli(['sign', 'pkcs11-certificate', mf, '--pkcs11-uri', token.uri({ object: 'k' }), '--signing-certificate', leaf, '--signature', csig], { env: token.env });
  assert.equal(c.status, 0, c.stderr);
  assert.equal(runCli(['verify', 'certificate', mf, '--certificate-chain', root.cert, '--signature', csig]).status, 0);
  void p;
});

test('sigstore (loopback stand-in) by registry reference: signed, attached, found and verified', { skip: NO_REGISTRY }, async (t) => {
  const reg = await startRegistry(t);
  const s = await startStandin();
  t.after(() => s.close());
  const dir = tempDir(t);
  const tc = join(dir, 'tc.json');
  writeFileSync(tc, JSON.stringify(s.trustConfig({ rekor: 1 })));
  const env = { SIGSTORE_ID_TOKEN: '', ACTIONS_ID_TOKEN_REQUEST_URL: '', GITHUB_ACTIONS: '', XDG_CACHE_HOME: join(dir, 'cache') };
  await pushOrasArtifact(reg.host, 'sig/model', 'v1', { 'model.bin': 'weights' });
  const ref = `${reg.host}/sig/model:v1`;
  const token = await s.mintToken({ email: 'alice@example.com', email_verified: true });
  const r = await runCliAsync(['sign', 'sigstore', ref, '--identity-token', token, '--trust-config', tc, '--insecure'], { env });
  assert.equal(r.status, 0, r.stderr);
  const v = await runCliAsync(['verify', 'sigstore', ref, '--identity', 'alice@example.com', '--identity-provider', s.issuer, '--trust-config', tc, '--insecure'], { env });
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, /Verification succeeded/);
  const wrong = await runCliAsync(['verify', 'sigstore', ref, '--identity', 'mallory@example.com', '--identity-provider', s.issuer, '--trust-config', tc, '--insecure'], { env });
  assert.equal(wrong.status, 1);
});
