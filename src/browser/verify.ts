/**
 * `verify()` for the browser: the Node verifiers and manifest checks, unchanged (built with the browser crypto
 * port, see shims/node-crypto.ts), over a model given as browser files. Same flow, results and error codes as
 * `verifying.Config.verify()`: a mismatch throws VerificationMismatchError (code MISMATCH) carrying the report.
 * Nothing leaves the machine and nothing is fetched: Sigstore uses the embedded trusted root or the given one.
 */
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { checkBundleShape, DEFAULT_MAX_BUNDLE_BYTES } from '../bundle.js';
import { ModelSigningError, errorMessage } from '../errors.js';
import { publicKeyFromPem } from '../keys.js';
import { parseShardName } from '../manifest.js';
import type { BundleJSON } from '../signers/types.js';
import { parseJsonBytes, type StatementLimits } from '../statement.js';
import { PRODUCTION, STAGING } from '../trust/embedded.js';
import { parseClientTrustConfig } from '../trust/client-trust-config.js';
import { CertificateVerifier } from '../verifiers/certificate.js';
import { EllipticKeyVerifier } from '../verifiers/key.js';
import { createSigstoreVerifier } from '../verifiers/sigstore.js';
import type { Verifier } from '../verifiers/types.js';
import {
  EMPTY_SHARD_FILES_WARNING,
  VerificationMismatchError,
  compareManifests,
  verificationReport,
  verifySignedManifest,
  type VerificationReport,
  type VerificationResult,
} from '../verify-model.js';
import type { HashProgress } from '../hashing/types.js';
import { hashModelWithDetails, type Digester } from './hash-model.js';
import { toBrowserModel, type BrowserModel, type ModelInput } from './model.js';

export type VerifyMethod = 'key' | 'certificate' | 'sigstore';

/** Text, bytes, a Blob/File, or the already parsed JSON. */
export type SignatureInput = string | Uint8Array | ArrayBuffer | Blob | Record<string, unknown>;

export interface BrowserVerifyOptions {
  /** The model: files from a folder picker or a drop, a directory handle, or a prepared BrowserModel. */
  files: ModelInput;
  /** The signature (a Sigstore bundle). */
  signature: SignatureInput;
  /** The signature's model-relative name when it lies inside the model (it is then not hashed). */
  signatureName?: string;
  method: VerifyMethod;
  /** key: the PEM public key (or a PEM certificate holding it). */
  publicKey?: string;
  /** Names the public key in error messages (e.g. its file name). */
  publicKeyName?: string;
  /** certificate: PEM texts of the trust anchors (roots or intermediates). Required: there is no system store. */
  certificateChain?: string[];
  /** Name each certificate chain text in error messages (e.g. file names). */
  certificateChainNames?: string[];
  /** sigstore: the expected certificate identity (SAN) and OIDC issuer, compared exactly. */
  identity?: string;
  oidcIssuer?: string;
  /** sigstore: a ClientTrustConfig JSON text (its trusted root), instead of the embedded public-good root. */
  trustConfig?: string;
  /** sigstore: the embedded staging root instead of production. */
  useStaging?: boolean;
  /** Validation time for the certificate method (default: now). */
  now?: Date;
  ignoreUnsignedFiles?: boolean;
  /** Extra model-relative exclusions. */
  ignorePaths?: string[];
  /** Exclude the top-level git paths (default true). */
  ignoreGitPaths?: boolean;
  onProgress?: (p: HashProgress) => void;
  onWarning?: (message: string) => void;
  limits?: StatementLimits;
  /** How digests are computed (default: a Web Worker pool when Workers exist, else in this thread). */
  digester?: Digester;
}

async function signatureBytes(s: SignatureInput): Promise<Uint8Array | Record<string, unknown>> {
  if (typeof s === 'string') return new TextEncoder().encode(s);
  if (s instanceof Uint8Array) return s;
  if (s instanceof ArrayBuffer) return new Uint8Array(s);
  if (typeof Blob !== 'undefined' && s instanceof Blob) {
    if (s.size > DEFAULT_MAX_BUNDLE_BYTES) throw new ModelSigningError('BUNDLE', `signature file 'the signature' is ${s.size} bytes, more than the limit of ${DEFAULT_MAX_BUNDLE_BYTES}`);
    return new Uint8Array(await s.arrayBuffer());
  }
  return s as Record<string, unknown>;
}

