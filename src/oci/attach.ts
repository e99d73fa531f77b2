/**
 * Signatures in the registry, in the Red Hat fork's layout so either tool finds the other's:
 * - referrers mode: an artifact manifest (artifactType application/vnd.model-signing.signature.v0.1,
 *   config `{}`, one layer = the bundle) whose `subject` is the signed manifest; when the registry does
 *   not index referrers (no OCI-Subject header), the distribution spec's fallback `sha256-<hex>` index
 *   tag is kept up to date as well;
 * - tag mode: the same bundle layer under the tag `sha256-<hex>.sig`.
 * Lookup: referrers API, then the fallback index, then the `.sig` tag, newest first.
 */
import { ModelSigningError, errorMessage } from '../errors.js';
import { checkBundleShape, DEFAULT_MAX_BUNDLE_BYTES } from '../bundle.js';
import { parseJsonBytes } from '../statement.js';
import type { BundleJSON } from '../signers/types.js';
import { MEDIA_TYPE_OCI_INDEX, MEDIA_TYPE_OCI_MANIFEST, parseManifestBytes, sha256Digest, type Descriptor } from './image-manifest.js';
import type { RegistryClient } from './registry-client.js';

export const SIGNATURE_ARTIFACT_TYPE = 'application/vnd.model-signing.signature.v0.1';
export const SIGNATURE_CONFIG_TYPE = 'application/vnd.model-signing.signature.v0.1.config+json';
export const OCI_EMPTY_CONFIG_TYPE = 'application/vnd.oci.image.config.v1+json';
export const BUNDLE_LAYER_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const TAG_MODE_ANNOTATION = 'dev.sigstore.model-signing.artifact-type';
export const CREATED_ANNOTATION = 'org.opencontainers.image.created';
/** At most this many attached signatures are tried, newest first. */
export const MAX_CANDIDATES = 16;

export type AttachmentMode = 'referrers' | 'tag';
export type SignatureLocation = 'referrers API' | 'referrers tag' | 'signature tag';

export interface Subject {
  mediaType: string;
  digest: string;
  size: number;
}

export interface Attached {
  /** Where it was put: referrers API, or the fallback index tag too, or the .sig tag. */
  location: SignatureLocation;
  /** Digest of the signature artifact manifest. */
  digest: string;
  /** The tag written (fallback index or .sig), if any. */
  tag?: string;
}

export interface FoundSignature {
  bundle: BundleJSON;
  location: SignatureLocation;
  /** Digest of the signature artifact manifest. */
  digest: string;
}

export const referrersTag = (digest: string): string => digest.replace(':', '-');
export const signatureTag = (digest: string): string => `${digest.replace(':', '-')}.sig`;

const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v), 'utf8');

export async function attachSignature(
  client: RegistryClient,
  repo: string,
  subject: Subject,
  bundle: BundleJSON,
  mode: AttachmentMode,
  now = new Date(),
): Promise<Attached> {
  const bundleBytes = json(bundle);
  const layer = await client.pushBlob(repo, bundleBytes);
  const layers = [{ mediaType: BUNDLE_LAYER_TYPE, digest: layer.digest, size: layer.size }];
  const created = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (mode === 'tag') {
    const config = await client.pushBlob(repo, Buffer.from('{}'));
    const raw = json({
      schemaVersion: 2,
      mediaType: MEDIA_TYPE_OCI_MANIFEST,
      config: { mediaType: OCI_EMPTY_CONFIG_TYPE, ...config },
      layers,
      annotations: { [TAG_MODE_ANNOTATION]: SIGNATURE_ARTIFACT_TYPE, [CREATED_ANNOTATION]: created },
    });
    const tag = signatureTag(subject.digest);
    const put = await client.putManifest(repo, tag, raw, MEDIA_TYPE_OCI_MANIFEST);
    return { location: 'signature tag', digest: put.digest, tag };
  }
  const config = await client.pushBlob(repo, Buffer.from('{}'));
  const raw = json({
    schemaVersion: 2,
    mediaType: MEDIA_TYPE_OCI_MANIFEST,
    artifactType: SIGNATURE_ARTIFACT_TYPE,
    config: { mediaType: SIGNATURE_CONFIG_TYPE, ...config },
    layers,
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations: { [CREATED_ANNOTATION]: created },
  });
  const manifestDigest = sha256Digest(raw);
  const put = await client.putManifest(repo, manifestDigest, raw, MEDIA_TYPE_OCI_MANIFEST);
  if (put.ociSubject === subject.digest) return { location: 'referrers API', digest: put.digest };
  // No OCI-Subject header: the registry does not index referrers; keep the spec's fallback tag.
  const tag = referrersTag(subject.digest);
  const existing = await client.getManifest(repo, tag, MEDIA_TYPE_OCI_INDEX);
  let manifests: unknown[] = [];
  if (existing) {
    const idx = parseJsonBytes(existing.raw, `the referrers tag ${tag}`) as Record<string, unknown>;
    if (!Array.isArray(idx['manifests'])) {
      throw new ModelSigningError('REGISTRY', `${client.registry}/${repo}:${tag}: the referrers tag holds something that is not an index; not overwriting it`);
    }
    manifests = idx['manifests'].filter((d) => (d as Record<string, unknown>)?.['digest'] !== put.digest);
  }
  manifests.push({
    mediaType: MEDIA_TYPE_OCI_MANIFEST,
    digest: put.digest,
    size: raw.length,
    artifactType: SIGNATURE_ARTIFACT_TYPE,
    annotations: { [CREATED_ANNOTATION]: created },
  });
  await client.putManifest(repo, tag, json({ schemaVersion: 2, mediaType: MEDIA_TYPE_OCI_INDEX, manifests }), MEDIA_TYPE_OCI_INDEX);
  return { location: 'referrers tag', digest: put.digest, tag };
}

