/**
 * Signing API (mirrors the Python `model_signing.signing`): pick a signer, optionally a hashing
 * configuration, then `sign(modelPath, signaturePath)`: hash -> statement -> signer -> atomic write.
 * The model is only read; the signature file is excluded from hashing when it lies inside it.
 */
import { debug, elapsedMs } from '../debug-log.js';
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import * as hashing from './hashing.js';
import { signatureIgnorePath } from '../model/ignore-paths.js';
import { ModelSigningError, errorMessage } from '../errors.js';
import { manifestToStatement } from '../statement.js';
import { readBundleFile, writeBundleAtomic } from '../bundle.js';
import type { Manifest } from '../manifest.js';
import { checkReferenceSerialization, referenceLayout, referenceStatement, type Compat } from '../compat/reference.js';
import type { BundleJSON, Signer } from '../signers/types.js';
import { EllipticKeySigner } from '../signers/key.js';
import { CertificateSigner } from '../signers/certificate.js';
import { createSigstoreSigner, type SigstoreSignerOptions } from '../signers/sigstore.js';
import {
  createPkcs11CertificateSigner,
  createPkcs11Signer,
  type Pkcs11CertificateSignerOptions,
  type Pkcs11SignerOptions,
} from '../signers/pkcs11.js';
import { checkTimestampOptions, withTimestamps, type TimestampOptions } from '../timestamp/signer.js';

export type { Signer, BundleJSON } from '../signers/types.js';
export type { Compat } from '../compat/reference.js';
export type { SigstoreSignerOptions } from '../signers/sigstore.js';
export type { Pkcs11SignerOptions, Pkcs11CertificateSignerOptions } from '../signers/pkcs11.js';
export type { TimestampOptions } from '../timestamp/signer.js';

export interface SigningResult {
  manifest: Manifest;
  bundle: BundleJSON;
}

/**
 * Refuses signature paths that would damage something before any hashing starts: the model file
 * itself, a directory, a missing parent directory, or an existing file that is not a signature.
 */
export function checkSignaturePath(modelPath: string, signaturePath: string): void {
  const target = resolve(signaturePath);
  if (target === resolve(modelPath)) {
    throw new ModelSigningError('USAGE', `the signature path '${signaturePath}' is the model itself`);
  }
  const parent = dirname(target);
  let parentIsDir = false;
  try {
    parentIsDir = statSync(parent).isDirectory();
  } catch {
    // reported below
  }
  if (!parentIsDir) throw new ModelSigningError('IO', `cannot write signature '${signaturePath}': directory '${parent}' does not exist`);
  let st;
  try {
    st = statSync(target);
  } catch {
    return; // does not exist yet: fine
  }
  if (st.isDirectory()) throw new ModelSigningError('IO', `cannot write signature '${signaturePath}': it is a directory`);
  if (!st.isFile()) throw new ModelSigningError('IO', `cannot write signature '${signaturePath}': it is not a regular file`);
  if (st.size === 0) return;
  try {
    readBundleFile(target);
  } catch (e) {
    throw new ModelSigningError(
      'IO',
      `refusing to overwrite '${signaturePath}': it exists and is not a signature file (${errorMessage(e)})`,
    );
  }
}

export class Config {
  private signer: () => Promise<Signer> = async () => createSigstoreSigner({});
  private hashingConfig: hashing.Config | undefined;
  private compat: Compat = 'spec';

  /**
   * Sign with an EC private key (PEM; encrypted PKCS #8 needs `password`). `tsaUrls` (here and for
   * the other non-Sigstore methods): RFC 3161 timestamp authorities that must all stamp the signature.
   */
  useEllipticKeySigner(o: { privateKey: string; password?: string } & TimestampOptions): this {
    const s = EllipticKeySigner.fromFile(o);
    return this.useSigner(withTimestamps(s, o));
  }

  /** Sign with an EC key and its certificate; `certificateChain` files are appended leaf-first. */
  useCertificateSigner(
    o: { privateKey: string; password?: string; signingCertificate: string; certificateChain?: string[] } & TimestampOptions,
  ): this {
    const s = CertificateSigner.fromFiles({ ...o, certificateChain: o.certificateChain ?? [] });
    return this.useSigner(withTimestamps(s, o));
  }

