// A real TUF repository on disk (signed with @tufjs/models, ECDSA P-256), for testing the trust-root refresh:
// root v1 (which may be expired), a newer root v2, timestamp, snapshot and targets holding a Sigstore
// trusted_root.json and signing_config.v0.2.json.
import { generateKeyPairSync, sign as cryptoSign, createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Key, Metadata, MetaFile, Root, Signature, Snapshot, TargetFile, Targets, Timestamp } from '@tufjs/models';

const ROLES = ['root', 'targets', 'snapshot', 'timestamp'];

function newKey() {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const keyVal = { public: pem };
  const keyID = createHash('sha256').update(JSON.stringify({ keytype: 'ecdsa', scheme: 'ecdsa-sha2-nistp256', keyval: keyVal })).digest('hex');
  const key = new Key({ keyID, keyType: 'ecdsa', scheme: 'ecdsa-sha2-nistp256', keyVal });
  const signer = (data) => new Signature({ keyID, sig: cryptoSign('sha256', data, privateKey).toString('hex') });
  return { key, signer };
}

const iso = (d) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const days = (n) => new Date(Date.now() + n * 86_400_000);

function rootMetadata(version, expires, keys) {
  const root = new Root({ version, specVersion: '1.0.31', expires: iso(expires), consistentSnapshot: false });
  for (const role of ROLES) root.addKey(keys[role].key, role);
  return new Metadata(root);
}

function write(dir, name, md) {
  writeFileSync(join(dir, name), JSON.stringify(md.toJSON()));
}

/**
 * Writes the repository into `dir`. `rootV1Expired`: v1 expired yesterday (an embedded root that has run out).
 * Returns { rootV1, rootV2 } (JSON objects) and the targets' contents.
 */
export function writeTufRepo(dir, { trustedRoot, signingConfig, rootV1Expired = true } = {}) {
  mkdirSync(join(dir, 'targets'), { recursive: true });
  const k1 = Object.fromEntries(ROLES.map((r) => [r, newKey()]));
  // v2 rotates the root key (signed by the old and the new root key, as TUF requires).
  const k2 = { ...k1, root: newKey() };
  const v1 = rootMetadata(1, rootV1Expired ? days(-1) : days(30), k1);
  v1.sign(k1.root.signer);
  const v2 = rootMetadata(2, days(60), k2);
  v2.sign(k1.root.signer);
  v2.sign(k2.root.signer, true);
  write(dir, '1.root.json', v1);
  write(dir, '2.root.json', v2);
  write(dir, 'root.json', v2);

  const files = { 'trusted_root.json': JSON.stringify(trustedRoot), 'signing_config.v0.2.json': JSON.stringify(signingConfig) };
  const targetFiles = {};
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(join(dir, 'targets', name), text);
    targetFiles[name] = new TargetFile({ path: name, length: Buffer.byteLength(text), hashes: { sha256: createHash('sha256').update(text).digest('hex') } });
  }
  const targets = new Metadata(new Targets({ version: 1, specVersion: '1.0.31', expires: iso(days(30)), targets: targetFiles }));
  targets.sign(k2.targets.signer);
  write(dir, 'targets.json', targets);
  const snapshot = new Metadata(new Snapshot({ version: 1, specVersion: '1.0.31', expires: iso(days(30)), meta: { 'targets.json': new MetaFile({ version: 1 }) } }));
  snapshot.sign(k2.snapshot.signer);
  write(dir, 'snapshot.json', snapshot);
  const timestamp = new Metadata(new Timestamp({ version: 1, specVersion: '1.0.31', expires: iso(days(1)), snapshotMeta: new MetaFile({ version: 1 }) }));
  timestamp.sign(k2.timestamp.signer);
  write(dir, 'timestamp.json', timestamp);
  return { rootV1: v1.toJSON(), rootV2: v2.toJSON(), files };
}
