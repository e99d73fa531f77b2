/**
 * Reading and checking one RFC 3161 TimeStampResp (the bytes Sigstore bundles store as
 * `signedTimestamp`). @sigstore/core parses it and checks the message imprint, the signed
 * message digest and the CMS signature; what it leaves out (status, nonce, the certificates the
 * TSA embedded, finding the signer's certificate) is read here from its ASN.1 tree.
 */
import { X509Certificate as NodeX509, createHash, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { RFC3161Timestamp, X509Certificate as CoreX509, type ASN1Obj } from '@sigstore/core';
import { errorMessage } from '../errors.js';
import { MAX_BUNDLE_CERTIFICATES } from '../certificates.js';
import { unsignedBytes } from './request.js';

/** A problem with a timestamp; callers add who answered it and turn it into a ModelSigningError. */
export class TimestampProblem extends Error {
  constructor(
    message: string,
    /** Which check failed: the caller chooses the error code from it. */
    readonly kind: 'malformed' | 'status' | 'imprint' | 'nonce' | 'signature' | 'signer',
  ) {
    super(message);
  }
}

export interface ParsedTimestamp {
  token: RFC3161Timestamp;
  status: number;
  /** genTime of the TSTInfo. */
  time: Date;
  /** The nonce the TSA echoed, unsigned big-endian; undefined when absent. */
  nonce: Buffer | undefined;
  /** Certificates the TSA put in the SignedData (certReq), untrusted. */
  embedded: NodeX509[];
}

const STATUS_NAMES = ['granted', 'granted with modifications', 'rejection', 'waiting', 'revocation warning', 'revocation notification'];
export const statusName = (s: number): string => STATUS_NAMES[s] ?? `unknown status ${s}`;

/** The SignedData of the token (TimeStampResp -> ContentInfo -> [0] -> SignedData). */
function signedData(root: ASN1Obj): ASN1Obj | undefined {
  const contentInfo = root.subs[1];
  return contentInfo?.subs.find((s) => s.tag.isContextSpecific(0))?.subs[0];
}

function embeddedCertificates(root: ASN1Obj): NodeX509[] {
  const sd = signedData(root);
  // SignedData: version, digestAlgorithms, encapContentInfo, [0] certificates, [1] crls, signerInfos.
  const certs = sd?.subs.find((s, i) => i > 2 && s.tag.isContextSpecific(0));
  const out: NodeX509[] = [];
  // Each one may become a path candidate: bounded like the certificates of a bundle.
  if ((certs?.subs.length ?? 0) > MAX_BUNDLE_CERTIFICATES) {
    throw new Error(`it embeds ${certs!.subs.length} certificates; at most ${MAX_BUNDLE_CERTIFICATES} are accepted`);
  }
  for (const c of certs?.subs ?? []) {
    if (!c.tag.isUniversal() || c.tag.number !== 0x10) continue; // other CertificateChoices (attribute certs)
    try {
      out.push(new NodeX509(c.toDER()));
    } catch {
      // an unreadable embedded certificate cannot be the signer; ignored
    }
  }
  return out;
}

function tstNonce(tstInfoRoot: ASN1Obj): Buffer | undefined {
  // TSTInfo: version, policy, messageImprint, serialNumber, genTime, accuracy?, ordering?, nonce?, [0] tsa?, [1] ext?
  const nonce = tstInfoRoot.subs.slice(5).find((s) => s.tag.isInteger());
  return nonce ? unsignedBytes(nonce.value) : undefined;
}

/** Parses a TimeStampResp; only shape is checked (status, signatures and trust are not). */
export function parseTimestamp(der: Buffer): ParsedTimestamp {
  let token: RFC3161Timestamp;
  let status: number;
  try {
    token = RFC3161Timestamp.parse(der as Buffer<ArrayBuffer>);
    status = Number(token.status);
  } catch (e) {
    throw new TimestampProblem(`not a DER-encoded RFC 3161 timestamp response (${errorMessage(e)})`, 'malformed');
  }
  if (status !== 0) return { token, status, time: new Date(NaN), nonce: undefined, embedded: [] };
  try {
    if (token.contentType !== '1.2.840.113549.1.7.2' || token.eContentType !== '1.2.840.113549.1.9.16.1.4') {
      throw new Error('the token is not CMS SignedData over a TSTInfo');
    }
    const tst = token.tstInfo;
    const time = tst.genTime;
    if (Number.isNaN(time.getTime())) throw new Error('unreadable genTime');
    return { token, status, time, nonce: tstNonce(tst.root), embedded: embeddedCertificates(token.root) };
  } catch (e) {
    throw new TimestampProblem(`malformed timestamp token (${errorMessage(e)})`, 'malformed');
  }
}

/** The certificate (among `candidates`) the token names as its signer by issuer and serial number. */
export function findSigner(ts: ParsedTimestamp, candidates: NodeX509[]): NodeX509 | undefined {
  let serial: string;
  let issuer: Buffer;
  try {
    serial = unsignedBytes(ts.token.signerSerialNumber).toString('hex').toUpperCase();
    issuer = ts.token.signerIssuer;
    if (!Buffer.isBuffer(issuer)) throw new Error('no issuer');
  } catch {
    throw new TimestampProblem('its SignerInfo does not name the TSA certificate by issuer and serial number (the only form supported)', 'malformed');
  }
  return candidates.find((c) => {
    if (unsignedBytes(Buffer.from(c.serialNumber, 'hex')).toString('hex').toUpperCase() !== serial) return false;
    // Compare the issuer Name DER contents exactly, as the token carries them.
    const ci = issuerContents(c);
    return ci !== undefined && ci.equals(issuer);
  });
}

/** The issuer Name as encoded, read with @sigstore/core (Node only gives it as text). */
function issuerContents(c: NodeX509): Buffer | undefined {
  try {
    return CoreX509.parse(c.raw as Buffer<ArrayBuffer>).issuer;
  } catch {
    return undefined;
  }
}

/**
 * The token is over `data` (message imprint) and was signed by `signer`'s key (signed attributes,
 * message digest, CMS signature). ECDSA TSAs (Sigstore's, most cloud ones) are checked by
 * @sigstore/core; it maps only ECDSA signature algorithms, so RSA PKCS #1 v1.5 TSAs (common in
 * corporate PKIs) get the same three checks here, on the same parsed tree.
 */
export function checkTokenSignature(ts: ParsedTimestamp, data: Buffer, signer: NodeX509): void {
  let key: KeyObject;
  try {
    key = signer.publicKey;
  } catch (e) {
    throw new TimestampProblem(`the TSA certificate's public key is unreadable (${errorMessage(e)})`, 'signer');
  }
  try {
    ts.token.tstInfo.verify(data);
  } catch (e) {
    throw new TimestampProblem(`the timestamp is over other bytes than this signature (${errorMessage(e)})`, 'imprint');
  }
  try {
    if (key.asymmetricKeyType === 'ec') ts.token.verify(data, key);
    else if (key.asymmetricKeyType === 'rsa') verifyRsaSignerInfo(ts, key);
    else throw new Error(`${key.asymmetricKeyType ?? 'unknown'} keys are not supported (ECDSA and RSA are)`);
  } catch (e) {
    throw new TimestampProblem(`the timestamp's signature does not verify with the TSA certificate's key (${errorMessage(e)})`, 'signature');
  }
}

const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const OID_RSA_PSS = '1.2.840.113549.1.1.10';

/** RFC 5652 5.4: digest of the TSTInfo in the signed attributes, PKCS #1 v1.5 signature over them (as a SET). */
function verifyRsaSignerInfo(ts: ParsedTimestamp, key: KeyObject): void {
  const sd = signedData(ts.token.root);
  const signerInfo = sd?.subs[sd.subs.length - 1]?.subs[0];
  const attrs = signerInfo?.subs.find((x) => x.tag.isContextSpecific(0));
  if (!signerInfo || !attrs) throw new Error('the SignerInfo has no signed attributes');
  const hash = ts.token.signerDigestAlgorithm;
  if (!hash) throw new Error('unsupported digest algorithm');
  const sigAlg = signerInfo.subs[4]?.subs[0]?.toOID();
  if (sigAlg === OID_RSA_PSS) throw new Error('RSASSA-PSS is not supported');
  const md = attrs.subs.find((a) => a.subs[0]?.tag.isOID() && a.subs[0].toOID() === OID_MESSAGE_DIGEST)?.subs[1]?.subs[0]?.value;
  if (!md || !md.equals(createHash(hash).update(ts.token.tstInfo.raw).digest())) throw new Error('signed data does not match tstInfo');
  const der = attrs.toDER();
  der[0] = 0x31; // the signature covers the attributes encoded as a SET, not as [0]
  if (!cryptoVerify(hash, der, key, ts.token.signatureValue)) throw new Error('signature verification failed');
}
