/**
 * RFC 3161 TimeStampReq: SHA-256 message imprint, a random 64-bit nonce and certReq, DER-encoded
 * with pkijs (the schema classes for requests and responses that @sigstore/core does not have).
 */
import { createHash, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import type * as Pkijs from 'pkijs';

const OID_SHA256 = '2.16.840.1.101.3.4.2.1';

let pkijsModule: typeof Pkijs | undefined;
/** pkijs takes ~100 ms to load: only timestamping needs it here, so it is loaded on first use. */
export async function loadPkijs(): Promise<typeof Pkijs> {
  return (pkijsModule ??= await import('pkijs'));
}

export interface TimestampRequest {
  der: Buffer;
  /** SHA-256 of the timestamped bytes. */
  imprint: Buffer;
  /** The nonce as unsigned big-endian bytes (no leading zeros), as the TSA must echo it. */
  nonce: Buffer;
}

/** Positive INTEGER bytes: no leading zero unless the top bit is set (DER minimal encoding). */
function positiveIntegerBytes(raw: Buffer): Buffer {
  let i = 0;
  while (i < raw.length - 1 && raw[i] === 0) i++;
  const v = raw.subarray(i);
  return (v[0]! & 0x80) !== 0 ? Buffer.concat([Buffer.from([0]), v]) : Buffer.from(v);
}

/** Strips the sign byte so nonces compare by value. */
export function unsignedBytes(b: Uint8Array): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return Buffer.from(b.subarray(i));
}

export async function buildTimestampRequest(data: Buffer): Promise<TimestampRequest> {
  const pkijs = await loadPkijs();
  const imprint = createHash('sha256').update(data).digest();
  const nonceBytes = positiveIntegerBytes(randomBytes(8));
  const req = new pkijs.TimeStampReq({
    version: 1,
    messageImprint: new pkijs.MessageImprint({
      hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: OID_SHA256, algorithmParams: new asn1js.Null() }),
      hashedMessage: new asn1js.OctetString({ valueHex: imprint }),
    }),
    nonce: new asn1js.Integer({ valueHex: nonceBytes }),
    certReq: true,
  });
  return { der: Buffer.from(req.toSchema().toBER(false)), imprint, nonce: unsignedBytes(nonceBytes) };
}
