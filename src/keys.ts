/**
 * EC key handling for the key and certificate methods: loading PEM files, the
 * curve -> hash rule, the reference's public-key hint, and the signing-key
 * abstraction that software keys and PKCS #11 tokens both implement.
 */
import { createHash, createPrivateKey, createPublicKey, sign as cryptoSign, X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { readUserTextFile } from './io/read-user-file.js';
import { promisify } from 'node:util';
import { ModelSigningError, errorMessage } from './errors.js';

export type CurveHash = 'sha256' | 'sha384' | 'sha512';
export type EcCurve = 'P-256' | 'P-384' | 'P-521';

const CURVES: Record<string, { curve: EcCurve; hash: CurveHash; size: number }> = {
  prime256v1: { curve: 'P-256', hash: 'sha256', size: 32 },
  secp384r1: { curve: 'P-384', hash: 'sha384', size: 48 },
  secp521r1: { curve: 'P-521', hash: 'sha512', size: 66 },
};
const CURVE_SIZE: Record<EcCurve, number> = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };

function curveInfo(key: KeyObject): { curve: EcCurve; hash: CurveHash; size: number } {
  const type = key.asymmetricKeyType ?? 'unknown';
  if (type !== 'ec') {
    throw new ModelSigningError('KEY', `only EC P-256/P-384/P-521 keys are supported (got ${type})`);
  }
  const named = key.asymmetricKeyDetails?.namedCurve ?? 'unknown curve';
  const info = CURVES[named];
  if (!info) throw new ModelSigningError('KEY', `only EC P-256/P-384/P-521 keys are supported (got EC ${named})`);
  return info;
}

/** The hash the reference pairs with each curve (P-256 -> SHA-256, P-384 -> SHA-384, P-521 -> SHA-512). */
export function curveHash(key: KeyObject): CurveHash {
  return curveInfo(key).hash;
}

/** NIST name of the key's curve; throws the same KEY error as curveHash for anything else. */
export function curveName(key: KeyObject): EcCurve {
  return curveInfo(key).curve;
}

// ---------------------------------------------------------------------------------------------
// PEM files

interface PemBlock {
  label: string;
  text: string;
}

/**
 * PEM blocks of a file, ignoring any text around them (certtool writes a human-readable dump
 * before the armour). OpenSSL would skip that text too, but splitting ourselves lets us say
 * which kind of block was found when it is the wrong one.
 */
export function pemBlocks(text: string): PemBlock[] {
  const re = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
  const blocks: PemBlock[] = [];
  for (const m of text.matchAll(re)) blocks.push({ label: m[1]!, text: m[0] + '\n' });
  return blocks;
}

/** The command-line flag each kind of key file comes from, named in every error about the file. */
const FLAG_OF: Record<string, string> = {
  'private key': '--private-key',
  'public key': '--public-key',
  'signing certificate': '--signing-certificate',
  'certificate chain': '--certificate-chain',
  'TSA certificate chain': '--tsa-certificate-chain',
};

/** `public key file (--public-key)`: how errors name a key file. */
export function keyFileLabel(what: string): string {
  const flag = FLAG_OF[what];
  return flag ? `${what} file (${flag})` : `${what} file`;
}

/** Reads a PEM file the user named, through the one safe reader (regular files only, size-bounded, non-blocking). */
export function readKeyFile(path: string, what: string): string {
  return readUserTextFile(path, keyFileLabel(what), 'latin1');
}

function noPem(path: string, what: string, expected: string): ModelSigningError {
  return new ModelSigningError('KEY', `${what} file ${path} holds no PEM block (expected -----BEGIN ${expected}-----)`);
}

/** Checks the curve and re-throws the curve error with the file name in it. */
function requireSupportedCurve(key: KeyObject, path: string, what: string): void {
  try {
    curveInfo(key);
  } catch (e) {
    throw new ModelSigningError('KEY', `${what} ${path}: ${errorMessage(e)}`);
  }
}

