// A SMALL IN-TEST REGISTRY, used only where Debian's docker-registry (distribution 2.8) cannot serve:
// the OCI 1.1 referrers API (with the OCI-Subject header), a token (Bearer) service, and registries that
// misbehave (a lying Docker-Content-Digest, 403). In-memory, on 127.0.0.1, stopped by `t.after`.
import { createServer } from 'node:http';
import { createHash, randomUUID } from 'node:crypto';

const sha256 = (b) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export async function startReferrersRegistry(t, opts = {}) {
  const blobs = new Map();
  const manifests = new Map(); // digest -> { raw, mediaType }
  const tags = new Map(); // repo:tag -> digest
  const referrers = new Map(); // digest -> descriptors
  const uploads = new Set();
  const token = randomUUID();
  const stats = { requests: [] };
  let origin = '';

  const authorized = (req) => {
    if (!opts.bearer && !opts.basic) return true;
    const h = req.headers['authorization'] ?? '';
    if (opts.bearer) return h === `Bearer ${token}`;
    return h === `Basic ${Buffer.from(`${opts.basic.user}:${opts.basic.pass}`).toString('base64')}`;
  };

  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url, origin);
    stats.requests.push(`${req.method} ${url.pathname}`);
    if (url.pathname === '/token') {
      const want = `Basic ${Buffer.from(`${opts.bearer.user}:${opts.bearer.pass}`).toString('base64')}`;
      if (req.headers['authorization'] !== want) return void res.writeHead(401).end();
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ token }));
    }
    if (!authorized(req)) {
      const ch = opts.bearer ? `Bearer realm="${origin}/token",service="test",scope="x"` : 'Basic realm="test"';
      res.writeHead(401, { 'www-authenticate': ch, 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
    }
    if (url.pathname === '/v2/') return void res.writeHead(200).end('{}');
    const m = /^\/v2\/(.+?)\/(manifests|blobs|referrers)\/(.+)$/.exec(url.pathname);
    if (!m) return void res.writeHead(404).end();
    const [, repo, kind, ref] = m;
    if (opts.forbidden?.includes(repo)) return void res.writeHead(403).end('{"errors":[{"code":"DENIED","message":"denied"}]}');
    if (kind === 'blobs') {
      if (ref === 'uploads/' && req.method === 'POST') {
        const id = randomUUID();
        uploads.add(id);
        // foreignUpload: a registry that sends the upload (and so the credentials) to another host.
        res.writeHead(202, { location: opts.foreignUpload ? `http://127.0.0.2:9/v2/${repo}/blobs/uploads/${id}` : `/v2/${repo}/blobs/uploads/${id}` });
        return void res.end();
      }
      const up = /^uploads\/(.+)$/.exec(ref);
      if (up && req.method === 'PUT') {
        if (!uploads.delete(up[1])) return void res.writeHead(404).end();
        const digest = url.searchParams.get('digest');
        if (sha256(body) !== digest) return void res.writeHead(400).end();
        blobs.set(digest, body);
        return void res.writeHead(201, { 'docker-content-digest': digest }).end();
      }
      const b = blobs.get(ref);
      if (!b) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-length': b.length, 'docker-content-digest': ref });
      return void res.end(req.method === 'HEAD' ? undefined : b);
    }
    if (kind === 'referrers') {
      let list = referrers.get(ref) ?? [];
      const at = url.searchParams.get('artifactType');
      if (at) list = list.filter((d) => d.artifactType === at);
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.index.v1+json' });
      return void res.end(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: list }));
    }
    // manifests
    if (req.method === 'PUT') {
      const digest = sha256(body);
      const mediaType = req.headers['content-type'];
      manifests.set(digest, { raw: body, mediaType });
      if (!ref.startsWith('sha256:')) tags.set(`${repo}:${ref}`, digest);
      const headers = { 'docker-content-digest': digest, location: `/v2/${repo}/manifests/${digest}` };
      let j = {};
      try {
        j = JSON.parse(body.toString('utf8'));
      } catch {
        // stored as is: clients must cope with what a registry holds
      }
      if (j.subject) {
        const list = referrers.get(j.subject.digest) ?? [];
        list.push({ mediaType, digest, size: body.length, ...(j.artifactType ? { artifactType: j.artifactType } : {}), ...(j.annotations ? { annotations: j.annotations } : {}) });
        referrers.set(j.subject.digest, list);
        headers['oci-subject'] = j.subject.digest;
      }
      return void res.writeHead(201, headers).end();
    }
    const digest = ref.startsWith('sha256:') ? ref : tags.get(`${repo}:${ref}`);
    const got = digest && manifests.get(digest);
    if (!got) return void res.writeHead(404).end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}');
    const sent = opts.tamperManifest ? Buffer.from(got.raw.toString('utf8').replace('"schemaVersion"', ' "schemaVersion"')) : got.raw;
    res.writeHead(200, {
      'content-type': got.mediaType,
      'content-length': sent.length,
      'docker-content-digest': opts.lieDigest ? sha256(Buffer.from('lie')) : digest,
    });
    res.end(req.method === 'HEAD' ? undefined : sent);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  origin = `http://127.0.0.1:${port}`;
  t.after(() => new Promise((r) => server.close(r)));
  return { host: `127.0.0.1:${port}`, stats, referrers, manifests, blobs, tags };
}
