/**
 * Checks an identity token before it is sent anywhere, so failures name the problem (expired, no identity)
 * rather than surfacing as a Fulcio refusal. Only the claims are decoded: the issuer (Fulcio) verifies the
 * signature. Messages never include the token itself.
 */
import { ModelSigningError, errorMessage } from '../errors.js';

export interface TokenClaims {
  issuer: string;
  /** What Fulcio will certify: the verified email, else the subject. */
  identity: string;
  expiresAt?: Date;
}

/** `source` says where the token came from, e.g. "--identity-token" or "SIGSTORE_ID_TOKEN". */
export function checkIdentityToken(token: string, source: string, now = new Date()): TokenClaims {
  const t = token.trim();
  if (t === '') throw new ModelSigningError('SIGNING', `the identity token from ${source} is empty`);
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwtClaims(t);
  } catch (e) {
    throw new ModelSigningError('SIGNING', `the identity token from ${source} is not a JWT (${errorMessage(e)})`);
  }
  const issuer = typeof claims['iss'] === 'string' ? claims['iss'] : '';
  if (issuer === '') throw new ModelSigningError('SIGNING', `the identity token from ${source} has no issuer ('iss' claim)`);
  const exp = typeof claims['exp'] === 'number' ? new Date(claims['exp'] * 1000) : undefined;
  if (exp && exp.getTime() <= now.getTime()) {
    throw new ModelSigningError('SIGNING', `the identity token from ${source} (issuer ${issuer}) expired at ${exp.toISOString()}; get a fresh token`);
  }
  const nbf = typeof claims['nbf'] === 'number' ? new Date(claims['nbf'] * 1000) : undefined;
  if (nbf && nbf.getTime() > now.getTime() + 60_000) {
    throw new ModelSigningError('SIGNING', `the identity token from ${source} is not valid before ${nbf.toISOString()}`);
  }
  const email = typeof claims['email'] === 'string' ? claims['email'] : '';
  const sub = typeof claims['sub'] === 'string' ? claims['sub'] : '';
  if (email !== '') {
    if (claims['email_verified'] !== true) {
      throw new ModelSigningError('SIGNING', `the identity token from ${source} has email ${email} but the issuer ${issuer} did not verify it ('email_verified' is not true)`);
    }
    return { issuer, identity: email, ...(exp ? { expiresAt: exp } : {}) };
  }
  if (sub === '') throw new ModelSigningError('SIGNING', `the identity token from ${source} (issuer ${issuer}) has neither an 'email' nor a 'sub' claim`);
  return { issuer, identity: sub, ...(exp ? { expiresAt: exp } : {}) };
}

// Decoding the claims is three lines; jose is only a dev dependency here, so it is not pulled in at runtime for it.
function decodeJwtClaims(jwt: string): Record<string, unknown> {
  const parts = jwt.split('.');
  if (parts.length !== 3 || !parts[1]) throw new Error('expected three dot-separated parts');
  const claims: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  if (!claims || typeof claims !== 'object' || Array.isArray(claims)) throw new Error('the claims are not a JSON object');
  return claims as Record<string, unknown>;
}
