/**
 * Verifying an OCI image manifest: find the signature (a file, or attached in the registry), check it
 * with the verifier, then compare the signed resources with the ones the manifest stands for. ModelCar
 * layers pulled from a registry are also hashed (blob digest = descriptor digest, and the file inside =
 * the signed content digest): the annotations alone prove nothing. `localModel` additionally hashes a
 * local folder (a pulled ORAS artifact, an unpacked ModelCar) against the signed names.
 */
import * as hashing from '../api/hashing.js';
import { ModelSigningError, errorMessage } from '../errors.js';
import { readBundleFile } from '../bundle.js';
import { statementToManifest, type ExpectedManifest } from '../statement.js';
import { compareManifests, verificationReport, type Mismatch, type VerificationReport } from '../verify-model.js';
import { IN_TOTO_PAYLOAD_TYPE, type BundleJSON } from '../signers/types.js';
import type { SignerInfo, Verifier } from '../verifiers/types.js';
import { findSignatures, referrersTag, signatureTag, type SignatureLocation } from './attach.js';
import { layerFiles } from './layer-files.js';
import { directoryHasher, loadTarget, type OciTarget } from './load.js';
import { ociResources, withoutIgnored, type OciResource } from './payload.js';
import type { RegistryOptions } from './registry-client.js';

export interface OciVerifyOptions {
  verifier: Verifier | Promise<Verifier>;
  target: OciTarget;
  /** A signature file; without it the signature is looked up in the registry. */
  signaturePath?: string;
  platform?: string;
  registry?: RegistryOptions;
  /** A local folder to hash against the signed names as well. */
  localModel?: string;
  /** Extra resource names (or folders) to leave out of the comparison. */
  ignorePaths?: string[];
  onWarning?: (message: string) => void;
}

export interface OciVerificationReport extends VerificationReport {
  image: {
    reference: string | null;
    /** The image manifest's digest over its raw bytes. */
    digest: string;
    /** Where the signature came from. */
    signatureLocation: SignatureLocation | 'file';
    /** Digest of the signature artifact manifest (registry signatures). */
    signatureDigest: string | null;
  };
  /** ModelCar layers whose content was hashed from the registry. */
  layersChecked: number;
  localModel: string | null;
}

interface Candidate {
  bundle: BundleJSON;
  location: SignatureLocation | 'file';
  digest: string | null;
}

