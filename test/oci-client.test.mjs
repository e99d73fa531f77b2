// The registry client, the credentials lookup and the tar reader on their own, against Debian's
// docker-registry (distribution 2.8) where a registry is needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { tempDir } from './support/cli.mjs';
import { NO_REGISTRY, startRegistry, putBlob, sha256, tarOf } from './support/oci-registry.mjs';
import { RegistryClient } from '../dist/oci/registry-client.js';
import { lookupCredential } from '../dist/oci/credentials.js';
import { TarReader } from '../dist/oci/tar-reader.js';

test('client: blobs and manifests round-trip; raw bytes kept; digests and sizes checked; limits', { skip: NO_REGISTRY }, async (t) => {
  const reg = await startRegistry(t);
  const c = new RegistryClient(reg.host, { insecure: true, credential: null });
  const b = await c.pushBlob('a/b', Buffer.from('hello'));
  assert.deepEqual(b, { digest: sha256('hello'), size: 5 });
  assert.equal(await c.blobExists('a/b', b.digest), true);
  assert.equal(await c.blobExists('a/b', sha256('nope')), false);
  assert.equal((await c.getBlob('a/b', b, 100)).toString(), 'hello');
  await assert.rejects(c.getBlob('a/b', { ...b, size: 4 }, 100), /blob is larger than the 4 bytes its descriptor says/);
  await assert.rejects(c.getBlob('a/b', { ...b, size: 6 }, 100), /blob is 5 bytes, not the 6 its descriptor says/);
  await assert.rejects(c.getBlob('a/b', b, 4), /blob is 5 bytes, more than the limit of 4/);
  await assert.rejects(c.getBlob('a/b', { digest: sha256('x'), size: 1 }, 10), /blob not found/);

  // Whitespace and key order are kept: the digest is of the bytes as stored.
  const cfg = await c.pushBlob('a/b', Buffer.from('{}'));
  const raw = Buffer.from(`{ "schemaVersion": 2,\n  "config": ${JSON.stringify({ mediaType: 'application/vnd.oci.empty.v1+json', ...cfg })},\n  "mediaType": "application/vnd.oci.image.manifest.v1+json", "layers": [${JSON.stringify({ mediaType: 'x', ...b })}] }\n`);
  const put = await c.putManifest('a/b', 'v1', raw, 'application/vnd.oci.image.manifest.v1+json');
  assert.equal(put.digest, sha256(raw));
  assert.equal(put.ociSubject, null, 'distribution 2.8 sends no OCI-Subject');
  const got = await c.getManifest('a/b', 'v1');
  assert.ok(got.raw.equals(raw));
  assert.equal(got.digest, sha256(raw));
  assert.ok((await c.getManifest('a/b', put.digest)).raw.equals(raw));
  assert.equal(await c.getManifest('a/b', 'missing'), null);
  assert.equal(await c.referrers('a/b', put.digest), null, 'no referrers API: null, so callers use the fallback tag');
});

test('client: plain HTTP only for loopback registries unless forced', async () => {
  assert.throws(() => new RegistryClient('registry.example.com', { insecure: true, credential: null }), /refusing plain HTTP to registry\.example\.com/);
  assert.doesNotThrow(() => new RegistryClient('registry.example.com', { insecure: true, forceInsecure: true, credential: null }));
  for (const h of ['localhost:5000', '127.0.0.1:5000', '[::1]:5000']) assert.doesNotThrow(() => new RegistryClient(h, { insecure: true, credential: null }));
});

