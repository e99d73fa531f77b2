// A Sigstore instance on 127.0.0.1 for tests: Fulcio, Rekor v1 and v2, a TSA (@sigstore/mock handlers served
// over real HTTP), an OIDC issuer (discovery, JWKS, auto-approving authorization endpoint, PKCE-checking token
// endpoint), a GitHub-Actions-style token endpoint, and the ClientTrustConfig describing it all.
// Three workarounds for @sigstore/mock 0.12.1: Rekor v1 logs the canonical dsse body (not the proposed entry);
// Rekor v2 logs a real rekor.v2 Entry at index 0, without an integrated time and with its proof's root hash as bytes; the TSA clock is whole seconds (@sigstore/core rejects
// DER-trimmed millisecond fractions).
import http from 'node:http';
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';

const require = createRequire(import.meta.url);
const mock = require('@sigstore/mock');
const { TrustedRoot, SigningConfig, HashAlgorithm, PublicKeyDetails, ServiceSelector, TransparencyLogEntry } = require('@sigstore/protobuf-specs');
const { Entry, CreateEntryRequest } = require('@sigstore/protobuf-specs/rekor/v2');

const sha256 = (b) => crypto.createHash('sha256').update(b).digest();

export async function startStandin() {
  const server = http.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}`;
  const issuer = `${url}/oidc`;

  const keyPair = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const ctlog = await mock.initializeCTLog(keyPair);
  const ca = await mock.initializeCA(keyPair, ctlog);
  const tlog = await mock.initializeTLog(url, keyPair);
  const tsaClock = new Date(Math.floor(Date.now() / 1000) * 1000);
  const tsa = await mock.initializeTSA(keyPair, tsaClock);
  // The mock Fulcio certifies ONE fixed claim: use 'email' when present, else 'sub' (as real Fulcio does).
  const fulcioEmail = mock.fulcioHandler(ca, { strict: true, subjectClaim: 'email' });
  const fulcioSub = mock.fulcioHandler(ca, { strict: true, subjectClaim: 'sub' });
  const fulcio = async (body) => {
    const claims = JSON.parse(Buffer.from(JSON.parse(body).credentials.oidcIdentityToken.split('.')[1], 'base64url'));
    return (claims.email ? fulcioEmail : fulcioSub).fn(body);
  };
  const rekorV1 = mock.rekorHandler({ ...tlog, log: (e) => tlog.log(canonicalV1(e)) }, { strict: true });

  // OIDC issuer: an ES256 key for id_tokens; pending authorization codes with their PKCE challenge.
  const oidcKeys = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(oidcKeys.publicKey)), kid: 'standin', alg: 'ES256', use: 'sig' };
  const codes = new Map();

  const state = {
    url,
    issuer,
    server,
    /** Who the authorization endpoint signs in (auto-approved). */
    user: { email: 'alice@example.com', sub: 'alice' },
    /** Set e.g. { fulcio: 401 } to make a service refuse. */
    failures: {},
    /** Counters per path, to prove what was called. */
    hits: {},
    /** Bearer token the GitHub Actions endpoint expects. */
    ghaBearer: 'gha-request-token',
    ghaClaims: { sub: 'repo:acme/model:ref:refs/heads/main' },
    async mintToken(claims = {}, { expiresIn = 600, audience = 'sigstore' } = {}) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: 'standin' })
        .setIssuer(issuer).setAudience(audience).setIssuedAt(now).setExpirationTime(now + expiresIn)
        .sign(oidcKeys.privateKey);
    },
    trustedRoot: undefined,
    /** ClientTrustConfig JSON; `rekor` 1 or 2; `snake` spells the key `signing_config` like the reference's fixture. */
    trustConfig({ rekor = 1, tsa: withTsa = true, snake = false, overrides = {} } = {}) {
      const start = new Date(Date.now() - 60_000);
      const svc = (u, major) => ({ url: u, majorApiVersion: major, validFor: { start }, operator: 'standin' });
      const signingConfig = SigningConfig.toJSON({
        mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json',
        caUrls: [svc(overrides.fulcio ?? url, 1)],
        oidcUrls: [svc(issuer, 1)],
        rekorTlogUrls: [svc(overrides.rekor ?? url, rekor)],
        tsaUrls: withTsa ? [svc(overrides.tsa ?? `${url}/api/v1/timestamp`, 1)] : [],
        rekorTlogConfig: { selector: ServiceSelector.ANY, count: 1 },
        ...(withTsa ? { tsaConfig: { selector: ServiceSelector.ANY, count: 1 } } : {}),
      });
      return {
        mediaType: 'application/vnd.dev.sigstore.clienttrustconfig.v0.1+json',
        trustedRoot: state.trustedRoot,
        [snake ? 'signing_config' : 'signingConfig']: signingConfig,
      };
    },
    close() {
      server.closeAllConnections();
      return new Promise((r) => server.close(r));
    },
  };

  const start = new Date(Date.now() - 60_000);
  const caEntry = (certs) => ({ subject: { commonName: 'sigstore', organization: 'sigstore.mock' }, uri: url,
    certChain: { certificates: certs.map((c) => ({ rawBytes: Buffer.from(c) })) }, validFor: { start } });
  const logEntry = (key) => ({ baseUrl: url, hashAlgorithm: HashAlgorithm.SHA2_256,
    logId: { keyId: sha256(key) },
    publicKey: { rawBytes: key, keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256, validFor: { start } } });
  state.trustedRoot = TrustedRoot.toJSON({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    certificateAuthorities: [caEntry([ca.rootCertificate])],
    ctlogs: [logEntry(ctlog.publicKey)], tlogs: [logEntry(tlog.publicKey)],
    timestampAuthorities: [caEntry([tsa.intCertificate, tsa.rootCertificate])] });

  const routes = {
    'POST /api/v2/signingCert': (req) => guarded('fulcio', () => fulcio(req.body)),
    'POST /api/v1/log/entries': (req) => guarded('rekor', () => rekorV1.fn(req.body)),
    'POST /api/v2/log/entries': (req) => guarded('rekor', () => rekorV2(tlog, req.body)),
    'POST /api/v1/timestamp': (req) => guarded('tsa', () => {
      tsaClock.setTime(Math.floor(Date.now() / 1000) * 1000);
      return mock.tsaHandler(tsa, { strict: true }).fn(req.body);
    }),
    'GET /oidc/.well-known/openid-configuration': () => json(200, {
      issuer, authorization_endpoint: `${issuer}/auth`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/keys`,
      response_types_supported: ['code'], subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['ES256'],
      code_challenge_methods_supported: ['S256'], scopes_supported: ['openid', 'email'],
      token_endpoint_auth_methods_supported: ['none', 'client_secret_post'] }),
    'GET /oidc/keys': () => json(200, { keys: [jwk] }),
    'GET /oidc/auth': (req) => authorize(req.query),
    'POST /oidc/token': (req) => token(new URLSearchParams(req.body)),
    'GET /gha/token': (req) => {
      if (req.headers.authorization !== `Bearer ${state.ghaBearer}`) return json(401, { message: 'bad request token' });
      return state.mintToken(state.ghaClaims, { audience: req.query.get('audience') ?? '' }).then((value) => json(200, { value }));
    },
  };

  async function guarded(name, fn) {
    const code = state.failures[name];
    if (code) return json(code, { code, message: `${name} stand-in refuses (${code})` });
    return fn();
  }

  function authorize(q) {
    if (q.get('response_type') !== 'code' || q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) {
      return json(400, { error: 'invalid_request', error_description: 'PKCE S256 is required' });
    }
    const code = crypto.randomBytes(16).toString('hex');
    codes.set(code, { challenge: q.get('code_challenge'), redirectUri: q.get('redirect_uri'), clientId: q.get('client_id'), nonce: q.get('nonce') });
    const redirect = q.get('redirect_uri');
    if (redirect === 'urn:ietf:wg:oauth:2.0:oob') return { statusCode: 200, response: `Your verification code: ${code}\n`, contentType: 'text/plain' };
    const to = new URL(redirect);
    to.searchParams.set('code', code);
    if (q.get('state')) to.searchParams.set('state', q.get('state'));
    return { statusCode: 302, headers: { location: to.href }, response: '' };
  }

  async function token(p) {
    const entry = codes.get(p.get('code') ?? '');
    if (!entry) return json(400, { error: 'invalid_grant', error_description: 'unknown code' });
    codes.delete(p.get('code'));
    const challenge = crypto.createHash('sha256').update(p.get('code_verifier') ?? '').digest('base64url');
    if (challenge !== entry.challenge) return json(400, { error: 'invalid_grant', error_description: 'PKCE verifier does not match' });
    if (p.get('redirect_uri') !== entry.redirectUri) return json(400, { error: 'invalid_grant', error_description: 'redirect_uri differs from the authorization request' });
    if (p.get('client_id') !== entry.clientId) return json(400, { error: 'invalid_client' });
    const claims = { sub: state.user.sub, ...(state.user.email ? { email: state.user.email, email_verified: true } : {}), ...(entry.nonce ? { nonce: entry.nonce } : {}) };
    const idToken = await state.mintToken(claims, { audience: entry.clientId });
    return json(200, { access_token: 'standin-access', token_type: 'Bearer', expires_in: 600, id_token: idToken });
  }

  server.on('request', (req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const u = new URL(req.url, url);
      const key = `${req.method} ${u.pathname}`;
      state.hits[key] = (state.hits[key] ?? 0) + 1;
      const route = routes[key];
      try {
        const r = route ? await route({ body: Buffer.concat(chunks).toString('utf8'), query: u.searchParams, headers: req.headers })
          : { statusCode: 404, response: 'not found' };
        const body = Buffer.isBuffer(r.response) || typeof r.response === 'string' ? r.response
          : Buffer.from(r.response.buffer, r.response.byteOffset, r.response.byteLength);
        res.writeHead(r.statusCode, { 'content-type': r.contentType ?? 'text/plain', ...(r.headers ?? {}) });
        res.end(body);
      } catch (e) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(e?.stack ?? e));
      }
    });
  });
  return state;
}

