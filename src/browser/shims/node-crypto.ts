/**
 * The subset of `node:crypto` that the verification core (and @sigstore/core) calls, for the browser build,
 * where esbuild maps `node:crypto`/`crypto` to this module. It keeps ONE verifier code path for Node and the
 * browser (same checks, same messages, same error codes) instead of a second, asynchronous WebCrypto
 * verifier: the verifiers call `verify`/`createHash` synchronously, which WebCrypto cannot do.
 * The cryptography is @noble/curves and @noble/hashes (audited, synchronous); X.509 parsing is pkijs.
 * Only public-key operations exist here: nothing signs, nothing generates keys.
 * RSA signatures are NOT verified here (no synchronous RSA in the browser): `verify` returns false for RSA keys,
 * so an RSA-signed Sigstore artefact fails closed. RSA issuers in certificate chains are checked by pkijs through
 * WebCrypto (`webcrypto` below), which is asynchronous and supports them.
 */
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

type Bytes = Uint8Array;
type HashName = 'sha256' | 'sha384' | 'sha512';

const HASHES = { sha256, sha384, sha512 } as const;

function hashFn(name: string): (typeof HASHES)[HashName] {
  const n = name.toLowerCase().replace(/^rsa-/, '').replace('-', '');
  const f = (HASHES as Record<string, (typeof HASHES)[HashName]>)[n];
  if (!f) throw new Error(`digest algorithm '${name}' is not available in the browser build`);
  return f;
}

function toBytes(data: string | Bytes, encoding?: string): Bytes {
  if (typeof data !== 'string') return data;
  return encoding ? Buffer.from(data, encoding as BufferEncoding) : new TextEncoder().encode(data);
}

const hex = (b: Bytes): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

class Hash {
  private readonly h;
  constructor(name: string) {
    this.h = hashFn(name).create();
  }
  update(data: string | Bytes, encoding?: string): this {
    this.h.update(toBytes(data, encoding));
    return this;
  }
  digest(): Buffer;
  digest(encoding: 'hex' | 'base64'): string;
  digest(encoding?: 'hex' | 'base64'): Buffer | string {
    const out = Buffer.from(this.h.digest());
    return encoding ? out.toString(encoding) : out;
  }
}

export function createHash(name: string): Hash {
  return new Hash(name);
}

// ---------------------------------------------------------------------------------------------
// Public keys

const OID_EC = '1.2.840.10045.2.1';
const OID_RSA = '1.2.840.113549.1.1.1';
const OID_ED25519 = '1.3.101.112';
const NAMED_CURVES: Record<string, string> = {
  '1.2.840.10045.3.1.7': 'prime256v1',
  '1.3.132.0.34': 'secp384r1',
  '1.3.132.0.35': 'secp521r1',
};
const CURVE_IMPL = { prime256v1: p256, secp384r1: p384, secp521r1: p521 } as const;

