/**
 * Redundant bundle fields must agree with what is verified. @sigstore/verify proves inclusion with the
 * checkpoint's tree size and root hash, uses `integratedTime` only under a signed inclusion promise, and
 * reads the media type only to pick a shape check; a field nobody checks could say anything. So, before
 * any verifier runs, every such field must agree with the field that IS verified, or the bundle is
 * refused (the fields left unauthenticated on purpose are listed in SECURITY.md):
 *  - the media type's version must fit the content: key and certificate signatures are v0.3 bundles (as
 *    every OMS implementation writes them, and the reference requires); v0.1 entries carry inclusion
 *    promises, v0.2 and v0.3 entries inclusion proofs with checkpoints; `certificate` exists from v0.3;
 *  - an inclusion proof's `rootHash` and `treeSize` must equal its checkpoint's;
 *  - a Rekor v2 entry (kind version 0.0.2) has no integrated time and no inclusion promise.
 * Hand-written: no library cross-checks these (the checkpoint text format is three header lines).
 */
import { ModelSigningError } from './errors.js';
import type { BundleJSON } from './signers/types.js';

const VERSION_OF: Record<string, '0.1' | '0.2' | '0.3'> = {
  'application/vnd.dev.sigstore.bundle+json;version=0.1': '0.1',
  'application/vnd.dev.sigstore.bundle+json;version=0.2': '0.2',
  'application/vnd.dev.sigstore.bundle+json;version=0.3': '0.3',
  'application/vnd.dev.sigstore.bundle.v0.3+json': '0.3',
};

const REKOR_V2_KIND_VERSION = '0.0.2';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function bad(msg: string): never {
  throw new ModelSigningError('BUNDLE', `inconsistent bundle: ${msg}`);
}

/** Tree size and root hash of a checkpoint (signed note): origin, size, base64 root hash, then other lines. */
function checkpointHeader(envelope: unknown, where: string): { size: string; root: Buffer } {
  if (typeof envelope !== 'string') bad(`${where}.checkpoint.envelope is missing`);
  const lines = envelope.split('\n');
  const size = lines[1] ?? '';
  const root = lines[2] ?? '';
  if (!/^(0|[1-9][0-9]{0,19})$/.test(size) || !/^[A-Za-z0-9+/]+={0,2}$/.test(root)) bad(`${where}.checkpoint.envelope is not a checkpoint`);
  return { size, root: Buffer.from(root, 'base64') };
}

/** A protobuf-JSON int64: a decimal string or a safe integer number, as a canonical decimal string. */
function int64(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  if (typeof v === 'string' && /^-?(0|[1-9][0-9]{0,19})$/.test(v)) return v;
  return undefined;
}

function checkEntry(e: unknown, i: number, version: '0.1' | '0.2' | '0.3'): void {
  const where = `verificationMaterial.tlogEntries[${i}]`;
  if (!isObject(e)) bad(`${where} is not an object`);
  const kindVersion = isObject(e['kindVersion']) ? e['kindVersion'] : {};
  const rekorV2 = kindVersion['version'] === REKOR_V2_KIND_VERSION;
  const proof = e['inclusionProof'];
  const promise = e['inclusionPromise'];
  if (version === '0.1' && promise === undefined) bad(`${where} has no inclusionPromise, which a v0.1 bundle requires`);
  if (version !== '0.1' && proof === undefined) bad(`${where} has no inclusionProof, which a v${version} bundle requires`);
  if (rekorV2) {
    if (version !== '0.3') bad(`${where} is a Rekor v2 entry, which only v0.3 bundles can hold`);
    const t = e['integratedTime'];
    // Rekor v2 does not record an integration time: a value here is unsigned and could only mislead.
    if (t !== undefined && int64(t) !== '0') bad(`${where} is a Rekor v2 entry with an integratedTime (${JSON.stringify(t)}), which Rekor v2 never records`);
    if (promise !== undefined) bad(`${where} is a Rekor v2 entry with an inclusionPromise, which Rekor v2 never issues`);
  }
  if (proof === undefined) return;
  if (!isObject(proof)) bad(`${where}.inclusionProof is not an object`);
  const cp = isObject(proof['checkpoint']) ? proof['checkpoint']['envelope'] : undefined;
  const header = checkpointHeader(cp, `${where}.inclusionProof`);
  const treeSize = int64(proof['treeSize']);
  if (treeSize !== header.size) {
    bad(`${where}.inclusionProof.treeSize (${JSON.stringify(proof['treeSize'])}) differs from its checkpoint's tree size ${header.size}`);
  }
  const rootHash = proof['rootHash'];
  if (typeof rootHash !== 'string' || !Buffer.from(rootHash, 'base64').equals(header.root)) {
    bad(`${where}.inclusionProof.rootHash differs from its checkpoint's root hash`);
  }
}

/** Throws a BUNDLE error when a redundant field of the bundle disagrees with what verification checks. */
export function checkBundleConsistency(bundle: BundleJSON): void {
  const mediaType = bundle['mediaType'];
  const version = typeof mediaType === 'string' ? VERSION_OF[mediaType] : undefined;
  if (version === undefined) bad(`unknown media type ${JSON.stringify(mediaType)}`);
  const vm = bundle['verificationMaterial'];
  if (!isObject(vm)) bad('no verificationMaterial');
  if (vm['certificate'] !== undefined && version !== '0.3') {
    bad(`media type ${mediaType} is a v${version} bundle, but verificationMaterial.certificate exists only from v0.3`);
  }
  const entries = vm['tlogEntries'] ?? [];
  if (!Array.isArray(entries)) bad('verificationMaterial.tlogEntries is not an array');
  if (entries.length === 0 && version !== '0.3') {
    // Key and certificate signatures: every implementation writes v0.3 (and the reference accepts nothing else).
    bad(`media type ${mediaType} is a v${version} bundle, but a signature without transparency log entries is a v0.3 bundle`);
  }
  entries.forEach((e, i) => checkEntry(e, i, version));
}
