/**
 * OCI image manifests and indexes as received: parsed from the raw bytes, validated, and digested
 * over those same bytes (never over re-serialized JSON, which differs from what the registry stores).
 */
import { createHash } from 'node:crypto';
import { ModelSigningError } from '../errors.js';
import { parseJsonBytes } from '../statement.js';
import { DIGEST } from './reference.js';

/** distribution's own limit for a manifest PUT; anything larger is refused unread. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export const MEDIA_TYPE_OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const MEDIA_TYPE_OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const MEDIA_TYPE_DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const MEDIA_TYPE_DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const MANIFEST_ACCEPT = [MEDIA_TYPE_OCI_MANIFEST, MEDIA_TYPE_DOCKER_MANIFEST, MEDIA_TYPE_OCI_INDEX, MEDIA_TYPE_DOCKER_LIST].join(', ');

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations: Record<string, string>;
  artifactType?: string;
  platform?: { os: string; architecture: string; variant?: string };
}

export interface ImageManifest {
  kind: 'manifest';
  /** The bytes as received; `digest` is over them. */
  raw: Buffer;
  digest: string;
  mediaType: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  annotations: Record<string, string>;
  subject?: Descriptor;
}

export interface ImageIndex {
  kind: 'index';
  raw: Buffer;
  digest: string;
  mediaType: string;
  manifests: Descriptor[];
}

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Digest of `bytes` with the algorithm `expected` names (sha256 or sha512). */
export function digestLike(expected: string, bytes: Uint8Array): string {
  const algo = expected.startsWith('sha512:') ? 'sha512' : 'sha256';
  return `${algo}:${createHash(algo).update(bytes).digest('hex')}`;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseAnnotations(v: unknown, where: string, fail: (m: string) => never): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) fail(`${where}.annotations is not an object`);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (typeof val !== 'string') fail(`${where}.annotations[${JSON.stringify(k)}] is not a string`);
    out[k] = val;
  }
  return out;
}

function parseDescriptor(v: unknown, where: string, fail: (m: string) => never): Descriptor {
  if (!isObject(v)) fail(`${where} is not an object`);
  const { mediaType, digest, size } = v;
  if (typeof mediaType !== 'string') fail(`${where}.mediaType is missing`);
  if (typeof digest !== 'string' || !DIGEST.test(digest)) fail(`${where}.digest ${JSON.stringify(digest)} is not a sha256/sha512 digest`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) fail(`${where}.size is not a non-negative integer`);
  const d: Descriptor = { mediaType, digest, size, annotations: parseAnnotations(v['annotations'], where, fail) };
  if (typeof v['artifactType'] === 'string') d.artifactType = v['artifactType'];
  const p = v['platform'];
  if (isObject(p) && typeof p['os'] === 'string' && typeof p['architecture'] === 'string') {
    d.platform = { os: p['os'], architecture: p['architecture'], ...(typeof p['variant'] === 'string' ? { variant: p['variant'] } : {}) };
  }
  return d;
}

/**
 * Parses manifest bytes. `what` names the source (a reference or a file) in every error ('' when the
 * caller adds it).
 * An index is returned as such; callers that need an image manifest call `requireImageManifest`.
 */
export function parseManifestBytes(raw: Buffer, what: string): ImageManifest | ImageIndex {
  const fail: (m: string) => never = (m) => {
    throw new ModelSigningError('MODEL', what ? `${what}: ${m}` : m);
  };
  if (raw.length > MAX_MANIFEST_BYTES) fail(`manifest is ${raw.length} bytes, more than the limit of ${MAX_MANIFEST_BYTES}`);
  let json: unknown;
  try {
    json = parseJsonBytes(raw, 'the manifest');
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
  if (!isObject(json)) fail('the manifest is not a JSON object');
  const digest = sha256Digest(raw);
  const mediaType = typeof json['mediaType'] === 'string' ? json['mediaType'] : '';
  if (json['schemaVersion'] !== 2) fail(`not an OCI image manifest (schemaVersion ${JSON.stringify(json['schemaVersion'])}, expected 2)`);
  if (mediaType === MEDIA_TYPE_OCI_INDEX || mediaType === MEDIA_TYPE_DOCKER_LIST || Array.isArray(json['manifests'])) {
    const list = json['manifests'];
    if (!Array.isArray(list)) fail('the index has no manifests array');
    return {
      kind: 'index',
      raw,
      digest,
      mediaType: mediaType || MEDIA_TYPE_OCI_INDEX,
      manifests: list.map((d, i) => parseDescriptor(d, `manifests[${i}]`, fail)),
    };
  }
  if (mediaType !== '' && mediaType !== MEDIA_TYPE_OCI_MANIFEST && mediaType !== MEDIA_TYPE_DOCKER_MANIFEST) {
    fail(`unsupported manifest media type '${mediaType}'`);
  }
  if (!isObject(json['config'])) fail('the manifest has no config descriptor');
  const config = parseDescriptor(json['config'], 'config', fail);
  const layers = json['layers'];
  if (!Array.isArray(layers) || layers.length === 0) fail('the manifest has no layers');
  const m: ImageManifest = {
    kind: 'manifest',
    raw,
    digest,
    mediaType: mediaType || MEDIA_TYPE_OCI_MANIFEST,
    config,
    layers: layers.map((d, i) => parseDescriptor(d, `layers[${i}]`, fail)),
    annotations: parseAnnotations(json['annotations'], 'manifest', fail),
  };
  if (typeof json['artifactType'] === 'string') m.artifactType = json['artifactType'];
  if (json['subject'] !== undefined) m.subject = parseDescriptor(json['subject'], 'subject', fail);
  return m;
}

/** `os/arch[/variant]` */
export function parsePlatform(s: string): { os: string; architecture: string; variant?: string } {
  const parts = s.split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '')) {
    throw new ModelSigningError('USAGE', `--platform must be os/arch[/variant], got '${s}'`);
  }
  return { os: parts[0]!, architecture: parts[1]!, ...(parts[2] !== undefined ? { variant: parts[2] } : {}) };
}

/** The index entry for `platform`; a clear error listing what the index has otherwise. */
export function pickPlatform(index: ImageIndex, what: string, platform: string | undefined): Descriptor {
  const available = index.manifests
    .map((d) => (d.platform ? [d.platform.os, d.platform.architecture, d.platform.variant].filter(Boolean).join('/') : null))
    .filter((p): p is string => p !== null);
  if (platform === undefined) {
    throw new ModelSigningError(
      'MODEL',
      `${what} is an image index (manifest list), not an image manifest: pick one with --platform (${available.join(', ') || 'no platforms listed'})`,
    );
  }
  const want = parsePlatform(platform);
  const found = index.manifests.filter(
    (d) =>
      d.platform?.os === want.os &&
      d.platform.architecture === want.architecture &&
      (want.variant === undefined || d.platform.variant === want.variant),
  );
  if (found.length !== 1) {
    throw new ModelSigningError(
      'MODEL',
      `${what}: ${found.length === 0 ? 'no' : 'more than one'} manifest for platform ${platform} in the index (${available.join(', ') || 'none listed'})`,
    );
  }
  return found[0]!;
}

export function requireImageManifest(m: ImageManifest | ImageIndex, what: string): ImageManifest {
  if (m.kind === 'index') pickPlatform(m, what, undefined);
  return m as ImageManifest;
}
