/**
 * OCI image references: `[oci://]host[:port]/repository[:tag][@sha256:hex]`. The registry host is
 * required (no implicit docker.io: a signature must name exactly where the model lives).
 */
import { ModelSigningError } from '../errors.js';

export interface ImageReference {
  /** As the user typed it (the subject name of the signature). */
  original: string;
  /** host[:port] as written. */
  registry: string;
  repository: string;
  tag: string | null;
  /** `sha256:<hex>` when the reference pins a digest. */
  digest: string | null;
}

const HOST = /^(?:localhost|\[[0-9a-fA-F:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*)(?::[0-9]{1,5})?$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
export const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

function bad(ref: string, why: string): never {
  throw new ModelSigningError('USAGE', `invalid image reference '${ref}': ${why}`);
}

/** A host that names this machine: plain HTTP is allowed there with --insecure. */
export function isLoopbackHost(registry: string): boolean {
  const host = registry.replace(/:[0-9]+$/, '').replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.[0-9]+\.[0-9]+\.[0-9]+$/.test(host);
}

export function parseReference(input: string): ImageReference {
  let s = input.startsWith('oci://') ? input.slice('oci://'.length) : input;
  if (s.length === 0 || s.length > 1024) bad(input, 'empty or longer than 1024 characters');
  let digest: string | null = null;
  const at = s.indexOf('@');
  if (at >= 0) {
    digest = s.slice(at + 1);
    s = s.slice(0, at);
    if (!DIGEST.test(digest)) bad(input, `'${digest}' is not a sha256:<64 hex> or sha512:<128 hex> digest`);
  }
  const slash = s.indexOf('/');
  if (slash <= 0) bad(input, 'expected host/repository[:tag][@digest]');
  const registry = s.slice(0, slash);
  let rest = s.slice(slash + 1);
  const isHost = registry === 'localhost' || registry.includes('.') || registry.includes(':');
  if (!isHost || !HOST.test(registry)) bad(input, `'${registry}' is not a registry host (write the host, e.g. docker.io/library/name)`);
  let tag: string | null = null;
  const colon = rest.lastIndexOf(':');
  if (colon >= 0 && !rest.slice(colon + 1).includes('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) bad(input, `'${tag}' is not a valid tag`);
  }
  if (rest.length === 0 || rest.length > 255 || !rest.split('/').every((c) => PATH_COMPONENT.test(c))) {
    bad(input, `'${rest}' is not a valid repository name (lowercase letters, digits, separators)`);
  }
  if (tag === null && digest === null) tag = 'latest';
  return { original: input, registry, repository: rest, tag, digest };
}

/** True when `target` is written like a reference (it is tried only when no such path exists). */
export function looksLikeReference(target: string): boolean {
  if (target.startsWith('oci://')) return true;
  try {
    parseReference(target);
    return true;
  } catch {
    return false;
  }
}

/** What the registry API takes after /manifests/: the digest when pinned, else the tag. */
export function manifestRef(r: ImageReference): string {
  return r.digest ?? r.tag ?? 'latest';
}

export function formatReference(r: Pick<ImageReference, 'registry' | 'repository'>, tagOrDigest: string): string {
  return `${r.registry}/${r.repository}${tagOrDigest.includes(':') ? '@' : ':'}${tagOrDigest}`;
}
