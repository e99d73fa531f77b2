// Small real models, real EC keys, and hand-made OMS statements signed by a real signer: the raw material of
// the hardening tests and the fuzzer. Digests are computed here with node:crypto, independently of our engine.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EllipticKeySigner } from '../../dist/signers/key.js';
import { softwareSigningKey } from '../../dist/keys.js';

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const PREDICATE_TYPE = 'https://model_signing/signature/v1.0';

/** Deterministic pseudo-random bytes (content differs per name, so swapped files are detectable). */
export function contentFor(name, size) {
  const out = Buffer.alloc(size);
  let block = Buffer.alloc(0);
  for (let i = 0, n = 0; i < size; i++) {
    if (i % 32 === 0) block = crypto.createHash('sha256').update(`${name}#${n++}`).digest();
    out[i] = block[i % 32];
  }
  return out;
}

/** The default small model: files at the top, in a sub-folder, and deeper; one spans several shards. */
export const MODEL_LAYOUT = {
  'config.json': 300,
  'weights.bin': 2500,
  'sub/tokenizer.txt': 700,
  'sub/deep/extra.dat': 64,
};

export function writeModel(dir, layout = MODEL_LAYOUT) {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, size] of Object.entries(layout)) {
    const p = path.join(dir, ...name.split('/'));
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, contentFor(name, size));
  }
  return dir;
}

export function mkTemp(prefix = 'ms-hardening-') {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A P-256 key pair written as PEM files in `dir`; returns paths, KeyObjects and a real signer. */
export function makeKeyPair(dir, curve = 'prime256v1') {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: curve });
  const privPath = path.join(dir, 'key.pem');
  const pubPath = path.join(dir, 'key.pub.pem');
  fs.writeFileSync(privPath, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  fs.writeFileSync(pubPath, publicKey.export({ type: 'spki', format: 'pem' }));
  return { privPath, pubPath, privateKey, publicKey, signer: new EllipticKeySigner(softwareSigningKey(privateKey)) };
}

const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex');

/** Code-point order, as OMS requires (plain `<` compares UTF-16 units). */
export function byCodePoint(a, b) {
  const x = [...a].map((c) => c.codePointAt(0));
  const y = [...b].map((c) => c.codePointAt(0));
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/** Every regular file under `dir` as model-relative POSIX names (no symlinks followed). */
export function listFiles(dir, prefix = '') {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(path.join(dir, e.name), rel));
    else if (e.isFile()) out.push(rel);
  }
  return out.sort(byCodePoint);
}

/** Resource descriptors of a model as OMS v1.0 describes them (sha256 only). */
export function resourcesOf(dir, { method = 'files', shardSize = 1000 } = {}) {
  const out = [];
  for (const name of listFiles(dir)) {
    const data = fs.readFileSync(path.join(dir, ...name.split('/')));
    if (method === 'files') {
      out.push({ name, algorithm: 'sha256', digest: sha256(data) });
      continue;
    }
    for (let start = 0; start < data.length; start += shardSize) {
      const end = Math.min(data.length, start + shardSize);
      out.push({ name: `${name}:${start}:${end}`, algorithm: 'sha256', digest: sha256(data.subarray(start, end)) });
    }
  }
  return out.sort((a, b) => byCodePoint(a.name, b.name));
}

export function rootDigestOf(resources) {
  const h = crypto.createHash('sha256');
  for (const r of resources) h.update(Buffer.from(r.digest, 'hex'));
  return h.digest('hex');
}

/** An OMS v1.0 statement object for `resources` (root digest computed over them as given). */
export function statementFor(resources, { method = 'files', shardSize = 1000, name = 'model', ignorePaths, allowSymlinks = false } = {}) {
  const serialization = { method, hash_type: 'sha256' };
  if (method === 'shards') serialization.shard_size = shardSize;
  serialization.allow_symlinks = allowSymlinks;
  if (ignorePaths) serialization.ignore_paths = ignorePaths;
  return {
    _type: STATEMENT_TYPE,
    subject: [{ name, digest: { sha256: rootDigestOf(resources) } }],
    predicateType: PREDICATE_TYPE,
    predicate: { resources, serialization },
  };
}

/** Signs exactly these payload bytes (a string, Buffer or object to stringify) into a key-method bundle. */
export async function signPayload(signer, payload) {
  const bytes = Buffer.isBuffer(payload) ? payload : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
  return signer.sign(bytes);
}

export function writeJson(file, value) {
  fs.writeFileSync(file, JSON.stringify(value));
  return file;
}

/** Recursively copies a model (symlinks copied as symlinks). */
export function copyModel(src, dst) {
  fs.cpSync(src, dst, { recursive: true, verbatimSymlinks: true });
  return dst;
}
