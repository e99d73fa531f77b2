/**
 * Verification API (mirrors the Python `model_signing.verifying`): pick a verifier, then
 * `verify(modelPath, signaturePath)`. The signature's own serialization parameters drive the
 * re-hashing; a hashing configuration given here only adds exclusions (and may allow symlinks).
 * A mismatch throws VerificationMismatchError (code MISMATCH) carrying the full report.
 */
import * as hashing from './hashing.js';
import { signatureIgnorePath } from '../model/ignore-paths.js';
import { ModelSigningError } from '../errors.js';
import { readBundleFile } from '../bundle.js';
import type { Verifier } from '../verifiers/types.js';
import type { HashProgress } from '../hashing/types.js';
import { EllipticKeyVerifier } from '../verifiers/key.js';
import { CertificateVerifier, type CertificateVerifierOptions } from '../verifiers/certificate.js';
import type { TimestampVerifierOptions } from '../timestamp/verify.js';
import { createSigstoreVerifier, type SigstoreVerifierOptions } from '../verifiers/sigstore.js';
import type { Pkcs11KeyVerifierOptions } from '../verifiers/pkcs11.js';
import {
  VerificationMismatchError,
  verifyModel,
  type VerificationResult,
  type VerifyHashingOverrides,
} from '../verify-model.js';

export { VerificationMismatchError } from '../verify-model.js';
export type { VerificationReport, VerificationResult, Mismatch } from '../verify-model.js';
export type { Verifier, VerifiedPayload, SignerInfo } from '../verifiers/types.js';
export type { SigstoreVerifierOptions } from '../verifiers/sigstore.js';
export type { CertificateVerifierOptions } from '../verifiers/certificate.js';
export type { TimestampVerifierOptions } from '../timestamp/verify.js';

export class Config {
  // A promise when the verifier needs I/O to be built (reading a public key from a PKCS #11 token).
  private verifier: Verifier | Promise<Verifier> | undefined;
  private ignoreUnsignedFiles = false;
  private overrides: VerifyHashingOverrides = {};

  /** `tsaCertificateChain` (here and for the other non-Sigstore methods): TSA certificates whose timestamps are trusted. */
  useEllipticKeyVerifier(o: { publicKey: string } & TimestampVerifierOptions): this {
    return this.useVerifier(EllipticKeyVerifier.fromFile(o.publicKey, o));
  }

  /**
   * `certificateChain`: PEM files of the trust anchors (none: Node's bundled root store). With
   * `tsaCertificateChain`, a bundle's trusted timestamps set the validation time (an expired
   * certificate still verifies if it was valid when stamped); `now` sets it otherwise.
   */
  useCertificateVerifier(o: { certificateChain?: string[] } & CertificateVerifierOptions = {}): this {
    const { certificateChain, ...opts } = o;
    return this.useVerifier(CertificateVerifier.fromFiles(certificateChain ?? [], opts));
  }

  useSigstoreVerifier(o: SigstoreVerifierOptions): this {
    return this.useVerifier(createSigstoreVerifier(o));
  }

  /** Verifies with the public key read from a PKCS #11 token (the key never leaves the token). */
  usePkcs11KeyVerifier(o: Pkcs11KeyVerifierOptions): this {
    const verifier = import('../verifiers/pkcs11.js').then((m) => m.createPkcs11KeyVerifier(o));
    verifier.catch(() => undefined); // reported by verify(); avoid an unhandled rejection meanwhile
    return this.useVerifier(verifier);
  }

  useVerifier(v: Verifier | Promise<Verifier>): this {
    this.verifier = v;
    return this;
  }

  /** Hash only the files the signature lists; local files it does not list are not reported. */
  setIgnoreUnsignedFiles(ignore: boolean): this {
    this.ignoreUnsignedFiles = ignore;
    return this;
  }

  /**
   * Takes the exclusions (ignore paths, git paths) and the symlink permission of `h`; its
   * method, algorithm and shard size are NOT used: the signature says how the model was hashed.
   */
  setHashingConfig(h: hashing.Config): this {
    const s = h.serialization;
    this.overrides = {
      ...this.overrides,
      ignorePaths: [...s.ignorePaths],
      ignoreGitPaths: h.ignoreGitPaths,
      allowSymlinks: s.allowSymlinks,
    };
    return this;
  }

  setProgressHandler(f: (p: HashProgress) => void): this {
    this.overrides = { ...this.overrides, onProgress: f };
    return this;
  }

  setWarningHandler(f: (message: string) => void): this {
    this.overrides = { ...this.overrides, onWarning: f };
    return this;
  }

  /** Opt-in: trust digests of files unchanged since they were cached instead of re-hashing them. */
  useDigestCache(o: hashing.DigestCacheOptions = {}): this {
    this.overrides = { ...this.overrides, digestCache: { ...o } };
    return this;
  }

  async verify(modelPath: string, signaturePath: string): Promise<VerificationResult> {
    if (!this.verifier) throw new ModelSigningError('USAGE', 'no verifier configured: call one of the use...Verifier methods first');
    const bundle = readBundleFile(signaturePath);
    const sigRel = signatureIgnorePath(modelPath, signaturePath, process.cwd());
    const hashingOverrides = { ...this.overrides, ignorePaths: [...(this.overrides.ignorePaths ?? []), ...(sigRel !== null ? [sigRel] : [])] };
    const report = await verifyModel(modelPath, bundle, {
      verifier: await this.verifier,
      ignoreUnsignedFiles: this.ignoreUnsignedFiles,
      hashing: hashingOverrides,
    });
    if (!report.ok) throw new VerificationMismatchError(report);
    return { ...report, ok: true };
  }
}
