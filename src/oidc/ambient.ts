/**
 * Workload identity from the CI environment: $SIGSTORE_ID_TOKEN, or GitHub Actions' OIDC token endpoint.
 * Hand-written instead of @sigstore/sign's CIContextProvider because that one hides why a request failed
 * ("CI: no tokens available"), and a misconfigured workflow (no `id-token: write`) must be reported, as the
 * reference does.
 */
import { ModelSigningError, errorMessage } from '../errors.js';

export interface AmbientToken {
  token: string;
  source: string;
}

/** Returns undefined when no CI credential is present at all; throws when one is present but unusable. */
export async function detectAmbientToken(audience = 'sigstore', env: NodeJS.ProcessEnv = process.env, timeoutMs = 10_000): Promise<AmbientToken | undefined> {
  const direct = env['SIGSTORE_ID_TOKEN'];
  if (direct && direct.trim() !== '') return { token: direct.trim(), source: 'SIGSTORE_ID_TOKEN' };
  const reqURL = env['ACTIONS_ID_TOKEN_REQUEST_URL'];
  const reqToken = env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'];
  if (reqURL && reqToken) return { token: await githubActionsToken(reqURL, reqToken, audience, timeoutMs), source: 'GitHub Actions OIDC' };
  if (reqURL || env['GITHUB_ACTIONS'] === 'true') {
    throw new ModelSigningError('SIGNING', "GitHub Actions did not provide an OIDC token request (ACTIONS_ID_TOKEN_REQUEST_TOKEN is missing): grant the job 'permissions: id-token: write'");
  }
  return undefined;
}

async function githubActionsToken(requestURL: string, bearer: string, audience: string, timeoutMs: number): Promise<string> {
  let url: URL;
  try {
    url = new URL(requestURL);
  } catch {
    throw new ModelSigningError('SIGNING', `ACTIONS_ID_TOKEN_REQUEST_URL is not a URL: '${requestURL}'`);
  }
  url.searchParams.set('audience', audience);
  const where = `${url.origin}${url.pathname}`;
  let res: Response;
  try {
    res = await fetch(url, {
      headers: { Accept: 'application/json', Authorization: `Bearer ${bearer}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const cause = e instanceof Error && e.cause ? `: ${errorMessage(e.cause)}` : '';
    throw new ModelSigningError('SIGNING', `cannot reach the GitHub Actions OIDC token endpoint ${where}: ${errorMessage(e)}${cause}`, { cause: e });
  }
  const text = await res.text().catch(() => '');
  if (!res.ok) {
    throw new ModelSigningError('SIGNING', `the GitHub Actions OIDC token endpoint ${where} refused: HTTP ${res.status} ${oneLine(text)}`);
  }
  let value: unknown;
  try {
    value = (JSON.parse(text) as { value?: unknown }).value;
  } catch {
    value = undefined;
  }
  if (typeof value !== 'string' || value === '') {
    throw new ModelSigningError('SIGNING', `the GitHub Actions OIDC token endpoint ${where} returned no token ('value')`);
  }
  return value;
}

export function oneLine(s: string, max = 200): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max)}...` : t;
}