test('credentials: REGISTRY_AUTH_FILE, then podman, then DOCKER_CONFIG; user/password fields; malformed entries', (t) => {
  const dir = tempDir(t);
  const enc = (s) => Buffer.from(s).toString('base64');
  const docker = join(dir, 'docker');
  mkdirSync(docker);
  writeFileSync(join(docker, 'config.json'), JSON.stringify({ auths: { 'reg.example:5000': { auth: enc('d:pw:with:colons') }, 'https://index.docker.io/v1/': { auth: enc('hub:x') } } }));
  const authFile = join(dir, 'auth.json');
  writeFileSync(authFile, JSON.stringify({ auths: { 'quay.io': { username: 'q', password: 'qp' } } }));
  const env = { DOCKER_CONFIG: docker, REGISTRY_AUTH_FILE: authFile, HOME: dir };
  assert.deepEqual(lookupCredential('reg.example:5000', env), { username: 'd', password: 'pw:with:colons' });
  assert.deepEqual(lookupCredential('quay.io', env), { username: 'q', password: 'qp' });
  assert.deepEqual(lookupCredential('docker.io', env), { username: 'hub', password: 'x' });
  assert.equal(lookupCredential('other.example', env), null);
  writeFileSync(authFile, JSON.stringify({ auths: { 'bad.example': { auth: enc('nocolon') } } }));
  assert.throws(() => lookupCredential('bad.example', env), /credentials for bad\.example in '.*auth\.json' are malformed/);
  writeFileSync(authFile, '{not json');
  assert.throws(() => lookupCredential('x', env), /registry auth file '.*auth\.json' is not valid JSON/);
  const fifo = join(dir, 'fifo.json');
  execFileSync('mkfifo', [fifo]);
  assert.throws(() => lookupCredential('x', { ...env, REGISTRY_AUTH_FILE: fifo }), /registry auth file '.*fifo\.json' is a FIFO \(named pipe\), not a regular file/, 'a FIFO does not block');
});

function readTar(buf, chunk = 7) {
  const out = [];
  let cur = null;
  const r = new TarReader({ entry: (e) => (cur = { ...e, data: [] }), data: (c) => cur.data.push(Buffer.from(c)), entryEnd: () => out.push({ ...cur, data: Buffer.concat(cur.data).toString() }) }, 'test');
  for (let i = 0; i < buf.length; i += chunk) r.write(buf.subarray(i, i + chunk));
  r.end();
  return out;
}

test('tar reader: ustar files in any chunking, GNU tar long names and pax paths, truncated and corrupt headers', (t) => {
  const simple = tarOf({ 'models/a.bin': 'A'.repeat(700), 'models/b.txt': '' });
  for (const n of [1, 7, 512, 100000]) {
    assert.deepEqual(readTar(simple, n).map((e) => [e.name, e.type, e.data.length]), [['models/a.bin', 'file', 700], ['models/b.txt', 'file', 0]]);
  }
  const dir = tempDir(t);
  const long = 'models/' + 'd'.repeat(120) + '/weights.bin';
  mkdirSync(join(dir, 'models', 'd'.repeat(120)), { recursive: true });
  writeFileSync(join(dir, long), 'long');
  for (const format of ['gnu', 'pax']) {
    const tar = execFileSync('tar', ['--format', format, '-C', dir, '-cf', '-', long]);
    assert.deepEqual(readTar(tar).filter((e) => e.type === 'file').map((e) => [e.name, e.data]), [[long, 'long']], format);
  }
  assert.throws(() => readTar(simple.subarray(0, 700)), /tar stream is truncated/);
  const bad = Buffer.from(simple);
  bad[10] ^= 1;
  assert.throws(() => readTar(bad), /bad tar header checksum/);
});

test('client: a registry that does not answer, or stalls mid-body, times out with a clear message', async (t) => {
  const { createServer } = await import('node:http');
  const server = createServer((req, res) => {
    if (req.url.includes('/silent/')) return; // never answers
    res.writeHead(200, { 'content-length': '100' });
    res.write('{"schema'); // then stalls
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  const c = new RegistryClient(`127.0.0.1:${server.address().port}`, { insecure: true, credential: null, timeoutMs: 300 });
  await assert.rejects(c.getManifest('silent/x', 'v1'), /silent\/x:v1: cannot reach the registry at http:\/\/127\.0\.0\.1:\d+ \(no answer within 0\.3 s\)/);
  await assert.rejects(c.getManifest('stall/x', 'v1'), /the transfer stalled or failed \(no data for 0\.3 s/);
});

test('client: HTTPS to a plain-HTTP loopback registry suggests --insecure', { skip: NO_REGISTRY }, async (t) => {
  const reg = await startRegistry(t);
  const c = new RegistryClient(reg.host, { credential: null, timeoutMs: 5000 });
  await assert.rejects(c.getManifest('a/b', 'v1'), new RegExp(`a/b:v1: cannot reach the registry at https://${reg.host} \\(.*\\); for a plain-HTTP registry on this machine add --insecure`));
});
