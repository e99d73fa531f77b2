/** The 'key' method: the bundle's DSSE signature must verify with the given EC public key. */
import type { KeyObject } from 'node:crypto';
import { ModelSigningError } from '../errors.js';
import { curveName, loadPublicKey, publicKeyHint } from '../keys.js';
import { COMPAT_PAE_WARNING, readEnvelope, requireMaterial, verificationMaterial, verifyDsseSignature } from './envelope.js';
import type { VerifiedPayload, Verifier } from './types.js';
import {
  checkBundleTimestamps,
  describeTimestamps,
  timestampVerification,
  type TimestampVerification,
  type TimestampVerifierOptions,
} from '../timestamp/verify.js';

/** The reference's wording, so users of both tools see the same advice. */
export const LEGACY_KEY_MATERIAL_WARNING =
  "This model's signature uses an older verification material format. Please re-sign with an updated signer to use a public key identifier hash.";

export class EllipticKeyVerifier implements Verifier {
  private readonly hint: string;
  private readonly curve: string;
  private readonly timestamps: TimestampVerification | undefined;

  /** `o`: the TSA certificates to trust; a key has no validity period, so timestamps are only verified and reported. */
  constructor(
    private readonly publicKey: KeyObject,
    o: TimestampVerifierOptions = {},
  ) {
    this.curve = curveName(publicKey); // rejects non-EC and unsupported curves up front
    this.hint = publicKeyHint(publicKey);
    this.timestamps = timestampVerification(o);
  }

  static fromFile(path: string, o: TimestampVerifierOptions = {}): EllipticKeyVerifier {
    return new EllipticKeyVerifier(loadPublicKey(path), o);
  }

  async verify(bundle: Record<string, unknown>): Promise<VerifiedPayload> {
    const vm = verificationMaterial(bundle);
    requireMaterial(vm, 'key');
    const pk = vm['publicKey'];
    if (typeof pk !== 'object' || pk === null || Array.isArray(pk)) {
      throw new ModelSigningError('BUNDLE', 'verificationMaterial.publicKey must be an object');
    }
    const { hint } = pk as Record<string, unknown>;
    const warnings: string[] = [];
    if (hint !== undefined && hint !== null && typeof hint !== 'string') {
      throw new ModelSigningError('BUNDLE', 'verificationMaterial.publicKey.hint must be a string');
    }
    if (typeof hint === 'string' && hint !== '') {
      if (hint.toLowerCase() !== this.hint) {
        throw new ModelSigningError(
          'TRUST',
          `key mismatch: the bundle's public key hint ${hint} does not match the given public key ${this.hint}`,
        );
      }
    } else {
      // Pre-1.1 bundles carry `rawBytes` (and `keyDetails`) instead: never trusted as the key,
      // the signature below is checked against the key the user gave.
      warnings.push(LEGACY_KEY_MATERIAL_WARNING);
    }
    const env = readEnvelope(bundle);
    const description = `EC ${this.curve} public key ${this.hint}`;
    const { compat } = verifyDsseSignature(env, this.publicKey, 'curve', `the given public key (${this.hint})`);
    if (compat) warnings.push(COMPAT_PAE_WARNING);
    const stamps = await checkBundleTimestamps(vm, env.signature, this.timestamps, warnings);
    const signer = { method: 'key' as const, description, ...(stamps.length > 0 ? { timestamps: describeTimestamps(stamps) } : {}) };
    return { payloadType: env.payloadType, payload: env.payload, signer, warnings };
  }
}
