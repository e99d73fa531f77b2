// The paths Debian's docker-registry cannot exercise, against the SMALL IN-TEST REGISTRY of
// support/oci-referrers-registry.mjs (labelled as such): the OCI 1.1 referrers API with OCI-Subject,
// the token (Bearer) flow, and registries that send bytes other than what was asked for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { spawn } from 'node:child_process';
import { cliPath, repoRoot, tempDir } from './support/cli.mjs';
import { startReferrersRegistry } from './support/oci-referrers-registry.mjs';
import { RegistryClient } from '../dist/oci/registry-client.js';

function keys(dir, name = 'key') {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const priv = join(dir, `${name}.pem`);
  const pub = join(dir, `${name}.pub`);
  writeFileSync(priv, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(pub, publicKey.export({ type: 'spki', format: 'pem' }));
  return { priv, pub };
}

// The registry runs in this process: the CLI must run without blocking the event loop.
function runCli(args, { env = {} } = {}) {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [cliPath, ...args], { cwd: repoRoot, env: { ...process.env, MODEL_SIGNING_LOG_LEVEL: '', ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c) => (stdout += c));
    p.stderr.on('data', (c) => (stderr += c));
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

const USER = { user: 'bob', pass: 'token-pw' };

async function pushArtifact(host, repo, tag, credential = null) {
  const c = new RegistryClient(host, { insecure: true, credential: credential ? { username: credential.user, password: credential.pass } : null });
  const cfg = await c.pushBlob(repo, Buffer.from('{}'));
  const layer = await c.pushBlob(repo, Buffer.from('weights'));
  const raw = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.empty.v1+json', ...cfg },
    layers: [{ mediaType: 'application/octet-stream', ...layer, annotations: { 'org.opencontainers.image.title': 'model.bin' } }],
  }));
  return (await c.putManifest(repo, tag, raw, 'application/vnd.oci.image.manifest.v1+json')).digest;
}

function authFile(dir, host, cred) {
  const f = join(dir, 'auth.json');
  writeFileSync(f, JSON.stringify({ auths: { [host]: { auth: Buffer.from(`${cred.user}:${cred.pass}`).toString('base64') } } }));
  return { REGISTRY_AUTH_FILE: f, DOCKER_CONFIG: join(dir, 'no-docker'), XDG_RUNTIME_DIR: '' };
}

test('referrers API (in-test registry): attached with OCI-Subject, no fallback tag, found newest first; token auth', async (t) => {
  const reg = await startReferrersRegistry(t, { bearer: USER });
  const dir = tempDir(t);
  const env = authFile(dir, reg.host, USER);
  const digest = await pushArtifact(reg.host, 'team/model', 'v1', USER);
  const ref = `${reg.host}/team/model:v1`;
  const k1 = keys(dir, 'one');
  const k2 = keys(dir, 'two');
  const s1 = await runCli(['sign', 'key', ref, '--private-key', k1.priv, '--insecure', '--json'], { env });
  assert.equal(s1.status, 0, s1.stderr);
  const a1 = JSON.parse(s1.stdout).image.attached;
  assert.equal(a1.location, 'referrers API');
  assert.equal(a1.tag, null);
  assert.equal([...reg.tags.keys()].some((k) => k.includes('sha256-')), false, 'no fallback index when the registry indexes referrers');
  await new Promise((r) => setTimeout(r, 1100)); // distinct creation times (second resolution)
  const s2 = await runCli(['sign', 'key', ref, '--private-key', k2.priv, '--insecure', '--json'], { env });
  assert.equal(s2.status, 0, s2.stderr);
  const a2 = JSON.parse(s2.stdout).image.attached;
  assert.equal(reg.referrers.get(digest).length, 2);

  const v2 = await runCli(['verify', 'key', ref, '--public-key', k2.pub, '--insecure', '--json'], { env });
  assert.equal(v2.status, 0, v2.stderr);
  const r2 = JSON.parse(v2.stdout);
  assert.deepEqual([r2.image.signatureLocation, r2.image.signatureDigest, r2.image.digest], ['referrers API', a2.digest, digest]);
  const v1 = await runCli(['verify', 'key', ref, '--public-key', k1.pub, '--insecure', '--json'], { env });
  assert.equal(v1.status, 0, v1.stderr);
  assert.equal(JSON.parse(v1.stdout).image.signatureDigest, a1.digest, 'an older signature by another key is still found');
  assert.ok(reg.stats.requests.includes(`GET /v2/team/model/referrers/${digest}`));

  // Without credentials the token service refuses: one line naming the reference.
  const anon = await runCli(['verify', 'key', ref, '--public-key', k1.pub, '--insecure'], { env: { ...env, REGISTRY_AUTH_FILE: join(dir, 'none.json') } });
  assert.equal(anon.status, 1);
  assert.match(anon.stderr, new RegExp(`^Verification failed with error: ${reg.host}/team/model:v1: the token service refused the anonymous request \\(HTTP 401\\)\\n$`));
});

