// Signing and verifying models in a real OCI registry: Debian's docker-registry (distribution 2.8) on
// 127.0.0.1. It has no referrers API, so signatures go to the spec's fallback `sha256-<hex>` index tag
// (or the `.sig` tag in tag mode); the referrers API itself is tested in oci-referrers.test.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync, mkdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import Ajv2020 from 'ajv/dist/2020.js';
import { runCli, tempDir, repoRoot } from './support/cli.mjs';
import { NO_REGISTRY, freePort, startRegistry, pushOrasArtifact, putBlob, putManifest, getManifest, getBlob, tarOf, sha256 } from './support/oci-registry.mjs';

const skip = NO_REGISTRY;
// Every --json document must match the published schema.
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(join(repoRoot, 'schemas', 'cli-output.schema.json'), 'utf8')));
const hex = (b) => createHash('sha256').update(b).digest('hex');

function keys(dir, name = 'key') {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const priv = join(dir, `${name}.pem`);
  const pub = join(dir, `${name}.pub`);
  writeFileSync(priv, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(pub, publicKey.export({ type: 'spki', format: 'pem' }));
  return { priv, pub };
}

const files = { 'model.safetensors': 'weights-v1', 'config.json': '{"hidden":8}', 'README.md': 'model card' };

/** The registry's stored copy of a blob (distribution's filesystem layout), to tamper with. */
const blobPath = (reg, digest) => join(reg.dir, 'data', 'docker', 'registry', 'v2', 'blobs', 'sha256', digest.slice(7, 9), digest.slice(7), 'data');

const modelCarFiles = { 'model.bin': 'the weights', 'tokenizer.json': '{"vocab":[]}' };
async function pushModelCar(host, repo, tag, { swap } = {}) {
  const config = await putBlob(host, repo, Buffer.from('{"architecture":"amd64","os":"linux"}'));
  const base = await putBlob(host, repo, gzipSync(tarOf({ 'etc/os-release': 'ID=test' })));
  const layers = [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: base.digest, size: base.size }];
  for (const [name, content] of Object.entries(modelCarFiles)) {
    const inLayer = swap && name === 'model.bin' ? swap : content;
    const b = await putBlob(host, repo, tarOf({ [`models/${name}`]: inLayer }));
    layers.push({
      mediaType: 'application/vnd.oci.image.layer.v1.tar',
      digest: b.digest,
      size: b.size,
      annotations: { 'olot.layer.content.type': 'file', 'olot.layer.content.inlayerpath': `/models/${name}`, 'olot.layer.content.digest': sha256(content) },
    });
  }
  const dir = await putBlob(host, repo, gzipSync(tarOf({ 'models/extra/a.txt': 'aaa', 'models/extra/b.txt': 'bbb' })));
  layers.push({
    mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
    digest: dir.digest,
    size: dir.size,
    annotations: { 'olot.layer.content.type': 'directory', 'olot.layer.content.inlayerpath': '/models/extra' },
  });
  const raw = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config }, layers }, null, 2));
  return { raw, digest: await putManifest(host, repo, tag, raw), layers };
}

