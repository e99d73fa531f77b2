/**
 * A small OCI distribution client on `fetch`: manifests as raw bytes (digest checked against what was
 * asked for and against Docker-Content-Digest), blobs (size- and digest-checked while streaming),
 * uploads, and the OCI 1.1 referrers API. Hand-written because no maintained npm client does
 * referrers listing and raw-byte manifest digests (`@sigstore/oci` only attaches artifacts).
 * Auth: anonymous, HTTP basic, and the token flow (Bearer challenges) with stored credentials.
 */
import { createHash } from 'node:crypto';
import { ModelSigningError, errorMessage } from '../errors.js';
import { lookupCredential, type Credential } from './credentials.js';
import { MANIFEST_ACCEPT, MAX_MANIFEST_BYTES, MEDIA_TYPE_OCI_INDEX, digestLike } from './image-manifest.js';
import { isLoopbackHost } from './reference.js';

export interface RegistryOptions {
  /** Plain HTTP (only for loopback hosts unless `forceInsecure`). */
  insecure?: boolean;
  /** Allow plain HTTP to a non-loopback host. */
  forceInsecure?: boolean;
  /** Default: looked up in the docker/podman auth files. null: anonymous. */
  credential?: Credential | null;
  timeoutMs?: number;
}

export interface RawManifest {
  raw: Buffer;
  mediaType: string;
  digest: string;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const MAX_ERROR_BODY = 4096;
const MAX_TOKEN_BODY = 1024 * 1024;

type Challenge = { scheme: 'bearer'; params: Record<string, string> } | { scheme: 'basic' };

/** `Bearer realm="...",service="...",scope="..."` */
function parseChallenge(h: string | null): Challenge | null {
  if (!h) return null;
  const m = /^\s*(\w+)\s*(.*)$/s.exec(h);
  if (!m) return null;
  const scheme = m[1]!.toLowerCase();
  if (scheme === 'basic') return { scheme: 'basic' };
  if (scheme !== 'bearer') return null;
  const params: Record<string, string> = {};
  for (const p of m[2]!.matchAll(/(\w+)\s*=\s*(?:"([^"]*)"|([^,\s]*))/g)) params[p[1]!.toLowerCase()] = p[2] ?? p[3] ?? '';
  return { scheme: 'bearer', params };
}

/**
 * The timeout covers the wait for the headers and then each pause in the body (a multi-gigabyte layer
 * may take long, but must keep moving). `bodyTimers` restarts it per chunk.
 */
const bodyTimers = new WeakMap<Response, { touch: () => void; done: () => void; seconds: number }>();

async function* bodyChunks(res: Response): AsyncGenerator<Uint8Array> {
  const t = bodyTimers.get(res);
  if (!res.body) return;
  try {
    for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) {
      t?.touch();
      yield c;
    }
  } catch (e) {
    if (e instanceof ModelSigningError) throw e;
    throw new ModelSigningError('REGISTRY', t ? `the transfer stalled or failed (no data for ${t.seconds} s, or ${errorMessage(e)})` : errorMessage(e));
  } finally {
    t?.done();
  }
}

async function readBounded(res: Response, max: number, what: string): Promise<Buffer> {
  const len = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(len) && len > max) {
    await res.body?.cancel();
    throw new ModelSigningError('REGISTRY', `${what} is ${len} bytes, more than the limit of ${max}`);
  }
  const chunks: Buffer[] = [];
  let n = 0;
  if (res.body) {
    for await (const c of bodyChunks(res)) {
      n += c.length;
      if (n > max) {
        await res.body.cancel().catch(() => undefined);
        throw new ModelSigningError('REGISTRY', `${what} is more than the limit of ${max} bytes`);
      }
      chunks.push(Buffer.from(c));
    }
  }
  return Buffer.concat(chunks, n);
}

export class RegistryClient {
  readonly registry: string;
  private readonly base: string;
  private readonly credential: Credential | null;
  private readonly timeoutMs: number;
  private readonly tokens = new Map<string, string>();
  private basic = false;

