/**
 * What a command-line target is: an OCI image manifest file, an image reference, or (null) an
 * ordinary model path. Kept apart from the registry code so plain model commands load little.
 */
import { existsSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { MAX_MANIFEST_BYTES } from './image-manifest.js';
import { readSmallFile } from './read-small-file.js';
import { looksLikeReference, parseReference, type ImageReference } from './reference.js';

export type OciTarget = { kind: 'file'; path: string } | { kind: 'reference'; reference: ImageReference };

/** True when the file's JSON looks like an OCI manifest (what the Go port checks: `layers` or a schemaVersion). */
function holdsManifest(path: string): boolean {
  try {
    const bytes = readSmallFile(path, MAX_MANIFEST_BYTES, 'manifest file');
    if (bytes === null) return false;
    const j = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
    return typeof j === 'object' && j !== null && (Array.isArray(j['layers']) || Array.isArray(j['manifests']) || (typeof j['schemaVersion'] === 'number' && j['schemaVersion'] > 0));
  } catch {
    return false;
  }
}

/**
 * What `target` is: a manifest file (named with --oci-manifest, or an existing `*.json` file holding
 * one), a reference (when no such path exists), or null for an ordinary model path.
 */
export function ociTargetOf(target: string, ociManifestFlag = false): OciTarget | null {
  if (ociManifestFlag) return { kind: 'file', path: target };
  if (existsSync(target)) {
    const isJsonFile = extname(target).toLowerCase() === '.json' && statSync(target).isFile();
    return isJsonFile && holdsManifest(target) ? { kind: 'file', path: target } : null;
  }
  return looksLikeReference(target) ? { kind: 'reference', reference: parseReference(target) } : null;
}