test('ORAS artifact: sign by reference (fallback referrers tag), find and verify; raw-byte digests', { skip }, async (t) => {
  const reg = await startRegistry(t);
  const dir = tempDir(t);
  const k = keys(dir);
  const art = await pushOrasArtifact(reg.host, 'models/bert', 'v1', files, { pretty: true });
  const ref = `${reg.host}/models/bert:v1`;
  const s = runCli(['sign', 'key', ref, '--private-key', k.priv, '--insecure', '--json'], { cwd: dir });
  assert.equal(s.status, 0, s.stderr);
  const out = JSON.parse(s.stdout);
  assert.ok(validate(out), JSON.stringify(validate.errors));
  assert.equal(out.signature, undefined);
  assert.equal(existsSync(join(dir, 'model.sig')), false, 'output mode registry (the default for references) writes no file');
  assert.equal(out.image.digest, art.digest, 'the digest is over the bytes as stored (pretty-printed), not re-serialized');
  assert.equal(out.image.attached.location, 'referrers tag');
  assert.equal(out.modelName, ref);
  assert.deepEqual(out.resources.map((r) => r.name), ['README.md', 'config.json', 'model.safetensors'], 'a layer titled config.json replaces the config');

  // The signature artifact, in the fork's layout, with the subject = the signed manifest.
  const sigm = await getManifest(reg.host, 'models/bert', out.image.attached.digest);
  assert.equal(sigm.status, 200);
  const sm = JSON.parse(sigm.raw);
  assert.equal(sm.artifactType, 'application/vnd.model-signing.signature.v0.1');
  assert.equal(sm.config.mediaType, 'application/vnd.model-signing.signature.v0.1.config+json');
  assert.equal(sm.config.digest, sha256('{}'));
  assert.equal(sm.layers.length, 1);
  assert.equal(sm.layers[0].mediaType, 'application/vnd.dev.sigstore.bundle.v0.3+json');
  assert.deepEqual(sm.subject, { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: art.digest, size: art.raw.length });
  // The distribution spec's fallback: an index under sha256-<hex> listing the signature.
  const idx = await getManifest(reg.host, 'models/bert', `sha256-${art.digest.slice(7)}`);
  assert.equal(idx.status, 200);
  const ij = JSON.parse(idx.raw);
  assert.equal(ij.mediaType, 'application/vnd.oci.image.index.v1+json');
  assert.deepEqual(ij.manifests.map((m) => [m.digest, m.artifactType]), [[out.image.attached.digest, 'application/vnd.model-signing.signature.v0.1']]);

  const v = runCli(['verify', 'key', ref, '--public-key', k.pub, '--insecure']);
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, /Verification succeeded/);
  assert.match(v.stderr, /found in the referrers tag/);

  // A second signature is appended to the fallback index, not replacing the first.
  const k2 = keys(dir, 'second');
  assert.equal(runCli(['sign', 'key', ref, '--private-key', k2.priv, '--insecure']).status, 0);
  const idx2 = JSON.parse((await getManifest(reg.host, 'models/bert', `sha256-${art.digest.slice(7)}`)).raw);
  assert.equal(idx2.manifests.length, 2);
  for (const key of [k, k2]) assert.equal(runCli(['verify', 'key', ref, '--public-key', key.pub, '--insecure']).status, 0, 'each signer verifies');
  const other = keys(dir, 'other');
  const no = runCli(['verify', 'key', ref, '--public-key', other.pub, '--insecure']);
  assert.equal(no.status, 1);
  assert.match(no.stderr, /none of the 2 attached signatures verifies/);

  // --local-model: the pulled folder hashes to the signed names (the config blob is not a local file).
  const pulled = join(dir, 'pulled');
  mkdirSync(pulled);
  for (const [n, c] of Object.entries(files)) writeFileSync(join(pulled, n), c);
  assert.equal(runCli(['verify', 'key', ref, '--public-key', k.pub, '--insecure', '--local-model', pulled]).status, 0);
  writeFileSync(join(pulled, 'model.safetensors'), 'tampered');
  const lt = runCli(['verify', 'key', ref, '--public-key', k.pub, '--insecure', '--local-model', pulled]);
  assert.equal(lt.status, 1);
  assert.match(lt.stderr, /digest mismatch\(es\): 'model\.safetensors'/);
});

