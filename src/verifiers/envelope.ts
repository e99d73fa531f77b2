/** Bundle-structure and DSSE signature checks shared by the key and certificate verifiers. */
import { verify as cryptoVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { pae, paeCompat } from '../dsse.js';
import { ModelSigningError } from '../errors.js';
import { curveHash, type CurveHash } from '../keys.js';
import { IN_TOTO_PAYLOAD_TYPE } from '../signers/types.js';

export const COMPAT_PAE_WARNING =
  "This model's signature uses the pre-1.0 (v0.2.0) signature encoding. Please re-sign with an updated signer.";

export interface DsseEnvelope {
  payloadType: string;
  payload: Buffer;
  signature: Buffer;
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function bundleError(message: string): ModelSigningError {
  return new ModelSigningError('BUNDLE', message);
}

/** Base64 (standard or URL-safe, as proto3 JSON allows) to bytes, rejecting anything else. */
export function decodeBase64(value: unknown, field: string): Buffer {
  if (typeof value !== 'string') throw bundleError(`${field} must be a base64 string`);
  const s = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(s) || s.replace(/=+$/, '').length % 4 === 1) {
    throw bundleError(`${field} is not valid base64`);
  }
  return Buffer.from(s, s.includes('-') || s.includes('_') ? 'base64url' : 'base64');
}

export function verificationMaterial(bundle: Json): Json {
  const vm = bundle['verificationMaterial'];
  if (vm === undefined) throw bundleError('the bundle has no verificationMaterial');
  if (!isObject(vm)) throw bundleError('verificationMaterial must be an object');
  return vm;
}

export type MaterialKind = 'key' | 'certificate' | 'sigstore';

/** Which signing method the verification material belongs to. */
export function materialKind(vm: Json): MaterialKind | undefined {
  if (vm['publicKey'] !== undefined) return 'key';
  if (vm['x509CertificateChain'] !== undefined) return 'certificate';
  if (vm['certificate'] !== undefined) return 'sigstore';
  return undefined;
}

const FIELD_OF: Record<MaterialKind, string> = {
  key: 'verificationMaterial.publicKey',
  certificate: 'verificationMaterial.x509CertificateChain',
  sigstore: 'verificationMaterial.certificate',
};

/** Throws a clear error when the bundle was made with another method than the verifier's. */
export function requireMaterial(vm: Json, expected: MaterialKind): void {
  const found = materialKind(vm);
  if (found === expected) return;
  if (found === undefined) throw bundleError(`the bundle has no ${FIELD_OF[expected]} (needed by the '${expected}' method)`);
  throw bundleError(
    `the bundle was signed with the '${found}' method (it carries ${FIELD_OF[found]}), not the '${expected}' method; verify it with '${found}'`,
  );
}

/** The DSSE envelope with exactly one signature; keyid is ignored (absent, null or ""). */
export function readEnvelope(bundle: Json): DsseEnvelope {
  const env = bundle['dsseEnvelope'];
  if (env === undefined) throw bundleError('the bundle has no dsseEnvelope (only DSSE bundles are supported)');
  if (!isObject(env)) throw bundleError('dsseEnvelope must be an object');
  const payloadType = env['payloadType'];
  if (typeof payloadType !== 'string') throw bundleError('dsseEnvelope.payloadType must be a string');
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    throw bundleError(`expected DSSE payload type ${IN_TOTO_PAYLOAD_TYPE}, but got ${JSON.stringify(payloadType)}`);
  }
  const payload = decodeBase64(env['payload'], 'dsseEnvelope.payload');
  const sigs = env['signatures'];
  if (!Array.isArray(sigs)) throw bundleError('dsseEnvelope.signatures must be an array');
  if (sigs.length !== 1) throw bundleError(`expected exactly one DSSE signature, found ${sigs.length}`);
  const first: unknown = sigs[0];
  if (!isObject(first)) throw bundleError('dsseEnvelope.signatures[0] must be an object');
  const keyid = first['keyid'];
  if (keyid !== undefined && keyid !== null && typeof keyid !== 'string') {
    throw bundleError('dsseEnvelope.signatures[0].keyid must be a string when present');
  }
  const signature = decodeBase64(first['sig'], 'dsseEnvelope.signatures[0].sig');
  if (signature.length === 0) throw bundleError('dsseEnvelope.signatures[0].sig is empty');
  return { payloadType, payload, signature };
}

function ecdsaVerify(hash: CurveHash, data: Buffer, key: KeyObject, sig: Buffer): boolean {
  try {
    return cryptoVerify(hash, data, key, sig);
  } catch {
    return false; // malformed DER signatures throw in some OpenSSL versions: just "does not verify"
  }
}

/**
 * ECDSA over the DSSE PAE with the curve's hash; failing that, over the v0.2.0 compat PAE with
 * `compatHash` (the reference used SHA-256 for certificates and the curve hash for keys).
 * Returns whether the compat encoding was needed; throws SIGNATURE when neither verifies.
 */
export function verifyDsseSignature(
  env: DsseEnvelope,
  key: KeyObject,
  compatHash: CurveHash | 'curve',
  keyDescription: string,
): { compat: boolean } {
  const hash = curveHash(key);
  if (ecdsaVerify(hash, pae(env.payloadType, env.payload), key, env.signature)) return { compat: false };
  const legacyHash = compatHash === 'curve' ? hash : compatHash;
  if (ecdsaVerify(legacyHash, paeCompat(env.payloadType, env.payload), key, env.signature)) return { compat: true };
  throw new ModelSigningError('SIGNATURE', `signature verification failed: the DSSE signature was not made by ${keyDescription}`);
}
