/**
 * The expected Sigstore signer: an exact identity / OIDC issuer (the default), or a regular
 * expression for either. A regular expression always has to match the WHOLE value (`^(?:...)$`):
 * `alice@example.com` as a pattern must not accept `malice@example.com` or `alice@example.com.evil`,
 * which an unanchored search (cosign's pitfall, and @sigstore/verify's own policy) would.
 */
import { ModelSigningError } from '../errors.js';

export interface ValueMatcher {
  matches(value: string | undefined): boolean;
  /** For messages: `'alice@example.com'` or `pattern /^(?:.*@example\.com)$/`. */
  readonly description: string;
}

/** Compiles a user's pattern anchored at both ends; an invalid one is a usage error naming `what`. */
export function anchoredRegExp(pattern: string, what: string): RegExp {
  if (pattern === '') throw new ModelSigningError('USAGE', `${what} must not be empty`);
  try {
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch (e) {
    throw new ModelSigningError('USAGE', `${what} '${pattern}' is not a valid regular expression: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Exactly one of `exact` and `pattern`; `what` names the setting in errors ("identity"). */
export function valueMatcher(what: string, exact: string | undefined, pattern: string | undefined): ValueMatcher {
  if (exact !== undefined && pattern !== undefined) throw new ModelSigningError('USAGE', `give either an exact ${what} or a ${what} pattern, not both`);
  if (pattern !== undefined) {
    const re = anchoredRegExp(pattern, `${what} pattern`);
    return { matches: (v) => v !== undefined && re.test(v), description: `pattern ${re}` };
  }
  if (!exact) throw new ModelSigningError('USAGE', `an expected ${what} is required to verify a Sigstore signature`);
  return { matches: (v) => v === exact, description: `'${exact}'` };
}