test('tag mode: the sha256-<hex>.sig tag; output-mode both writes the same bundle to a file', { skip }, async (t) => {
  const reg = await startRegistry(t);
  const dir = tempDir(t);
  const k = keys(dir);
  const art = await pushOrasArtifact(reg.host, 'm/tagged', 'v1', files);
  const ref = `oci://${reg.host}/m/tagged:v1`;
  const sig = join(dir, 'out.sig');
  const s = runCli(['sign', 'key', ref, '--private-key', k.priv, '--insecure', '--attachment-mode', 'tag', '--output-mode', 'both', '--signature', sig]);
  assert.equal(s.status, 0, s.stderr);
  const tag = `sha256-${art.digest.slice(7)}.sig`;
  const tm = await getManifest(reg.host, 'm/tagged', tag);
  assert.equal(tm.status, 200);
  const j = JSON.parse(tm.raw);
  assert.equal(j.annotations['dev.sigstore.model-signing.artifact-type'], 'application/vnd.model-signing.signature.v0.1');
  assert.equal(j.config.mediaType, 'application/vnd.oci.image.config.v1+json');
  assert.equal(j.artifactType, undefined);
  const layer = await getBlob(reg.host, 'm/tagged', j.layers[0].digest);
  assert.deepEqual(JSON.parse(layer.bytes), JSON.parse(readFileSync(sig, 'utf8')), 'the attached bundle is the file written');
  assert.equal((await getManifest(reg.host, 'm/tagged', `sha256-${art.digest.slice(7)}`)).status, 404, 'no referrers index in tag mode');
  const v = runCli(['verify', 'key', ref, '--public-key', k.pub, '--insecure']);
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stderr, /found in the signature tag/);
  // The file verifies against the registry's manifest too.
  assert.equal(runCli(['verify', 'key', ref, '--public-key', k.pub, '--insecure', '--signature', sig]).status, 0);
});

test('tampering fails: the manifest, the attached bundle, a registry blob, a local file', { skip }, async (t) => {
  const reg = await startRegistry(t);
  const dir = tempDir(t);
  const k = keys(dir);
  const art = await pushOrasArtifact(reg.host, 'm/t', 'v1', files);
  const ref = `${reg.host}/m/t:v1`;
  const sig = join(dir, 'm.sig');
  assert.equal(runCli(['sign', 'key', ref, '--private-key', k.priv, '--insecure', '--output-mode', 'both', '--signature', sig]).status, 0);

  // The tag now points to a changed manifest: no signature is attached to it, and the file's does not match.
  await pushOrasArtifact(reg.host, 'm/t', 'v1', { ...files, 'model.safetensors': 'weights-evil' });
  const v1 = runCli(['verify', 'key', ref, '--public-key', k.pub, '--insecure']);
  assert.equal(v1.status, 1);
  assert.match(v1.stderr, /no signature attached to sha256:/);
  const v2 = runCli(['verify', 'key', ref, '--public-key', k.pub, '--insecure', '--signature', sig]);
  assert.equal(v2.status, 1);
  assert.match(v2.stderr, /digest mismatch\(es\): 'model\.safetensors'/);

  // The original manifest by digest still verifies; then its attached bundle is tampered with in storage.
  const byDigest = `${reg.host}/m/t@${art.digest}`;
  assert.equal(runCli(['verify', 'key', byDigest, '--public-key', k.pub, '--insecure']).status, 0);
  const idx = JSON.parse((await getManifest(reg.host, 'm/t', `sha256-${art.digest.slice(7)}`)).raw);
  const sigManifest = JSON.parse((await getManifest(reg.host, 'm/t', idx.manifests[0].digest)).raw);
  const bundleFile = blobPath(reg, sigManifest.layers[0].digest);
  const bundle = JSON.parse(readFileSync(bundleFile, 'utf8'));
  const payload = JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64'));
  payload.predicate.resources[0].digest = hex('evil');
  bundle.dsseEnvelope.payload = Buffer.from(JSON.stringify(payload)).toString('base64');
  // (a) the stored blob no longer matches its digest: refused while reading
  writeFileSync(bundleFile, JSON.stringify(bundle));
  const v3 = runCli(['verify', 'key', byDigest, '--public-key', k.pub, '--insecure']);
  assert.equal(v3.status, 1);
  assert.match(v3.stderr, /skipping an unreadable attached signature: .*blob (content does not match its digest|is \d+ bytes, not the \d+ its descriptor says)/);
  assert.match(v3.stderr, /no signature attached to sha256:/);
  // (b) a well-formed artifact carrying the altered bundle: the signature check fails
  const b = await putBlob(reg.host, 'm/t', Buffer.from(JSON.stringify(bundle)));
  const evil = Buffer.from(JSON.stringify({ ...sigManifest, layers: [{ ...sigManifest.layers[0], digest: b.digest, size: b.size }] }));
  await putManifest(reg.host, 'm/t', `sha256-${art.digest.slice(7)}.sig`, evil);
  const v4 = runCli(['verify', 'key', byDigest, '--public-key', k.pub, '--insecure']);
  assert.equal(v4.status, 1);
  assert.match(v4.stderr, /the DSSE signature was not made by the given public key/);
});

