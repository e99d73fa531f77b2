/**
 * The bundle JSON the key and certificate methods write, in exactly the reference's shape and
 * key order (Sigstore bundle v0.3, DSSE envelope, `keyid: ""`, `tlogEntries: []`).
 * Built by hand rather than with @sigstore/bundle: its serializer drops the empty `tlogEntries`
 * and `keyid`, and its validator rejects `x509CertificateChain` in v0.3 bundles.
 */
import type { KeyObject } from 'node:crypto';
import { publicKeyHint } from '../keys.js';
import { BUNDLE_V03_MEDIA_TYPE, IN_TOTO_PAYLOAD_TYPE, type BundleJSON } from './types.js';

function envelope(payload: Buffer, signature: Buffer): Record<string, unknown> {
  return {
    payload: payload.toString('base64'),
    payloadType: IN_TOTO_PAYLOAD_TYPE,
    signatures: [{ sig: signature.toString('base64'), keyid: '' }],
  };
}

export function keyBundle(payload: Buffer, signature: Buffer, publicKey: KeyObject): BundleJSON {
  return {
    mediaType: BUNDLE_V03_MEDIA_TYPE,
    verificationMaterial: { publicKey: { hint: publicKeyHint(publicKey) }, tlogEntries: [] },
    dsseEnvelope: envelope(payload, signature),
  };
}

/** `chainDer`: the signing certificate first, then its chain. */
export function certificateChainBundle(payload: Buffer, signature: Buffer, chainDer: Buffer[]): BundleJSON {
  return {
    mediaType: BUNDLE_V03_MEDIA_TYPE,
    verificationMaterial: {
      x509CertificateChain: { certificates: chainDer.map((der) => ({ rawBytes: der.toString('base64') })) },
      tlogEntries: [],
    },
    dsseEnvelope: envelope(payload, signature),
  };
}