  /** Keyless signing with Sigstore (the default when no signer is chosen). */
  useSigstoreSigner(o: SigstoreSignerOptions = {}): this {
    this.signer = async () => createSigstoreSigner(o);
    return this;
  }

  usePkcs11Signer(o: Pkcs11SignerOptions & TimestampOptions): this {
    checkTimestampOptions(o); // bad TSA URLs are reported now, like the other methods
    this.signer = async () => withTimestamps(await createPkcs11Signer(o), o);
    return this;
  }

  usePkcs11CertificateSigner(o: Pkcs11CertificateSignerOptions & TimestampOptions): this {
    checkTimestampOptions(o);
    this.signer = async () => withTimestamps(await createPkcs11CertificateSigner(o), o);
    return this;
  }

  /** Any object that turns statement bytes into a bundle. */
  useSigner(s: Signer): this {
    this.signer = async () => s;
    return this;
  }

  /** How to hash; sign() works on a copy, adding the signature file to the exclusions when it lies inside the model. */
  setHashingConfig(h: hashing.Config): this {
    this.hashingConfig = h;
    return this;
  }

  /**
   * 'spec' (default): the OMS v1.0 form. 'reference': exactly what the Python `model_signing` 1.1.1
   * writes (single file named `.`, `<hash>-sharded-<size>` shard algorithms, its resource order).
   */
  setCompat(c: Compat): this {
    if (c !== 'spec' && c !== 'reference') throw new ModelSigningError('USAGE', `unknown compatibility mode '${String(c)}'`);
    this.compat = c;
    return this;
  }

  async sign(modelPath: string, signaturePath: string): Promise<SigningResult> {
    checkSignaturePath(modelPath, signaturePath);
    const cfg = this.hashingConfig?.clone() ?? new hashing.Config();
    if (this.compat === 'reference') checkReferenceSerialization(cfg.serialization);
    const signer = await this.signer(); // before hashing: a bad key fails fast
    await signer.prepare?.(); // e.g. Sigstore: token, signing config, services, sign-in
    const sigRel = signatureIgnorePath(modelPath, signaturePath, process.cwd());
    if (sigRel !== null) cfg.addIgnoredPaths({ paths: [sigRel] });
    const { manifest: hashed, emptyFiles } = await cfg.hashWithDetails(modelPath);
    if (hashed.serialization.method === 'shards' && emptyFiles.length > 0) throw emptyFilesUnderShards(emptyFiles);
    const manifest = this.compat === 'reference' ? referenceLayout(hashed) : hashed;
    const payload = this.compat === 'reference' ? referenceStatement(manifest) : manifestToStatement(manifest);
    const signStart = performance.now();
    const bundle = await signer.sign(payload);
    debug('sign', () => `statement of ${payload.length} bytes signed in ${elapsedMs(signStart)}`);
    writeBundleAtomic(signaturePath, bundle);
    debug('sign', () => `signature written to '${signaturePath}'`);
    return { manifest, bundle };
  }
}

/**
 * Shard manifests cannot record empty files (OMS 6.3.2 omits them), and verification must report an
 * unlisted local file as unsigned: signing would produce a signature its own model fails.
 */
function emptyFilesUnderShards(names: string[]): ModelSigningError {
  const shown = names.slice(0, 3).map((n) => `'${n}'`).join(', ') + (names.length > 3 ? ` and ${names.length - 3} more` : '');
  return new ModelSigningError(
    'MODEL',
    `cannot sign with shard serialization: ${shown} ${names.length === 1 ? 'is' : 'are'} empty, and shard signatures cannot record empty files, so verification would report ${names.length === 1 ? 'it' : 'them'} as unsigned; use file serialization or exclude ${names.length === 1 ? 'it' : 'them'} with --ignore-paths`,
  );
}

/** Signs with the defaults: Sigstore, file serialization, SHA-256. */
export function sign(modelPath: string, signaturePath: string): Promise<SigningResult> {
  return new Config().sign(modelPath, signaturePath);
}