test('ModelCar: sign by reference; layer contents hashed on verify; a swapped layer with kept annotations fails', { skip }, async (t) => {
  const reg = await startRegistry(t);
  const dir = tempDir(t);
  const k = keys(dir);
  const img = await pushModelCar(reg.host, 'kserve/modelcar', 'v1');
  const ref = `${reg.host}/kserve/modelcar:v1`;
  const s = runCli(['sign', 'key', ref, '--private-key', k.priv, '--insecure', '--json']);
  assert.equal(s.status, 0, s.stderr);
  const out = JSON.parse(s.stdout);
  assert.deepEqual(
    out.resources.map((r) => [r.name, r.digest]),
    [['extra/a.txt', hex('aaa')], ['extra/b.txt', hex('bbb')], ['model.bin', hex('the weights')], ['tokenizer.json', hex('{"vocab":[]}')]],
    'OLOT content digests for file layers, hashed files for directory layers, no config, no base layer',
  );
  const v = runCli(['verify', 'key', ref, '--public-key', k.pub, '--insecure', '--json']);
  assert.equal(v.status, 0, v.stderr);
  const vj = JSON.parse(v.stdout);
  assert.ok(validate(vj), JSON.stringify(validate.errors));
  assert.equal(vj.image.layersChecked, 3);

  // Unpacked ModelCar folder (the /models directory).
  const local = join(dir, 'models');
  mkdirSync(join(local, 'extra'), { recursive: true });
  for (const [n, c] of Object.entries(modelCarFiles)) writeFileSync(join(local, n), c);
  writeFileSync(join(local, 'extra', 'a.txt'), 'aaa');
  writeFileSync(join(local, 'extra', 'b.txt'), 'bbb');
  assert.equal(runCli(['verify', 'key', ref, '--public-key', k.pub, '--insecure', '--local-model', local]).status, 0);

  // A layer swapped for other weights, annotations kept, with the original signature attached to it
  // (the Red Hat fork's verifier accepts this: it reads only the annotations).
  const swapped = await pushModelCar(reg.host, 'kserve/modelcar', 'evil', { swap: 'backdoored weights' });
  const sigPath = join(dir, 'orig.sig');
  assert.equal(runCli(['sign', 'key', ref, '--private-key', k.priv, '--insecure', '--output-mode', 'file', '--signature', sigPath]).status, 0);
  const bundle = await putBlob(reg.host, 'kserve/modelcar', readFileSync(sigPath));
  const cfg = await putBlob(reg.host, 'kserve/modelcar', Buffer.from('{}'));
  await putManifest(reg.host, 'kserve/modelcar', `sha256-${swapped.digest.slice(7)}.sig`, Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...cfg },
    layers: [{ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', ...bundle }],
    annotations: { 'dev.sigstore.model-signing.artifact-type': 'application/vnd.model-signing.signature.v0.1' },
  })));
  const bad = runCli(['verify', 'key', `${reg.host}/kserve/modelcar:evil`, '--public-key', k.pub, '--insecure']);
  assert.equal(bad.status, 1, bad.stderr);
  assert.match(bad.stderr, /digest mismatch\(es\): 'model\.bin'/);

  // A blob altered in the registry's storage: its digest no longer matches the descriptor.
  writeFileSync(blobPath(reg, img.layers[2].digest), tarOf({ 'models/tokenizer.json': '{"vocab":["x"]}' }));
  const tb = runCli(['verify', 'key', ref, '--public-key', k.pub, '--insecure']);
  assert.equal(tb.status, 1);
  assert.match(tb.stderr, /kserve\/modelcar.*blob (content does not match its digest|is \d+ bytes)/);
});

