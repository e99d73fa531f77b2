// A real, signed TUF cache on disk (root, timestamp, snapshot, targets metadata and the targets), laid out as
// @sigstore/tuf keeps a mirror's cache, so the offline use of a cached trusted root can be tested without a
// network: the metadata is built and signed with @tufjs/models (the models behind tuf-js) and a fresh Ed25519 key.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Metadata, MetadataKind, Signature } from '@tufjs/models';

const SPEC = '1.0.31';

/** The folder @sigstore/tuf uses for a mirror inside a cache folder (host + path, URL-encoded). */
export function mirrorDir(cacheDir, mirror) {
  const url = new URL(mirror);
  return path.join(cacheDir, encodeURIComponent(url.host + url.pathname.replace(/\/$/, '')));
}

/**
 * Writes a signed TUF repository cache for `mirror` under `cacheDir` holding `targets` ({ name: Buffer }).
 * Directories are 0700 and files 0600 (a safe cache). Returns { repo, targetsDir }.
 */
export function writeTufCache(cacheDir, mirror, targets, { expiresInDays = 7 } = {}) {
  const repo = mirrorDir(cacheDir, mirror);
  const targetsDir = path.join(repo, 'targets');
  fs.mkdirSync(targetsDir, { recursive: true, mode: 0o700 });
  for (let d = targetsDir; d.length >= cacheDir.length; d = path.dirname(d)) fs.chmodSync(d, 0o700);
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('hex');
  const key = { keytype: 'ed25519', scheme: 'ed25519', keyval: { public: raw } };
  const keyid = crypto.createHash('sha256').update(JSON.stringify(key)).digest('hex');
  const expires = new Date(Date.now() + expiresInDays * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const role = { keyids: [keyid], threshold: 1 };
  const common = { spec_version: SPEC, version: 1, expires };
  const files = {
    'root.json': [MetadataKind.Root, { _type: 'root', ...common, consistent_snapshot: false, keys: { [keyid]: key }, roles: { root: role, timestamp: role, snapshot: role, targets: role } }],
    'targets.json': [MetadataKind.Targets, {
      _type: 'targets', ...common,
      targets: Object.fromEntries(Object.entries(targets).map(([name, bytes]) => [name, { length: bytes.length, hashes: { sha256: crypto.createHash('sha256').update(bytes).digest('hex') } }])),
    }],
    'snapshot.json': [MetadataKind.Snapshot, { _type: 'snapshot', ...common, meta: { 'targets.json': { version: 1 } } }],
    'timestamp.json': [MetadataKind.Timestamp, { _type: 'timestamp', ...common, meta: { 'snapshot.json': { version: 1 } } }],
  };
  for (const [name, [kind, signed]] of Object.entries(files)) {
    const md = Metadata.fromJSON(kind, { signed, signatures: [] });
    md.sign((data) => new Signature({ keyID: keyid, sig: crypto.sign(null, data, privateKey).toString('hex') }));
    fs.writeFileSync(path.join(repo, name), JSON.stringify(md.toJSON()), { mode: 0o600 });
  }
  for (const [name, bytes] of Object.entries(targets)) fs.writeFileSync(path.join(targetsDir, encodeURIComponent(name)), bytes, { mode: 0o600 });
  return { repo, targetsDir };
}