  constructor(registry: string, o: RegistryOptions = {}) {
    this.registry = registry;
    if (o.insecure && !isLoopbackHost(registry) && !o.forceInsecure) {
      throw new ModelSigningError('USAGE', `refusing plain HTTP to ${registry}: --insecure is for loopback registries only (add --force-insecure to insist)`);
    }
    this.base = `${o.insecure ? 'http' : 'https'}://${registry === 'docker.io' ? 'registry-1.docker.io' : registry}/v2/`;
    this.credential = o.credential === undefined ? lookupCredential(registry) : o.credential;
    this.timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  private where(repo: string, ref?: string): string {
    return `${this.registry}/${repo}${ref === undefined ? '' : ref.includes(':') ? `@${ref}` : `:${ref}`}`;
  }

  private fail(where: string, msg: string): never {
    throw new ModelSigningError('REGISTRY', `${where}: ${msg}`);
  }

  private basicHeader(): string {
    const c = this.credential!;
    return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
  }

  private async token(ch: Record<string, string>, scope: string, where: string): Promise<string> {
    const realm = ch['realm'];
    if (!realm) this.fail(where, 'the registry asked for a token without naming a realm');
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      this.fail(where, `the registry's token realm '${realm}' is not a URL`);
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && (isLoopbackHost(url.host) || this.base.startsWith('http:')))) {
      this.fail(where, `refusing the token realm '${realm}': not HTTPS`);
    }
    if (ch['service']) url.searchParams.set('service', ch['service']);
    url.searchParams.set('scope', ch['scope'] && !scope ? ch['scope'] : scope);
    const headers: Record<string, string> = {};
    if (this.credential) headers['authorization'] = this.basicHeader();
    const res = await this.send(url.toString(), { method: 'GET', headers }, where);
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel();
      this.fail(where, `the token service refused the ${this.credential ? 'stored credentials' : 'anonymous request'} (HTTP ${res.status})`);
    }
    if (!res.ok) {
      await res.body?.cancel();
      this.fail(where, `the token service answered HTTP ${res.status}`);
    }
    const body = await readBounded(res, MAX_TOKEN_BODY, 'the token response');
    let t: unknown;
    try {
      const j = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      t = j['token'] ?? j['access_token'];
    } catch {
      // reported below
    }
    if (typeof t !== 'string' || t === '') this.fail(where, 'the token service sent no token');
    return t;
  }

  private async send(url: string, init: RequestInit, where: string): Promise<Response> {
    try {
      const controller = new AbortController();
      const arm = () => {
        const t = setTimeout(() => controller.abort(new DOMException('timed out', 'TimeoutError')), this.timeoutMs);
        t.unref();
        return t;
      };
      let timer = arm();
      const res = await fetch(url, { ...init, redirect: 'follow', signal: controller.signal });
      clearTimeout(timer);
      timer = arm();
      bodyTimers.set(res, {
        touch: () => {
          clearTimeout(timer);
          timer = arm();
        },
        done: () => clearTimeout(timer),
        seconds: this.timeoutMs / 1000,
      });
      return res;
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const timedOut = e instanceof Error && e.name === 'TimeoutError';
      const why = timedOut ? `no answer within ${this.timeoutMs / 1000} s` : (cause?.code ?? cause?.message ?? errorMessage(e));
      // A plain-HTTP registry on this machine answers TLS with garbage: say what to do.
      const hint = !this.base.startsWith('http:') && isLoopbackHost(this.registry) ? '; for a plain-HTTP registry on this machine add --insecure' : '';
      this.fail(where, `cannot reach the registry at ${new URL(url).origin} (${why})${hint}`);
    }
  }

  /** One request with authentication: answers a 401 challenge once, then reports 401/403 plainly. */
  async request(path: string, init: RequestInit & { headers?: Record<string, string> }, scope: string, where: string): Promise<Response> {
    const url = new URL(path, this.base).toString();
    const attempt = async () => {
      const headers: Record<string, string> = { ...(init.headers ?? {}) };
      const tok = this.tokens.get(scope);
      if (tok) headers['authorization'] = `Bearer ${tok}`;
      else if (this.basic && this.credential) headers['authorization'] = this.basicHeader();
      return this.send(url, { ...init, headers }, where);
    };
    let res = await attempt();
    if (res.status === 401) {
      const ch = parseChallenge(res.headers.get('www-authenticate'));
      await res.body?.cancel();
      if (ch?.scheme === 'bearer') {
        this.tokens.set(scope, await this.token(ch.params, scope, where));
        res = await attempt();
      } else if (ch?.scheme === 'basic' && this.credential && !this.basic) {
        this.basic = true;
        res = await attempt();
      }
    }
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel();
      const who = this.credential ? `the credentials stored for ${this.registry}` : `anonymous access (no credentials for ${this.registry} in the docker/podman auth files)`;
      this.fail(where, `${res.status === 401 ? 'authentication failed' : 'access denied'} (HTTP ${res.status}) with ${who}`);
    }
    return res;
  }

  private async unexpected(res: Response, where: string, doing: string): Promise<never> {
    const body = await readBounded(res, MAX_ERROR_BODY * 16, 'the error body').catch(() => Buffer.alloc(0));
    let detail = '';
    try {
      const errs = (JSON.parse(body.toString('utf8')) as { errors?: Array<{ code?: string; message?: string }> }).errors;
      if (Array.isArray(errs) && errs[0]) detail = `: ${errs[0].code ?? ''} ${errs[0].message ?? ''}`.trimEnd();
    } catch {
      // not a distribution error body
    }
    this.fail(where, `${doing} failed with HTTP ${res.status}${detail.replace(/[\x00-\x1f\x7f]/g, ' ').slice(0, 200)}`);
  }

  private pullScope(repo: string): string {
    return `repository:${repo}:pull`;
  }
  private pushScope(repo: string): string {
    return `repository:${repo}:pull,push`;
  }

  /** The manifest's raw bytes; its digest is computed over them and checked against `ref` and the header. */
  async getManifest(repo: string, ref: string, accept = MANIFEST_ACCEPT): Promise<RawManifest | null> {
    const where = this.where(repo, ref);
    const res = await this.request(`${repo}/manifests/${ref}`, { method: 'GET', headers: { accept } }, this.pullScope(repo), where);
    if (res.status === 404) {
      await res.body?.cancel();
      return null;
    }
    if (res.status !== 200) return this.unexpected(res, where, 'fetching the manifest');
    const raw = await readBounded(res, MAX_MANIFEST_BYTES, `the manifest of ${where}`);
    const header = res.headers.get('docker-content-digest');
    const digest = digestLike(ref.includes(':') ? ref : (header ?? 'sha256:'), raw);
    if (ref.includes(':') && digest !== ref) this.fail(where, `the registry sent a manifest whose digest is ${digest}, not the one asked for`);
    if (header && digestLike(header, raw) !== header) this.fail(where, `the manifest's bytes do not match the Docker-Content-Digest ${header}`);
    const sha = digestLike('sha256:', raw);
    return { raw, mediaType: (res.headers.get('content-type') ?? '').split(';')[0]!.trim(), digest: sha };
  }

  /** A blob, checked against the descriptor's size and digest; refused unread when larger than `max`. */
  async getBlob(repo: string, d: { digest: string; size: number }, max: number): Promise<Buffer> {
    const where = this.where(repo, d.digest);
    if (d.size > max) this.fail(where, `blob is ${d.size} bytes, more than the limit of ${max}`);
    const chunks: Buffer[] = [];
    await this.streamBlob(repo, d, (c) => {
      chunks.push(Buffer.from(c));
    });
    return Buffer.concat(chunks);
  }

  /** Streams a blob to `onChunk`; throws (after the last chunk) when its size or digest differ from `d`. */
  async streamBlob(repo: string, d: { digest: string; size: number }, onChunk: (c: Uint8Array) => void | Promise<void>): Promise<void> {
    const where = this.where(repo, d.digest);
    const res = await this.request(`${repo}/blobs/${d.digest}`, { method: 'GET' }, this.pullScope(repo), where);
    if (res.status === 404) {
      await res.body?.cancel();
      this.fail(where, 'blob not found in the registry');
    }
    if (res.status !== 200) return this.unexpected(res, where, 'fetching the blob');
    const algo = d.digest.startsWith('sha512:') ? 'sha512' : 'sha256';
    const h = createHash(algo);
    let n = 0;
    if (res.body) {
      for await (const c of bodyChunks(res)) {
        n += c.length;
        if (n > d.size) {
          await res.body.cancel().catch(() => undefined);
          this.fail(where, `blob is larger than the ${d.size} bytes its descriptor says`);
        }
        h.update(c);
        await onChunk(c);
      }
    }
    if (n !== d.size) this.fail(where, `blob is ${n} bytes, not the ${d.size} its descriptor says`);
    const got = `${algo}:${h.digest('hex')}`;
    if (got !== d.digest) this.fail(where, `blob content does not match its digest (got ${got})`);
  }

  async blobExists(repo: string, digest: string): Promise<boolean> {
    const where = this.where(repo, digest);
    const res = await this.request(`${repo}/blobs/${digest}`, { method: 'HEAD' }, this.pushScope(repo), where);
    await res.body?.cancel();
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    return this.unexpected(res, where, 'checking the blob');
  }

  /** Monolithic upload (POST then PUT); skipped when the blob is already there. */
  async pushBlob(repo: string, bytes: Buffer): Promise<{ digest: string; size: number }> {
    const digest = digestLike('sha256:', bytes);
    const where = this.where(repo, digest);
    if (await this.blobExists(repo, digest)) return { digest, size: bytes.length };
    const start = await this.request(`${repo}/blobs/uploads/`, { method: 'POST', headers: { 'content-length': '0' } }, this.pushScope(repo), where);
    if (start.status !== 202) return this.unexpected(start, where, 'starting the upload');
    await start.body?.cancel();
    const location = start.headers.get('location');
    if (!location) this.fail(where, 'the registry gave no upload location');
    const url = new URL(location, this.base);
    // The credentials go with the upload: only to the registry itself.
    if (url.origin !== new URL(this.base).origin) this.fail(where, `the registry sent the upload to another host (${url.origin})`);
    url.searchParams.set('digest', digest);
    const put = await this.request(
      url.toString(),
      { method: 'PUT', headers: { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) }, body: bytes },
      this.pushScope(repo),
      where,
    );
    if (put.status !== 201) return this.unexpected(put, where, 'uploading the blob');
    await put.body?.cancel();
    return { digest, size: bytes.length };
  }

  /** PUT a manifest; `ociSubject` is the OCI-Subject header (set by registries that index referrers). */
  async putManifest(repo: string, ref: string, raw: Buffer, mediaType: string): Promise<{ digest: string; ociSubject: string | null }> {
    const where = this.where(repo, ref);
    const res = await this.request(
      `${repo}/manifests/${ref}`,
      { method: 'PUT', headers: { 'content-type': mediaType }, body: raw },
      this.pushScope(repo),
      where,
    );
    if (res.status !== 201) return this.unexpected(res, where, 'pushing the manifest');
    await res.body?.cancel();
    const digest = digestLike('sha256:', raw);
    const header = res.headers.get('docker-content-digest');
    if (header && header !== digest) this.fail(where, `the registry stored the manifest as ${header}, not ${digest}`);
    return { digest, ociSubject: res.headers.get('oci-subject') };
  }

  /** The referrers index of `digest`, or null when the registry has no referrers API (404). */
  async referrers(repo: string, digest: string, artifactType?: string): Promise<Buffer | null> {
    const where = this.where(repo, digest);
    const q = artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : '';
    const res = await this.request(`${repo}/referrers/${digest}${q}`, { method: 'GET', headers: { accept: MEDIA_TYPE_OCI_INDEX } }, this.pullScope(repo), where);
    if (res.status === 404) {
      await res.body?.cancel();
      return null;
    }
    if (res.status !== 200) return this.unexpected(res, where, 'listing referrers');
    return readBounded(res, MAX_MANIFEST_BYTES, `the referrers of ${where}`);
  }
}