test('the fork\'s referrers layout (no annotations, subject typed as an OCI manifest) is found and verifies', { skip }, async (t) => {
  const reg = await startRegistry(t);
  const dir = tempDir(t);
  const k = keys(dir);
  const art = await pushOrasArtifact(reg.host, 'fork/model', 'v1', files);
  const ref = `${reg.host}/fork/model:v1`;
  const sig = join(dir, 'fork.sig');
  assert.equal(runCli(['sign', 'key', ref, '--private-key', k.priv, '--insecure', '--output-mode', 'file', '--signature', sig]).status, 0);
  // Exactly what the fork pushes in referrers mode; distribution 2.8 has no referrers API, so we
  // also list it in the fallback index as a referrers-aware client would.
  const bundle = await putBlob(reg.host, 'fork/model', readFileSync(sig));
  const cfg = await putBlob(reg.host, 'fork/model', Buffer.from('{}'));
  const raw = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    artifactType: 'application/vnd.model-signing.signature.v0.1',
    config: { mediaType: 'application/vnd.model-signing.signature.v0.1.config+json', ...cfg },
    layers: [{ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', ...bundle }],
    subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: art.digest, size: art.raw.length },
  }));
  const d = await putManifest(reg.host, 'fork/model', sha256(raw), raw);
  await putManifest(reg.host, 'fork/model', `sha256-${art.digest.slice(7)}`, Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: d, size: raw.length, artifactType: 'application/vnd.model-signing.signature.v0.1' }],
  })), 'application/vnd.oci.image.index.v1+json');
  const v = runCli(['verify', 'key', ref, '--public-key', k.pub, '--insecure']);
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stderr, new RegExp(`Signature ${d} found in the referrers tag`));
});