export async function verifyOci(o: OciVerifyOptions): Promise<OciVerificationReport> {
  const img = await loadTarget(o.target, o);
  const warn = o.onWarning ?? (() => undefined);
  const m = img.manifest;
  let candidates: Candidate[];
  if (o.signaturePath !== undefined) {
    candidates = [{ bundle: readBundleFile(o.signaturePath), location: 'file', digest: null }];
  } else if (img.client && img.reference) {
    const found = await findSignatures(img.client, img.reference.repository, m.digest, (msg) => warn(`skipping an unreadable attached signature: ${msg}`));
    if (found.length === 0) {
      throw new ModelSigningError(
        'BUNDLE',
        `${img.what}: no signature attached to ${m.digest} (looked in the referrers API, the tags ${referrersTag(m.digest)} and ${signatureTag(m.digest)})`,
      );
    }
    candidates = found;
  } else {
    throw new ModelSigningError('USAGE', `${img.what}: give the signature with --signature (a manifest file has no registry to look in)`);
  }

  // The newest signature that verifies wins; any valid one binds these resources.
  let chosen: { c: Candidate; expected: ExpectedManifest; signer: SignerInfo; warnings: string[] } | null = null;
  const errors: string[] = [];
  const verifier = await o.verifier;
  for (const c of candidates) {
    try {
      const v = await verifier.verify(c.bundle);
      if (v.payloadType !== IN_TOTO_PAYLOAD_TYPE) throw new ModelSigningError('BUNDLE', `expected DSSE payload type ${IN_TOTO_PAYLOAD_TYPE}, got '${v.payloadType}'`);
      const expected = statementToManifest(v.payload);
      const s = expected.serialization;
      if (s.method !== 'files' || s.hashType !== 'sha256') {
        throw new ModelSigningError('MISMATCH', `the signature was made over ${s.method}/${s.hashType} hashing of a folder, not over an OCI manifest (files/sha256)`);
      }
      chosen = { c, expected, signer: v.signer, warnings: [...v.warnings] };
      break;
    } catch (e) {
      const from = c.location === 'file' ? '' : ` (signature ${c.digest} from the ${c.location})`;
      errors.push(`${errorMessage(e)}${from}`);
      if (candidates.length === 1) {
        if (c.location === 'file' || !(e instanceof ModelSigningError)) throw e;
        throw new ModelSigningError(e.code, `${img.what}: ${errors[0]}`, { cause: e });
      }
    }
  }
  if (!chosen) {
    throw new ModelSigningError('SIGNATURE', `${img.what}: none of the ${candidates.length} attached signatures verifies; newest: ${errors[0]}`);
  }
  const { expected } = chosen;
  const warnings = chosen.warnings;
  const ignore = [...new Set([...expected.serialization.ignorePaths, ...(o.ignorePaths ?? [])])];
  const resources = withoutIgnored(await ociResources(m, img.what, directoryHasher(img)), ignore);
  const signed: ExpectedManifest = { ...expected, resources: withoutIgnored(expected.resources, o.ignorePaths ?? []) };
  const asDescriptors = (rs: OciResource[]) => rs.map((r) => ({ name: r.name, algorithm: 'sha256', digest: r.digest }));
  const diff = compareManifests(signed, asDescriptors(resources), { ignoreUnsignedFiles: false, localFileName: null });

  // ModelCar file layers: the signed digest is an annotation; prove the layer really holds that file.
  let layersChecked = 0;
  const fileLayers = resources.filter((r) => r.source === 'modelcar-file');
  if (fileLayers.length > 0 && img.client && img.reference) {
    for (const r of fileLayers) {
      const files = await layerFiles(img.client, img.reference.repository, r.descriptor, `${img.what}: ModelCar layer ${r.layerIndex}`);
      layersChecked++;
      const f = files.length === 1 && files[0]!.name === r.name ? files[0]! : null;
      if (!f || f.digest !== r.digest) diff.mismatches.push({ name: r.name, expected: r.digest, actual: f ? f.digest : null });
    }
  } else if (fileLayers.length > 0 && o.localModel === undefined) {
    warnings.push('the ModelCar layers were not pulled (manifest file): their content is checked only with --local-model');
  }
  layersChecked += new Set(resources.filter((r) => r.source === 'modelcar-directory').map((r) => r.layerIndex)).size;

  if (o.localModel !== undefined) {
    const local = await compareLocal(o.localModel, resources, signed, ignore);
    diff.mismatches.push(...local.mismatches);
    diff.missingFiles.push(...local.missingFiles);
    diff.extraFiles.push(...local.extraFiles);
  }
  for (const w of warnings) warn(w);
  return {
    ...verificationReport(expected, diff, warnings, chosen.signer),
    image: { reference: img.reference?.original ?? null, digest: m.digest, signatureLocation: chosen.c.location, signatureDigest: chosen.c.digest },
    layersChecked,
    localModel: o.localModel ?? null,
  };
}

/**
 * The local folder against the signed names that are files there: layers named by their title and
 * ModelCar files (not the config blob, not untitled layers, which are archives).
 */
async function compareLocal(dir: string, resources: OciResource[], signed: ExpectedManifest, ignore: string[]): Promise<{ mismatches: Mismatch[]; missingFiles: string[]; extraFiles: string[] }> {
  const localNames = new Set(resources.filter((r) => r.source !== 'config' && r.source !== 'untitled-layer').map((r) => r.name));
  const want: ExpectedManifest = { ...signed, resources: signed.resources.filter((r) => localNames.has(r.name)) };
  const cfg = new hashing.Config().useFileSerialization({ hashAlgorithm: 'sha256' });
  cfg.setIgnoredPaths({ paths: ignore, ignoreGitPaths: true });
  const actual = await cfg.hash(dir);
  return compareManifests(want, actual.resources, { ignoreUnsignedFiles: false, localFileName: null });
}
