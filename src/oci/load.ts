/**
 * Where an OCI target comes from: a local manifest file (as `skopeo inspect --raw` or `oras manifest
 * fetch` write it), or a registry reference fetched with our client. Either way the manifest is kept
 * as the raw bytes and digested over them.
 */
import { basename, extname } from 'node:path';
import { ModelSigningError } from '../errors.js';
import { readSmallFile } from './read-small-file.js';
import { MAX_MANIFEST_BYTES, parseManifestBytes, pickPlatform, requireImageManifest, type ImageManifest } from './image-manifest.js';
import { manifestRef, type ImageReference } from './reference.js';
import type { OciTarget } from './target.js';
export type { OciTarget } from './target.js';
import { RegistryClient, type RegistryOptions } from './registry-client.js';
import { layerFiles } from './layer-files.js';
import type { DirectoryLayerHasher } from './payload.js';

export interface LoadedImage {
  /** Names the source in messages: the reference as typed, or the file path. */
  what: string;
  /** The signature's subject name: the reference as typed, or the file name without extension. */
  subjectName: string;
  manifest: ImageManifest;
  reference?: ImageReference;
  client?: RegistryClient;
}

export function loadManifestFile(path: string): LoadedImage {
  let bytes: Buffer | null;
  try {
    bytes = readSmallFile(path, MAX_MANIFEST_BYTES, 'manifest file');
  } catch (e) {
    throw new ModelSigningError('IO', (e as Error).message);
  }
  if (bytes === null) throw new ModelSigningError('IO', `manifest file '${path}' does not exist`);
  const what = `manifest file '${path}'`;
  const parsed = parseManifestBytes(bytes, what);
  if (parsed.kind === 'index') {
    throw new ModelSigningError('MODEL', `${what} is an image index (manifest list), not an image manifest: fetch the platform's manifest (e.g. skopeo inspect --raw --override-arch) or sign the reference with --platform`);
  }
  return { what, subjectName: basename(path, extname(path)), manifest: parsed };
}

export async function loadFromRegistry(reference: ImageReference, o: RegistryOptions & { platform?: string }): Promise<LoadedImage> {
  const what = reference.original;
  const client = new RegistryClient(reference.registry, o);
  const repo = reference.repository;
  const wrap = (e: unknown): never => {
    // One line naming the reference as the user typed it.
    if (e instanceof ModelSigningError && !e.message.startsWith(what) && !e.message.startsWith(`${reference.registry}/${repo}`)) throw new ModelSigningError(e.code, `${what}: ${e.message}`, { cause: e });
    throw e;
  };
  try {
    const got = await client.getManifest(repo, manifestRef(reference));
    if (!got) throw new ModelSigningError('REGISTRY', `manifest not found (HTTP 404)`);
    let parsed = parseManifestBytes(got.raw, '');
    if (parsed.kind === 'index') {
      const d = pickPlatform(parsed, 'the reference', o.platform);
      const child = await client.getManifest(repo, d.digest);
      if (!child) throw new ModelSigningError('REGISTRY', `the index names ${d.digest}, which the registry does not have`);
      parsed = parseManifestBytes(child.raw, `manifest ${d.digest}`);
    } else if (o.platform !== undefined) {
      throw new ModelSigningError('USAGE', '--platform is for image indexes; this reference is a single image manifest');
    }
    return { what, subjectName: reference.original, manifest: requireImageManifest(parsed, 'the reference'), reference, client };
  } catch (e) {
    return wrap(e);
  }
}

export async function loadTarget(target: OciTarget, o: { registry?: RegistryOptions; platform?: string }): Promise<LoadedImage> {
  if (target.kind === 'file') {
    if (o.platform !== undefined) throw new ModelSigningError('USAGE', '--platform applies to image references, not to manifest files');
    return loadManifestFile(target.path);
  }
  return loadFromRegistry(target.reference, { ...(o.registry ?? {}), ...(o.platform !== undefined ? { platform: o.platform } : {}) });
}

/** Hashes ModelCar directory layers from the registry (only possible for references). */
export function directoryHasher(img: LoadedImage): DirectoryLayerHasher | undefined {
  const { client, reference } = img;
  if (!client || !reference) return undefined;
  return (layer, i) => layerFiles(client, reference.repository, layer, `${img.what}: ModelCar layer ${i}`);
}