function json(statusCode, body) {
  return { statusCode, response: JSON.stringify(body), contentType: 'application/json' };
}

// Real Rekor logs a canonical dsse body; the mock would log the proposed entry.
function canonicalV1(e) {
  if (e.kind !== 'dsse' || !e.spec.proposedContent) return e;
  const env = JSON.parse(e.spec.proposedContent.envelope);
  return { apiVersion: '0.0.1', kind: 'dsse', spec: {
    envelopeHash: { algorithm: 'sha256', value: sha256(e.spec.proposedContent.envelope).toString('hex') },
    payloadHash: { algorithm: 'sha256', value: sha256(Buffer.from(env.payload, 'base64')).toString('hex') },
    signatures: env.signatures.map((s) => ({ signature: s.sig, verifier: e.spec.proposedContent.verifiers[0] })) } };
}

async function rekorV2(tlog, body) {
  const req = CreateEntryRequest.fromJSON(JSON.parse(body));
  if (req.spec?.$case !== 'dsseRequestV002') return { statusCode: 400, response: 'only dsse supported' };
  const { envelope, verifiers } = req.spec.dsseRequestV002;
  const entry = Entry.toJSON({ kind: 'dsse', apiVersion: '0.0.2', spec: { spec: { $case: 'dsseV002', dsseV002: {
    payloadHash: { algorithm: 1 /* SHA2_256 */, digest: sha256(envelope.payload) },
    signatures: envelope.signatures.map((s) => ({ content: s.sig, verifier: verifiers[0] })) } } } });
  const tle = await tlog.logV2(entry); // the proof is for index 0 of a one-leaf tree
  tle.logIndex = '0';
  tle.inclusionProof.logIndex = '0';
  tle.integratedTime = '0'; // Rekor v2 records no integration time (the mock sets one)
  // The mock decodes the proof's hex root hash as base64; undo that so it equals the checkpoint's root hash.
  tle.inclusionProof.rootHash = Buffer.from(Buffer.from(tle.inclusionProof.rootHash).toString('base64'), 'hex');
  return { statusCode: 201, response: JSON.stringify(TransparencyLogEntry.toJSON(tle)), contentType: 'application/json' };
}
