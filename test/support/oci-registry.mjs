// A real OCI registry for the tests: Debian's docker-registry (distribution 2.8) on 127.0.0.1 with a
// temporary configuration and storage. It has no referrers API, so it exercises the fallback paths.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { RegistryClient } from '../../dist/oci/registry-client.js';

export const REGISTRY_BIN = '/usr/bin/docker-registry';
export const NO_REGISTRY = existsSync(REGISTRY_BIN) || spawnSync('which', ['docker-registry']).status === 0
  ? false
  : 'docker-registry (Debian package docker-registry) is not installed';

export const sha256 = (b) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitReady(url, proc, ms = 15_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (proc.exitCode !== null) throw new Error(`docker-registry exited with ${proc.exitCode}`);
    try {
      const r = await fetch(url);
      if (r.status === 200 || r.status === 401) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('docker-registry did not start');
}

/** Starts a registry; `extraConfig` is appended YAML (e.g. an auth section). Stopped by `t.after`. */
export async function startRegistry(t, extraConfig = '') {
  const dir = mkdtempSync(join(tmpdir(), 'ms-registry-'));
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const cfg = join(dir, 'config.yml');
    writeFileSync(
      cfg,
      `version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${join(dir, 'data')}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:${port}
${extraConfig}`,
    );
    const proc = spawn(REGISTRY_BIN, ['serve', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (c) => (stderr += c));
    try {
      await waitReady(`http://127.0.0.1:${port}/v2/`, proc);
    } catch (e) {
      proc.kill();
      if (attempt < 2) continue;
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`${e.message}: ${stderr.slice(0, 500)}`);
    }
    t.after(() => {
      proc.kill();
      rmSync(dir, { recursive: true, force: true });
    });
    return { host: `127.0.0.1:${port}`, port, dir, proc };
  }
}

/** Content is pushed with our own registry client (its uploads and manifest PUTs are under test too). */
const client = (host) => new RegistryClient(host, { insecure: true, credential: null });

export async function putBlob(host, repo, bytes) {
  return client(host).pushBlob(repo, Buffer.from(bytes));
}

export async function putManifest(host, repo, ref, raw, mediaType = 'application/vnd.oci.image.manifest.v1+json') {
  return (await client(host).putManifest(repo, ref, Buffer.from(raw), mediaType)).digest;
}

/** Raw HTTP reads, independent of the client, to check what is stored. */
export async function getManifest(host, repo, ref, accept = 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json') {
  const r = await fetch(`http://${host}/v2/${repo}/manifests/${ref}`, { headers: { accept } });
  return { status: r.status, raw: Buffer.from(await r.arrayBuffer()), digest: r.headers.get('docker-content-digest') };
}

export async function getBlob(host, repo, digest) {
  const r = await fetch(`http://${host}/v2/${repo}/blobs/${digest}`);
  return { status: r.status, bytes: Buffer.from(await r.arrayBuffer()) };
}

/** An ORAS-style artifact: each file a raw blob titled with its name; config `{}`. Returns the manifest raw bytes and digest. */
export async function pushOrasArtifact(host, repo, tag, files, { pretty = false } = {}) {
  const config = await putBlob(host, repo, Buffer.from('{}'));
  const layers = [];
  for (const [name, content] of Object.entries(files)) {
    const b = await putBlob(host, repo, Buffer.from(content));
    layers.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: b.digest, size: b.size, annotations: { 'org.opencontainers.image.title': name } });
  }
  const manifest = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    artifactType: 'application/vnd.unknown.artifact.v1',
    config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: config.digest, size: config.size },
    layers,
  };
  // pretty: stored with whitespace, so its digest differs from any re-serialization.
  const raw = Buffer.from(pretty ? JSON.stringify(manifest, null, 3) + '\n' : JSON.stringify(manifest));
  const digest = await putManifest(host, repo, tag, raw);
  return { raw, digest, manifest };
}

/** A minimal ustar archive of regular files (name -> content). */
export function tarOf(files) {
  const blocks = [];
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.from(content);
    const h = Buffer.alloc(512);
    h.write(name, 0, 100, 'utf8');
    h.write('0000644\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(data.length.toString(8).padStart(11, '0') + '\0', 124);
    h.write('00000000000\0', 136);
    h.write('        ', 148);
    h.write('0', 156);
    h.write('ustar\0', 257);
    h.write('00', 263);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    blocks.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}