test('a registry whose bytes do not match the digest (header or reference) is refused; 403 is reported', async (t) => {
  const dir = tempDir(t);
  const k = keys(dir);
  const liar = await startReferrersRegistry(t, { lieDigest: true });
  await pushArtifact(liar.host, 'm/x', 'v1');
  const r1 = await runCli(['sign', 'key', `${liar.host}/m/x:v1`, '--private-key', k.priv, '--insecure']);
  assert.equal(r1.status, 1);
  assert.match(r1.stderr, /m\/x:v1: the manifest's bytes do not match the Docker-Content-Digest sha256:/);

  const swapper = await startReferrersRegistry(t, { tamperManifest: true });
  const d = await pushArtifact(swapper.host, 'm/x', 'v1');
  const r2 = await runCli(['sign', 'key', `${swapper.host}/m/x@${d}`, '--private-key', k.priv, '--insecure']);
  assert.equal(r2.status, 1);
  assert.match(r2.stderr, new RegExp(`m/x@${d}: the registry sent a manifest whose digest is sha256:[0-9a-f]{64}, not the one asked for`));
  assert.equal(swapper.referrers.size, 0, 'nothing pushed');

  // Huge and non-JSON manifests from a registry.
  const odd = await startReferrersRegistry(t);
  for (const [tag, body, re] of [
    ['huge', JSON.stringify({ schemaVersion: 2, pad: 'x'.repeat(5 * 1024 * 1024) }), /m\/odd:huge: the manifest of .* is \d+ bytes, more than the limit of 4194304/],
    ['text', '<html>not json</html>', /m\/odd:text: the manifest is not valid JSON/],
  ]) {
    const r = await fetch(`http://${odd.host}/v2/m/odd/manifests/${tag}`, { method: 'PUT', body, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' } });
    assert.equal(r.status, 201);
    const out = await runCli(['sign', 'key', `${odd.host}/m/odd:${tag}`, '--private-key', k.priv, '--insecure']);
    assert.equal(out.status, 1, tag);
    assert.match(out.stderr, re, tag);
    assert.equal(out.stderr.trim().split('\n').length, 1, tag);
  }

  const deny = await startReferrersRegistry(t, { forbidden: ['secret/model'] });
  const r3 = await runCli(['verify', 'key', `${deny.host}/secret/model:v1`, '--public-key', k.pub, '--insecure']);
  assert.equal(r3.status, 1);
  assert.match(r3.stderr, /secret\/model:v1: access denied \(HTTP 403\) with anonymous access/);
});

test('credentials go only to the registry: an upload location on another host is refused', async (t) => {
  const reg = await startReferrersRegistry(t, { basic: USER, foreignUpload: true });
  const c = new RegistryClient(reg.host, { insecure: true, credential: { username: USER.user, password: USER.pass } });
  await assert.rejects(c.pushBlob('a/b', Buffer.from('x')), /a\/b@sha256:[0-9a-f]{64}: the registry sent the upload to another host \(http:\/\/127\.0\.0\.2:9\)/);
  assert.equal(reg.stats.requests.some((r) => r.startsWith('PUT')), false);
});

test('an attached bundle larger than the 64 MiB signature limit is skipped unread', async (t) => {
  const reg = await startReferrersRegistry(t);
  const dir = tempDir(t);
  const k = keys(dir);
  const digest = await pushArtifact(reg.host, 'big/sig', 'v1');
  const c = new RegistryClient(reg.host, { insecure: true, credential: null });
  const cfg = await c.pushBlob('big/sig', Buffer.from('{}'));
  const raw = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    artifactType: 'application/vnd.model-signing.signature.v0.1',
    config: { mediaType: 'application/vnd.model-signing.signature.v0.1.config+json', ...cfg },
    layers: [{ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', digest: `sha256:${'1'.repeat(64)}`, size: 70 * 1024 * 1024 }],
    subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: 1 },
  }));
  await c.putManifest('big/sig', `sha256:${createHash('sha256').update(raw).digest('hex')}`, raw, 'application/vnd.oci.image.manifest.v1+json');
  const r = await runCli(['verify', 'key', `${reg.host}/big/sig:v1`, '--public-key', k.pub, '--insecure']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /skipping an unreadable attached signature: .*blob is 73400320 bytes, more than the limit of 67108864/);
  assert.match(r.stderr, /no signature attached to sha256:/);
  assert.equal(reg.stats.requests.some((q) => q.includes(`/blobs/sha256:${'1'.repeat(64)}`)), false, 'never fetched');
});