function pemToDer(pem: string, label: string): Bytes {
  const m = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`).exec(pem);
  if (!m) throw new Error(`no PEM ${label} block`);
  return Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64');
}

function derToPem(der: Bytes, label: string): string {
  const b64 = Buffer.from(der).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

function parseDer(der: Bytes): asn1js.AsnType {
  const asn = asn1js.fromBER(der);
  if (asn.offset === -1 || asn.offset !== der.byteLength) throw new Error('malformed DER (or trailing data)');
  return asn.result;
}

/** A public key in the shape of Node's KeyObject, as far as the verifiers read it. */
export class KeyObject {
  readonly type = 'public';
  readonly asymmetricKeyType: 'ec' | 'rsa' | 'ed25519' | 'unknown';
  readonly asymmetricKeyDetails: { namedCurve?: string };
  /** The raw key: the EC point or the Ed25519 key. */
  readonly keyBytes: Bytes;

  constructor(readonly spki: Bytes) {
    const info = new pkijs.PublicKeyInfo({ schema: parseDer(spki) });
    const oid = info.algorithm.algorithmId;
    this.keyBytes = info.subjectPublicKey.valueBlock.valueHexView;
    this.asymmetricKeyDetails = {};
    if (oid === OID_EC) {
      this.asymmetricKeyType = 'ec';
      const params = info.algorithm.algorithmParams as asn1js.ObjectIdentifier | undefined;
      const curveOid = params instanceof asn1js.ObjectIdentifier ? params.valueBlock.toString() : '';
      this.asymmetricKeyDetails = { namedCurve: NAMED_CURVES[curveOid] ?? curveOid };
      const impl = CURVE_IMPL[this.asymmetricKeyDetails.namedCurve as keyof typeof CURVE_IMPL];
      // Like OpenSSL, refuse a point that is not on the curve when the key is loaded.
      if (impl) impl.Point.fromBytes(this.keyBytes).assertValidity();
    } else if (oid === OID_RSA) this.asymmetricKeyType = 'rsa';
    else if (oid === OID_ED25519) this.asymmetricKeyType = 'ed25519';
    else this.asymmetricKeyType = 'unknown';
  }

  export(o: { type: 'spki'; format: 'der' }): Buffer;
  export(o: { type: 'spki'; format: 'pem' }): string;
  export(o: { type: string; format: 'der' | 'pem' }): Buffer | string {
    if (o.type !== 'spki') throw new Error('only SPKI export is available in the browser build');
    return o.format === 'pem' ? derToPem(this.spki, 'PUBLIC KEY') : Buffer.from(this.spki);
  }

  equals(other: KeyObject): boolean {
    return Buffer.from(this.spki).equals(Buffer.from(other.spki));
  }
}

type KeyInput = string | Bytes | KeyObject | { key: string | Bytes; format?: 'pem' | 'der'; type?: string };

export function createPublicKey(input: KeyInput): KeyObject {
  if (input instanceof KeyObject) return input;
  const o = typeof input === 'string' || input instanceof Uint8Array ? { key: input } : input;
  if (typeof o.key === 'string') {
    if (o.key.includes('-----BEGIN CERTIFICATE-----')) return new X509Certificate(o.key).publicKey;
    return new KeyObject(pemToDer(o.key, 'PUBLIC KEY'));
  }
  if (o.type !== undefined && o.type !== 'spki') throw new Error(`public key type '${o.type}' is not available in the browser build`);
  return new KeyObject(new Uint8Array(o.key));
}

/**
 * Node's `crypto.verify`: ECDSA (DER signature, any of SHA-256/384/512 with any NIST curve, SHA-256 when none is
 * named, high S accepted as OpenSSL does) and Ed25519 (algorithm null). Anything else does not verify.
 */
export function verify(algorithm: string | null | undefined, data: Bytes, key: KeyObject | KeyInput, signature: Bytes): boolean {
  const k = key instanceof KeyObject ? key : createPublicKey(key);
  try {
    if (k.asymmetricKeyType === 'ed25519') return ed25519.verify(signature, data, k.keyBytes, { zip215: false });
    if (k.asymmetricKeyType !== 'ec') return false;
    const impl = CURVE_IMPL[k.asymmetricKeyDetails.namedCurve as keyof typeof CURVE_IMPL];
    if (!impl) return false;
    // No algorithm: OpenSSL's default digest for EC keys, SHA-256 (as Node does).
    const digest = hashFn(algorithm ?? 'sha256')(data);
    return impl.verify(signature, digest, k.keyBytes, { prehash: false, lowS: false, format: 'der' });
  } catch {
    return false; // malformed signature or key: "does not verify", as in Node
  }
}

export function timingSafeEqual(a: Bytes, b: Bytes): boolean {
  if (a.byteLength !== b.byteLength) throw new RangeError('Input buffers must have the same byte length');
  let diff = 0;
  for (let i = 0; i < a.byteLength; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export function randomBytes(n: number): Buffer {
  return Buffer.from(globalThis.crypto.getRandomValues(new Uint8Array(n)));
}

export const webcrypto = globalThis.crypto;

// ---------------------------------------------------------------------------------------------
// X.509, in the shape of Node's X509Certificate as far as the certificate verifier reads it

/** OpenSSL's short names, so that subjects read as they do in Node (`CN=a\nO=b`). */
const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.42': 'GN',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
};

function nameText(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((tv) => `${SHORT_NAMES[tv.type] ?? tv.type}=${String(tv.value.valueBlock.value)}`)
    .join('\n');
}

export class X509Certificate {
  readonly raw: Buffer;
  readonly subject: string;
  readonly issuer: string;
  readonly validFrom: string;
  readonly validTo: string;
  readonly validFromDate: Date;
  readonly validToDate: Date;
  readonly fingerprint256: string;
  readonly publicKey: KeyObject;

  constructor(input: string | Bytes) {
    const der = typeof input === 'string' ? pemToDer(input, 'CERTIFICATE') : new Uint8Array(input);
    const cert = new pkijs.Certificate({ schema: parseDer(der) });
    this.raw = Buffer.from(der);
    this.subject = nameText(cert.subject);
    this.issuer = nameText(cert.issuer);
    this.validFromDate = cert.notBefore.value;
    this.validToDate = cert.notAfter.value;
    this.validFrom = this.validFromDate.toUTCString();
    this.validTo = this.validToDate.toUTCString();
    this.fingerprint256 = (hex(sha256(der)).toUpperCase().match(/../g) ?? []).join(':');
    this.publicKey = new KeyObject(new Uint8Array(cert.subjectPublicKeyInfo.toSchema().toBER(false)));
  }
}

/** Signing is not part of the browser build (keys.ts imports these for its signing half). */
export function createPrivateKey(): never {
  throw new Error('private keys are not available in the browser build');
}
export function sign(): never {
  throw new Error('signing is not available in the browser build');
}

/** @sigstore/core reads these through `require('crypto').default` (CommonJS interop). */
const nodeCrypto = { createHash, createPublicKey, verify, timingSafeEqual, randomBytes, webcrypto, X509Certificate, KeyObject };
export default nodeCrypto;