test('bad input: unreachable, 404, an index (and --platform), plain HTTP to a remote host; one line, exit 1, nothing pushed', { skip }, async (t) => {
  const reg = await startRegistry(t);
  const dir = tempDir(t);
  const k = keys(dir);
  const closed = await freePort(); // nothing listens there
  const unreachable = runCli(['sign', 'key', `127.0.0.1:${closed}/m/x:v1`, '--private-key', k.priv, '--insecure']);
  assert.equal(unreachable.status, 1);
  assert.equal(unreachable.stderr, `Signing failed with error: 127.0.0.1:${closed}/m/x:v1: cannot reach the registry at http://127.0.0.1:${closed} (ECONNREFUSED)\n`);
  const missing = runCli(['verify', 'key', `${reg.host}/m/none:v1`, '--public-key', k.pub, '--insecure']);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, new RegExp(`${reg.host}/m/none:v1: manifest not found`));
  assert.equal(missing.stderr.trim().split('\n').length, 1);

  const a = await pushOrasArtifact(reg.host, 'm/multi', 'amd64', files);
  const index = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: a.digest, size: a.raw.length, platform: { os: 'linux', architecture: 'amd64' } }],
  }));
  await putManifest(reg.host, 'm/multi', 'v1', index, 'application/vnd.oci.image.index.v1+json');
  const ref = `${reg.host}/m/multi:v1`;
  const noPlatform = runCli(['sign', 'key', ref, '--private-key', k.priv, '--insecure']);
  assert.equal(noPlatform.status, 1);
  assert.match(noPlatform.stderr, /m\/multi:v1: the reference is an image index \(manifest list\), not an image manifest: pick one with --platform \(linux\/amd64\)/);
  assert.equal((await getManifest(reg.host, 'm/multi', `sha256-${a.digest.slice(7)}`)).status, 404, 'nothing pushed');
  const wrong = runCli(['sign', 'key', ref, '--private-key', k.priv, '--insecure', '--platform', 'linux/arm64']);
  assert.equal(wrong.status, 1);
  assert.match(wrong.stderr, /no manifest for platform linux\/arm64/);
  const ok = runCli(['sign', 'key', ref, '--private-key', k.priv, '--insecure', '--platform', 'linux/amd64']);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal((await getManifest(reg.host, 'm/multi', `sha256-${a.digest.slice(7)}`)).status, 200, 'attached to the platform manifest');
  assert.equal(runCli(['verify', 'key', ref, '--public-key', k.pub, '--insecure', '--platform', 'linux/amd64']).status, 0);

  const remote = runCli(['sign', 'key', 'registry.example.com/m/x:v1', '--private-key', k.priv, '--insecure']);
  assert.equal(remote.status, 1);
  assert.match(remote.stderr, /refusing plain HTTP to registry\.example\.com: --insecure is for loopback registries only/);
  const digestRef = runCli(['verify', 'key', `${reg.host}/m/multi@sha256:${'0'.repeat(64)}`, '--public-key', k.pub, '--insecure']);
  assert.equal(digestRef.status, 1);
  assert.match(digestRef.stderr, /manifest not found/);
});

test('basic auth from the docker config file (htpasswd registry); wrong credentials say so', { skip }, async (t) => {
  const dir = tempDir(t);
  // bcrypt of "s3cret-pw" (portable: any bcrypt implementation checks it).
  writeFileSync(join(dir, 'htpasswd'), 'alice:$2b$05$abcdefghijklmnopqrstuuzSvhclVSvY9ufOheOOhcPviTPFJlqIC\n');
  const reg = await startRegistry(t, `auth:\n  htpasswd:\n    realm: test\n    path: ${join(dir, 'htpasswd')}\n`);
  const k = keys(dir);
  const docker = join(dir, 'docker');
  mkdirSync(docker);
  const auth = (pw) => writeFileSync(join(docker, 'config.json'), JSON.stringify({ auths: { [reg.host]: { auth: Buffer.from(`alice:${pw}`).toString('base64') } } }));
  auth('s3cret-pw');
  const env = { DOCKER_CONFIG: docker, REGISTRY_AUTH_FILE: '', XDG_RUNTIME_DIR: '' };
  // Content pushed with our client (the helpers have no credentials).
  const { RegistryClient } = await import('../dist/oci/registry-client.js');
  const c = new RegistryClient(reg.host, { insecure: true, credential: { username: 'alice', password: 's3cret-pw' } });
  const cfg = await c.pushBlob('p/m', Buffer.from('{}'));
  const layer = await c.pushBlob('p/m', Buffer.from('w'));
  await c.putManifest('p/m', 'v1', Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.empty.v1+json', ...cfg }, layers: [{ mediaType: 'application/octet-stream', ...layer, annotations: { 'org.opencontainers.image.title': 'w.bin' } }] })), 'application/vnd.oci.image.manifest.v1+json');
  const ref = `${reg.host}/p/m:v1`;
  const s = runCli(['sign', 'key', ref, '--private-key', k.priv, '--insecure'], { env });
  assert.equal(s.status, 0, s.stderr);
  assert.equal(runCli(['verify', 'key', ref, '--public-key', k.pub, '--insecure'], { env }).status, 0);
  auth('wrong');
  const bad = runCli(['verify', 'key', ref, '--public-key', k.pub, '--insecure'], { env });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, new RegExp(`${reg.host}/p/m:v1: authentication failed \\(HTTP 401\\) with the credentials stored for ${reg.host}`));
  const anon = runCli(['verify', 'key', ref, '--public-key', k.pub, '--insecure'], { env: { ...env, DOCKER_CONFIG: join(dir, 'none') } });
  assert.equal(anon.status, 1);
  assert.match(anon.stderr, /authentication failed \(HTTP 401\) with anonymous access/);
});

