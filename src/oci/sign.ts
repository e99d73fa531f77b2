/**
 * Signing an OCI image manifest: the manifest becomes an ordinary OMS payload (see payload.ts), the
 * signer makes the bundle, and the bundle is written to a file, attached in the registry, or both.
 * Everything that can fail is checked before anything is pushed.
 */
import { ModelSigningError } from '../errors.js';
import { manifestToStatement } from '../statement.js';
import { writeBundleAtomic } from '../bundle.js';
import type { Manifest } from '../manifest.js';
import type { BundleJSON, Signer } from '../signers/types.js';
import { checkSignaturePath } from '../api/signing.js';
import { attachSignature, type Attached, type AttachmentMode } from './attach.js';
import { directoryHasher, loadTarget, type OciTarget } from './load.js';
import { ociManifest, ociResources, withoutIgnored } from './payload.js';
import type { RegistryOptions } from './registry-client.js';

export type OutputMode = 'registry' | 'file' | 'both';

export interface OciSignOptions {
  signer: Signer | (() => Promise<Signer> | Signer);
  target: OciTarget;
  /** Default: 'registry' for references, 'file' for manifest files. */
  outputMode?: OutputMode;
  /** Needed for the file outputs. */
  signaturePath?: string;
  attachmentMode?: AttachmentMode;
  platform?: string;
  registry?: RegistryOptions;
  /** Resource names (or folders) to leave out; recorded in the signature. */
  ignorePaths?: string[];
}

export interface OciSigningResult {
  manifest: Manifest;
  bundle: BundleJSON;
  /** The signed image manifest's digest (over its raw bytes). */
  imageDigest: string;
  reference: string | null;
  signaturePath: string | null;
  attached: Attached | null;
}

export async function signOci(o: OciSignOptions): Promise<OciSigningResult> {
  const mode = o.outputMode ?? (o.target.kind === 'reference' ? 'registry' : 'file');
  if (mode !== 'file' && o.target.kind !== 'reference') {
    throw new ModelSigningError('USAGE', `--output-mode ${mode} needs an image reference; a manifest file can only be signed to a file`);
  }
  const toFile = mode !== 'registry';
  if (toFile) {
    if (!o.signaturePath) throw new ModelSigningError('USAGE', 'no signature path given for --output-mode file');
    checkSignaturePath(o.target.kind === 'file' ? o.target.path : '\0', o.signaturePath);
  }
  const signer = typeof o.signer === 'function' ? await o.signer() : o.signer;
  const img = await loadTarget(o.target, o);
  const ignore = [...new Set(o.ignorePaths ?? [])];
  const resources = withoutIgnored(await ociResources(img.manifest, img.what, directoryHasher(img)), ignore);
  if (resources.length === 0) throw new ModelSigningError('MODEL', `${img.what}: the ignore paths leave nothing to sign`);
  const manifest = ociManifest(img.subjectName, resources, ignore);
  const bundle = await signer.sign(manifestToStatement(manifest));
  if (toFile) writeBundleAtomic(o.signaturePath!, bundle);
  let attached: Attached | null = null;
  if (mode !== 'file') {
    const m = img.manifest;
    try {
      attached = await attachSignature(
        img.client!,
        img.reference!.repository,
        { mediaType: m.mediaType, digest: m.digest, size: m.raw.length },
        bundle,
        o.attachmentMode ?? 'referrers',
      );
    } catch (e) {
      if (e instanceof ModelSigningError && !e.message.startsWith(img.reference!.registry)) throw new ModelSigningError(e.code, `${img.what}: ${e.message}`);
      throw e;
    }
  }
  return {
    manifest,
    bundle,
    imageDigest: img.manifest.digest,
    reference: img.reference?.original ?? null,
    signaturePath: toFile ? o.signaturePath! : null,
    attached,
  };
}
