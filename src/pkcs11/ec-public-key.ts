/** An EC public key from a token's CKA_EC_PARAMS and CKA_EC_POINT, imported as a JWK (x, y). */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { ModelSigningError, errorMessage } from '../errors.js';

/** DER OIDs of the named curves (CKA_EC_PARAMS is ECParameters, normally a namedCurve OID). */
const CURVES: { oid: string; crv: 'P-256' | 'P-384' | 'P-521'; size: number }[] = [
  { oid: '06082a8648ce3d030107', crv: 'P-256', size: 32 },
  { oid: '06052b81040022', crv: 'P-384', size: 48 },
  { oid: '06052b81040023', crv: 'P-521', size: 66 },
];

/**
 * The uncompressed point 04||x||y. PKCS #11 says CKA_EC_POINT is a DER OCTET STRING around it, but
 * some tokens return the bare point; the two forms differ in length, so both are accepted.
 */
function uncompressedPoint(point: Buffer, size: number, what: string): Buffer {
  const want = 1 + 2 * size;
  let p = point;
  if (p.length !== want && p[0] === 0x04) {
    const hdr = p[1]! < 0x80 ? 2 : 2 + (p[1]! & 0x7f);
    if (p.length === hdr + want) p = p.subarray(hdr);
  }
  if (p.length === want && p[0] === 0x04) return p;
  if (p.length === size + 1 || (p.length > 2 && (p[2] === 0x02 || p[2] === 0x03))) {
    throw new ModelSigningError('PKCS11', `${what}: compressed EC points are not supported`);
  }
  throw new ModelSigningError('PKCS11', `${what}: CKA_EC_POINT is not an uncompressed point of the key's curve`);
}

/** Returns the key, or throws naming the unsupported curve. `what` names the token object. */
export function ecPublicKey(params: Buffer, point: Buffer, what: string): KeyObject {
  const curve = CURVES.find((c) => c.oid === params.toString('hex'));
  if (!curve) {
    throw new ModelSigningError(
      'PKCS11',
      `${what}: unsupported EC curve (CKA_EC_PARAMS ${params.toString('hex')}); only P-256, P-384 and P-521 keys are supported`,
    );
  }
  const xy = uncompressedPoint(point, curve.size, what);
  try {
    return createPublicKey({
      key: {
        kty: 'EC',
        crv: curve.crv,
        x: xy.subarray(1, 1 + curve.size).toString('base64url'),
        y: xy.subarray(1 + curve.size).toString('base64url'),
      },
      format: 'jwk',
    });
  } catch (e) {
    throw new ModelSigningError('PKCS11', `${what}: invalid EC public key on the token: ${errorMessage(e)}`);
  }
}
