/** Identity token precedence, as in the reference: explicit token, then ambient CI credentials, then interactive. */
import { debug } from '../debug-log.js';
import { ModelSigningError } from '../errors.js';
import { detectAmbientToken } from './ambient.js';
import type { InteractiveTokenOptions } from './interactive.js';
import { checkIdentityToken, type TokenClaims } from './token.js';

export interface IdentityOptions extends Omit<InteractiveTokenOptions, 'issuer'> {
  identityToken?: string;
  useAmbientCredentials?: boolean;
  /** Issuer for the interactive flow. */
  issuer: string;
  /** Non-fatal notices, e.g. "no ambient credentials, falling back to the browser". */
  onNotice?: (message: string) => void;
  env?: NodeJS.ProcessEnv;
}

export interface IdentityToken {
  token: string;
  source: string;
  claims: TokenClaims;
}

export async function obtainIdentityToken(o: IdentityOptions): Promise<IdentityToken> {
  if (o.identityToken !== undefined) {
    return { token: o.identityToken.trim(), source: '--identity-token', claims: checkIdentityToken(o.identityToken, '--identity-token') };
  }
  if (o.useAmbientCredentials) {
    const ambient = await detectAmbientToken(o.clientId || 'sigstore', o.env ?? process.env);
    if (ambient) return { ...ambient, claims: checkIdentityToken(ambient.token, ambient.source) };
    o.onNotice?.('no ambient credentials found (SIGSTORE_ID_TOKEN, GitHub Actions OIDC); falling back to interactive sign-in');
  }
  if (!o.issuer) throw new ModelSigningError('SIGNING', 'no identity token and no OIDC issuer to sign in with: pass an identity token or an OIDC issuer');
  // Loaded on use: openid-client is only needed for the interactive sign-in.
  const { interactiveIdentityToken } = await import('./interactive.js');
  debug('oidc', `interactive sign-in with the OIDC issuer ${o.issuer} (client id ${o.clientId})`);
  const token = await interactiveIdentityToken(o);
  return { token, source: `OIDC issuer ${o.issuer}`, claims: checkIdentityToken(token, `the OIDC issuer ${o.issuer}`) };
}
