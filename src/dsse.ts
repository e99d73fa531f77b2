/** DSSE pre-authentication encodings: the standard one and the v0.2.0 reference's quirk. */
import { dsse } from '@sigstore/core';

/** Standard DSSE v1 PAE: "DSSEv1 SP len(type) SP type SP len(body) SP body". */
export function pae(payloadType: string, payload: Buffer): Buffer {
  return dsse.preAuthEncoding(payloadType, payload);
}

/**
 * The v0.2.0 reference's mistaken PAE, needed only to verify its old bundles:
 * `"DSSEV1 {len(type)} {type} {len(payload)} {repr(payload)}"` where repr is Python's
 * `bytes.__repr__` (an f-string over bytes). No library reproduces Python's bytes repr, so it
 * is hand-written here; lengths are those of the raw payload, as the reference computed them.
 */
export function paeCompat(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.from(`DSSEV1 ${type.length} ${payloadType} ${payload.length} ${pythonBytesRepr(payload)}`, 'utf8');
}

/** Python's repr() of a bytes object: b'...' (or b"..." when it holds ' and no "). */
export function pythonBytesRepr(bytes: Buffer): string {
  const quote = bytes.includes(0x27) && !bytes.includes(0x22) ? 0x22 : 0x27;
  let out = 'b' + String.fromCharCode(quote);
  for (const c of bytes) {
    if (c === 0x5c) out += '\\\\';
    else if (c === quote) out += '\\' + String.fromCharCode(c);
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c < 0x20 || c >= 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += String.fromCharCode(c);
  }
  return out + String.fromCharCode(quote);
}