test('inspect shows the image reference, the manifest digest and the attached signatures (not verified)', { skip }, async (t) => {
  const reg = await startRegistry(t);
  const dir = tempDir(t);
  const k = keys(dir);
  const art = await pushOrasArtifact(reg.host, 'i/m', 'v1', files);
  const ref = `${reg.host}/i/m:v1`;
  const sig = join(dir, 'i.sig');
  assert.equal(runCli(['sign', 'key', ref, '--private-key', k.priv, '--insecure', '--output-mode', 'both', '--signature', sig]).status, 0);
  const r = runCli(['inspect', ref, '--insecure']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`image reference: ${reg.host}/i/m:v1\\nmanifest digest: ${art.digest}\\nsignatures attached: 1`));
  assert.match(r.stdout, /NOT VERIFIED/);
  const j = runCli(['inspect', ref, '--insecure', '--json']);
  assert.equal(j.status, 0, j.stderr);
  const out = JSON.parse(j.stdout);
  assert.ok(validate(out), JSON.stringify(validate.errors));
  assert.equal(out.image.digest, art.digest);
  assert.equal(out.image.signatures[0].location, 'referrers tag');
  assert.equal(out.statement.modelName, ref);
  const f = runCli(['inspect', sig]);
  assert.equal(f.status, 0, f.stderr);
  assert.match(f.stdout, new RegExp(`image reference \\(claimed\\): ${reg.host}/i/m:v1`));
  const none = runCli(['inspect', `${reg.host}/i/none:v1`, '--insecure']);
  assert.equal(none.status, 1);
  assert.match(none.stderr, /i\/none:v1: manifest not found/);
});

test('skopeo interop: the manifest skopeo fetches signs to the same payload as the reference, and verifies', { skip: NO_REGISTRY || (spawnSync('skopeo', ['--version']).status === 0 ? false : 'skopeo is not installed') }, async (t) => {
  const reg = await startRegistry(t);
  const dir = tempDir(t);
  const k = keys(dir);
  const art = await pushOrasArtifact(reg.host, 'sk/model', 'v1', files, { pretty: true });
  const raw = execFileSync('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${reg.host}/sk/model:v1`]);
  assert.equal(sha256(raw), art.digest, 'skopeo hands out the stored bytes');
  const mf = join(dir, 'model.json');
  writeFileSync(mf, raw);
  const fileSig = join(dir, 'file.sig');
  const refSig = join(dir, 'ref.sig');
  assert.equal(runCli(['sign', 'key', mf, '--private-key', k.priv, '--signature', fileSig]).status, 0);
  assert.equal(runCli(['sign', 'key', `${reg.host}/sk/model:v1`, '--private-key', k.priv, '--insecure', '--output-mode', 'file', '--signature', refSig]).status, 0);
  const resources = (p) => JSON.parse(Buffer.from(JSON.parse(readFileSync(p, 'utf8')).dsseEnvelope.payload, 'base64')).predicate.resources;
  assert.deepEqual(resources(fileSig), resources(refSig));
  // A signature made from the file verifies against the registry, and the other way round.
  assert.equal(runCli(['verify', 'key', `${reg.host}/sk/model:v1`, '--public-key', k.pub, '--insecure', '--signature', fileSig]).status, 0);
  assert.equal(runCli(['verify', 'key', mf, '--public-key', k.pub, '--signature', refSig]).status, 0);
});