const PRIVATE_LABELS = new Set(['PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'RSA PRIVATE KEY', 'DSA PRIVATE KEY']);

/**
 * Loads an EC private key from PEM: SEC1 (`EC PRIVATE KEY`), PKCS #8, or encrypted PKCS #8 /
 * legacy encrypted PEM with `password`.
 */
export function loadPrivateKey(path: string, password?: string): KeyObject {
  const what = 'private key';
  const blocks = pemBlocks(readKeyFile(path, what));
  const block = blocks.find((b) => PRIVATE_LABELS.has(b.label));
  if (!block) {
    if (blocks.some((b) => b.label === 'PUBLIC KEY' || b.label === 'CERTIFICATE')) {
      throw new ModelSigningError('KEY', `${what} file ${path} holds a ${blocks[0]!.label.toLowerCase()}, not a private key`);
    }
    throw noPem(path, what, 'PRIVATE KEY');
  }
  const encrypted = isEncryptedBlock(block);
  if (encrypted && (password === undefined || password === '')) {
    throw new ModelSigningError('KEY', `${what} ${path} is encrypted: a password is required`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(encrypted ? { key: block.text, format: 'pem', passphrase: password } : { key: block.text, format: 'pem' });
  } catch (e) {
    if (encrypted) throw new ModelSigningError('KEY', `${what} ${path}: wrong password (or corrupt encrypted key)`);
    throw new ModelSigningError('KEY', `${what} ${path}: malformed PEM ${block.label}: ${errorMessage(e)}`);
  }
  requireSupportedCurve(key, path, what);
  return key;
}

function isEncryptedBlock(block: PemBlock): boolean {
  return block.label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(block.text);
}

/** Whether a private key file needs a password, so a caller can ask for one before loading it. */
export function privateKeyIsEncrypted(path: string): boolean {
  const block = pemBlocks(readKeyFile(path, 'private key')).find((b) => PRIVATE_LABELS.has(b.label));
  return block !== undefined && isEncryptedBlock(block);
}

/** Loads an EC public key from an SPKI PEM (`PUBLIC KEY`) or from a PEM certificate. */
export function loadPublicKey(path: string): KeyObject {
  return publicKeyFromPem(readKeyFile(path, 'public key'), path);
}

/** The same from PEM text (the browser build has no files); `path` names its origin in errors. */
export function publicKeyFromPem(text: string, path: string): KeyObject {
  const what = 'public key';
  const blocks = pemBlocks(text);
  const block = blocks.find((b) => b.label === 'PUBLIC KEY' || b.label === 'CERTIFICATE');
  if (!block) {
    if (blocks.some((b) => PRIVATE_LABELS.has(b.label))) {
      throw new ModelSigningError('KEY', `${what} file ${path} holds a private key; give the public key (PEM SubjectPublicKeyInfo) instead`);
    }
    throw noPem(path, what, 'PUBLIC KEY');
  }
  let key: KeyObject;
  try {
    key = block.label === 'CERTIFICATE' ? new X509Certificate(block.text).publicKey : createPublicKey({ key: block.text, format: 'pem' });
  } catch (e) {
    throw new ModelSigningError('KEY', `${what} ${path}: malformed PEM ${block.label}: ${errorMessage(e)}`);
  }
  requireSupportedCurve(key, path, what);
  return key;
}

/**
 * The reference's `publicKey.hint`: hex SHA-256 of the PEM SubjectPublicKeyInfo TEXT (armour,
 * 64-column base64, final newline), not of the DER. Node's PEM export is byte-identical to
 * Python cryptography's.
 */
export function publicKeyHint(key: KeyObject): string {
  const pem = key.export({ type: 'spki', format: 'pem' });
  return createHash('sha256').update(pem).digest('hex');
}

/** Two public keys are the same key (compared as DER SPKI). */
export function samePublicKey(a: KeyObject, b: KeyObject): boolean {
  return a.export({ type: 'spki', format: 'der' }).equals(b.export({ type: 'spki', format: 'der' }));
}

// ---------------------------------------------------------------------------------------------
// ECDSA signature encodings. PKCS #11 returns r||s while X.509/DSSE use DER SEQUENCE{r,s};
// no installed library exposes this conversion on its own, and it is a few lines of DER.

function fieldSize(curve: EcCurve | KeyObject): number {
  return typeof curve === 'string' ? CURVE_SIZE[curve] : curveInfo(curve).size;
}

function derInteger(bytes: Buffer): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  let v = bytes.subarray(i);
  if (v[0]! & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
  return Buffer.concat([Buffer.from([0x02]), derLength(v.length), v]);
}

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  if (n < 0x100) return Buffer.from([0x81, n]);
  return Buffer.from([0x82, n >> 8, n & 0xff]);
}

/** r||s (fixed width per curve) -> DER ECDSA-Sig-Value. */
export function rawToDerEcdsa(sig: Buffer, curve: EcCurve | KeyObject): Buffer {
  const size = fieldSize(curve);
  if (sig.length !== 2 * size) {
    throw new ModelSigningError('SIGNING', `raw ECDSA signature has ${sig.length} bytes, expected ${2 * size}`);
  }
  const body = Buffer.concat([derInteger(sig.subarray(0, size)), derInteger(sig.subarray(size))]);
  return Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]);
}

/** DER ECDSA-Sig-Value -> r||s, each left-padded to the curve's field size. */
export function derToRawEcdsa(sig: Buffer, curve: EcCurve | KeyObject): Buffer {
  const size = fieldSize(curve);
  const bad = (): never => {
    throw new ModelSigningError('SIGNATURE', 'malformed DER ECDSA signature');
  };
  let pos = 0;
  const readLen = (): number => {
    const first = sig[pos++] ?? bad();
    if (first < 0x80) return first;
    const n = first & 0x7f;
    if (n < 1 || n > 2) bad();
    let len = 0;
    for (let k = 0; k < n; k++) len = (len << 8) | (sig[pos++] ?? bad());
    return len;
  };
  if (sig[pos++] !== 0x30) bad();
  if (readLen() !== sig.length - pos) bad();
  const out = Buffer.alloc(2 * size);
  for (let part = 0; part < 2; part++) {
    if (sig[pos++] !== 0x02) bad();
    const len = readLen();
    let v = sig.subarray(pos, pos + len);
    if (v.length !== len || len === 0) bad();
    pos += len;
    while (v.length > 1 && v[0] === 0) v = v.subarray(1);
    if (v.length > size) bad();
    v.copy(out, part * size + (size - v.length));
  }
  if (pos !== sig.length) bad();
  return out;
}

// ---------------------------------------------------------------------------------------------
// Signing keys

/** A key that can make DER ECDSA signatures with the curve's hash (software or hardware). */
export interface EcSigningKey {
  publicKey: KeyObject;
  sign(data: Buffer): Promise<Buffer>;
}

const signAsync = promisify(cryptoSign);

export function softwareSigningKey(privateKey: KeyObject): EcSigningKey {
  const hash = curveHash(privateKey);
  const publicKey = createPublicKey(privateKey);
  return {
    publicKey,
    async sign(data: Buffer): Promise<Buffer> {
      try {
        return await signAsync(hash, data, privateKey);
      } catch (e) {
        throw new ModelSigningError('SIGNING', `ECDSA signing failed: ${errorMessage(e)}`);
      }
    },
  };
}