/** Parses and shape-checks a signature, as readBundleFile does for a file. */
export async function readSignature(s: SignatureInput, where = 'the signature'): Promise<BundleJSON> {
  const v = await signatureBytes(s);
  if (!(v instanceof Uint8Array)) return checkBundleShape(v, where);
  if (v.length > DEFAULT_MAX_BUNDLE_BYTES) throw new ModelSigningError('BUNDLE', `signature file '${where}' is ${v.length} bytes, more than the limit of ${DEFAULT_MAX_BUNDLE_BYTES}`);
  const bytes = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if (bytes.length === 0 || bytes.toString('utf8').trim() === '') throw new ModelSigningError('BUNDLE', `signature file '${where}' is empty`);
  let json: unknown;
  try {
    json = parseJsonBytes(bytes, 'its content');
  } catch (e) {
    throw new ModelSigningError('BUNDLE', `signature file '${where}' is not a Sigstore bundle: ${errorMessage(e)}`);
  }
  return checkBundleShape(json, where);
}

/** The trusted root for Sigstore: the given trust config, else the embedded public-good (or staging) root. */
export function browserTrustedRoot(o: { trustConfig?: string; useStaging?: boolean }): TrustedRoot {
  if (o.trustConfig !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(o.trustConfig);
    } catch (e) {
      throw new ModelSigningError('TRUST', `trust config is not valid JSON: ${errorMessage(e)}`, { cause: e });
    }
    return parseClientTrustConfig(json, 'trust config').trustedRoot;
  }
  return TrustedRoot.fromJSON((o.useStaging ? STAGING : PRODUCTION).trustedRoot);
}

/** The verifier for a method, from PEM texts and names (no files). */
export function browserVerifier(o: BrowserVerifyOptions): Verifier {
  switch (o.method) {
    case 'key':
      if (!o.publicKey) throw new ModelSigningError('USAGE', "the 'key' method needs a public key");
      return new EllipticKeyVerifier(publicKeyFromPem(o.publicKey, o.publicKeyName ?? '(given text)'));
    case 'certificate': {
      const chain = o.certificateChain ?? [];
      if (chain.length === 0) {
        throw new ModelSigningError('USAGE', "the 'certificate' method needs the trust anchors (CA chain): the browser has no system certificate store to use");
      }
      return CertificateVerifier.fromPem(chain, chain.map((_, i) => o.certificateChainNames?.[i] ?? `#${i + 1}`), o.now ? { now: o.now } : {});
    }
    case 'sigstore':
      return createSigstoreVerifier({
        identity: o.identity ?? '',
        oidcIssuer: o.oidcIssuer ?? '',
        trustedRoot: browserTrustedRoot(o),
      });
    default:
      throw new ModelSigningError('USAGE', `unknown verification method '${String(o.method)}': expected key, certificate or sigstore`);
  }
}

const fileOf = (name: string, sharded: boolean): string => (sharded ? (parseShardName(name)?.path ?? name) : name);

/** Verifies the signature, then the model against it; resolves with the report, throws MISMATCH when they differ. */
export async function verify(o: BrowserVerifyOptions): Promise<VerificationResult> {
  const verifier = browserVerifier(o);
  const bundle = await readSignature(o.signature);
  const model: BrowserModel = await toBrowserModel(o.files);
  const report = await verifyBrowserModel(model, bundle, verifier, o);
  if (!report.ok) throw new VerificationMismatchError(report);
  return { ...report, ok: true };
}

/** verifyModel (src/verify-model.ts) over a browser model. */
export async function verifyBrowserModel(
  model: BrowserModel,
  bundle: BundleJSON,
  verifier: Verifier,
  o: Omit<BrowserVerifyOptions, 'files' | 'signature' | 'method'> = {},
): Promise<VerificationReport> {
  const { verified, expected, warnings } = await verifySignedManifest(bundle, verifier, o.limits);
  for (const w of warnings) o.onWarning?.(w);

  const s = expected.serialization;
  const sharded = s.method === 'shards';
  const localFileName = model.singleFile ? model.entries[0]!.name : null;
  const ignoreUnsignedFiles = o.ignoreUnsignedFiles === true;
  let onlyNames: Set<string> | undefined;
  if (ignoreUnsignedFiles) {
    onlyNames = new Set(expected.resources.map((r) => fileOf(r.name, sharded)));
    if (expected.singleFileDot && localFileName !== null) onlyNames.add(localFileName);
  }
  const ignorePaths = [...(o.ignorePaths ?? []), ...(o.signatureName ? [o.signatureName] : [])];
  const { resources: actual, emptyFiles } = await hashModelWithDetails(model, s, {
    ignorePaths,
    ...(o.ignoreGitPaths !== undefined ? { ignoreGitPaths: o.ignoreGitPaths } : {}),
    ...(onlyNames ? { onlyNames } : {}),
    signedResources: expected.resources.length,
    ...(o.digester ? { digester: o.digester } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  });
  const diff = compareManifests(expected, actual, { ignoreUnsignedFiles, localFileName, emptyFiles });
  if (sharded && diff.extraFiles.some((f) => emptyFiles.includes(f))) {
    warnings.push(EMPTY_SHARD_FILES_WARNING);
    o.onWarning?.(EMPTY_SHARD_FILES_WARNING);
  }
  return verificationReport(expected, diff, warnings, verified.signer);
}