/** Descriptors of signature artifacts in an index (referrers response or fallback tag), newest first. */
function signatureDescriptors(raw: Buffer, what: string): Descriptor[] {
  const idx = parseManifestBytes(raw, what);
  if (idx.kind !== 'index') throw new ModelSigningError('REGISTRY', `${what} is not an index`);
  const sigs = idx.manifests.filter((d) => d.artifactType === SIGNATURE_ARTIFACT_TYPE);
  // The fork lists in push order (last is newest); a creation time, when present, decides.
  const order = sigs.map((d, i) => ({ d, i, t: Date.parse(d.annotations[CREATED_ANNOTATION] ?? '') }));
  order.sort((a, b) => (Number.isNaN(a.t) || Number.isNaN(b.t) || a.t === b.t ? b.i - a.i : b.t - a.t));
  return order.map((o) => o.d);
}

/** The bundle layer of a signature artifact manifest. */
async function bundleOf(client: RegistryClient, repo: string, digestOrTag: string, what: string): Promise<{ bundle: BundleJSON; digest: string } | null> {
  const m = await client.getManifest(repo, digestOrTag, MEDIA_TYPE_OCI_MANIFEST);
  if (!m) return null;
  const parsed = parseManifestBytes(m.raw, what);
  if (parsed.kind !== 'manifest') throw new ModelSigningError('REGISTRY', `${what} is not a signature artifact`);
  const layer = parsed.layers[0]!;
  const bytes = await client.getBlob(repo, layer, DEFAULT_MAX_BUNDLE_BYTES);
  let j: unknown;
  try {
    j = parseJsonBytes(bytes, 'its content');
  } catch (e) {
    throw new ModelSigningError('BUNDLE', `${what}: the attached signature is not a Sigstore bundle: ${errorMessage(e)}`);
  }
  return { bundle: checkBundleShape(j, what), digest: m.digest };
}

/**
 * Every signature attached to `subjectDigest`, newest first per place: referrers API, fallback index
 * tag, `.sig` tag. `onError` hears about entries that could not be read (they are skipped).
 */
export async function findSignatures(
  client: RegistryClient,
  repo: string,
  subjectDigest: string,
  onError: (message: string) => void = () => undefined,
): Promise<FoundSignature[]> {
  const found: FoundSignature[] = [];
  const seen = new Set<string>();
  const where = `${client.registry}/${repo}@${subjectDigest}`;
  const fromIndex = async (raw: Buffer, location: SignatureLocation, what: string) => {
    for (const d of signatureDescriptors(raw, what)) {
      if (found.length >= MAX_CANDIDATES) return;
      if (seen.has(d.digest)) continue;
      seen.add(d.digest);
      try {
        const b = await bundleOf(client, repo, d.digest, `signature ${client.registry}/${repo}@${d.digest}`);
        if (b) found.push({ bundle: b.bundle, location, digest: b.digest });
      } catch (e) {
        onError(errorMessage(e));
      }
    }
  };
  const api = await client.referrers(repo, subjectDigest, SIGNATURE_ARTIFACT_TYPE);
  if (api) await fromIndex(api, 'referrers API', `the referrers of ${where}`);
  const tag = referrersTag(subjectDigest);
  const fallback = await client.getManifest(repo, tag, MEDIA_TYPE_OCI_INDEX);
  if (fallback) await fromIndex(fallback.raw, 'referrers tag', `${client.registry}/${repo}:${tag}`);
  const sigTag = signatureTag(subjectDigest);
  try {
    const b = await bundleOf(client, repo, sigTag, `${client.registry}/${repo}:${sigTag}`);
    if (b && !seen.has(b.digest)) found.push({ bundle: b.bundle, location: 'signature tag', digest: b.digest });
  } catch (e) {
    onError(errorMessage(e));
  }
  return found;
}
