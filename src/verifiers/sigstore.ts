/**
 * Keyless Sigstore verification with @sigstore/verify (certificate chain to the trusted root, SCT, transparency
 * log inclusion proof/promise and checkpoint, timestamps, DSSE signature), then a match of the certificate
 * identity and OIDC issuer: exact by default, or a regular expression anchored at both ends. @sigstore/verify
 * treats a string identity as an unanchored regular expression (`alice@example.com` would accept
 * `malice@example.com`), so no identity policy is passed to it: the comparison (exact, or our anchored
 * RegExp) is done here, on the identity of the certificate it verified, with messages naming both sides.
 */
import type { Bundle } from '@sigstore/bundle';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { ModelSigningError, errorMessage } from '../errors.js';
import { checkNoUnprocessedCriticalExtensions } from '../certificates.js';
import { TRUST_CONFIG_LABEL, readUserFile } from '../io/read-user-file.js';
import { debug } from '../debug-log.js';
import type { VerifiedPayload, Verifier } from './types.js';
import { valueMatcher } from './identity-match.js';

export interface SigstoreVerifierOptions {
  /** Expected certificate identity (SAN: email or URI), compared exactly. */
  identity?: string;
  /** Instead of `identity`: a regular expression the whole identity must match (anchored for you). */
  identityRegexp?: string;
  /** Expected OIDC issuer, compared exactly. */
  oidcIssuer?: string;
  /** Instead of `oidcIssuer`: a regular expression the whole issuer must match (anchored for you). */
  oidcIssuerRegexp?: string;
  useStaging?: boolean;
  /** Path to a ClientTrustConfig JSON file (its trusted root is used). */
  trustConfig?: string;
  /** Non-fatal problems, e.g. "no network: using the embedded trusted root". Without it they go into `warnings`. */
  onWarning?: (message: string) => void;
  /** TUF cache folder (default $XDG_CACHE_HOME/model-signing/tuf). */
  tufCacheDir?: string;
  /** Do not try to refresh the trusted root through TUF; use the cached or embedded one. */
  offline?: boolean;
  /** Use this trusted root as is (no trust config, TUF or cache): the browser build passes its own. */
  trustedRoot?: TrustedRoot;
}

export function createSigstoreVerifier(o: SigstoreVerifierOptions): Verifier {
  const identity = valueMatcher('identity', o.identity, o.identityRegexp);
  const issuerMatch = valueMatcher('OIDC issuer', o.oidcIssuer, o.oidcIssuerRegexp);
  // A trust config is a file the user names: a FIFO, a device or a missing file fails now, naming the flag.
  if (o.trustConfig !== undefined) readUserFile(o.trustConfig, TRUST_CONFIG_LABEL);
  let root: Promise<TrustedRoot> | undefined;
  return {
    async verify(json: Record<string, unknown>): Promise<VerifiedPayload> {
      // Loaded on use, so that importing the library (or running other CLI commands) does not pay for them.
      const { bundleFromJSON } = await import('@sigstore/bundle');
      const sv = await import('@sigstore/verify');
      const bundle = parseBundle(json, bundleFromJSON);
      const warnings: string[] = [];
      root ??= o.trustedRoot ? Promise.resolve(o.trustedRoot) : nodeTrustedRoot(o, warnings);
      const trustedRoot = await root;
      debug('sigstore', () => `verifying the bundle against a trusted root with ${trustedRoot.certificateAuthorities.length} CA(s), ${trustedRoot.tlogs.length} transparency log(s), ${trustedRoot.timestampAuthorities.length} TSA(s); expecting identity '${o.identity}' from '${o.oidcIssuer}'`);
      let signer;
      try {
        signer = new sv.Verifier(sv.toTrustMaterial(trustedRoot)).verify(sv.toSignedEntity(bundle));
      } catch (e) {
        const err = verificationError(e, sv);
        const { otherInstanceHint } = await import('./sigstore-instance.js');
        const hint = otherInstanceHint(bundle, trustedRoot, o);
        throw hint ? new ModelSigningError(err.code, `${err.message}; ${hint}`, { cause: e }) : err;
      }
      // @sigstore/verify validates the Fulcio chain without looking at criticality (RFC 5280 6.1.4 (o)).
      await checkNoUnprocessedCriticalExtensions(...bundleCertificates(bundle));
      const san = signer.identity?.subjectAlternativeName;
      const issuer = signer.identity?.extensions?.issuer;
      if (!identity.matches(san)) {
        throw new ModelSigningError('TRUST', `the signing certificate was issued to '${san ?? '(no identity)'}', not to the expected identity ${identity.description}`);
      }
      if (!issuerMatch.matches(issuer)) {
        throw new ModelSigningError('TRUST', `the signing certificate was issued by the OIDC issuer '${issuer ?? '(none)'}', not by the expected ${issuerMatch.description}`);
      }
      const env = bundle.content.$case === 'dsseEnvelope' ? bundle.content.dsseEnvelope : undefined;
      if (!env) throw new ModelSigningError('BUNDLE', 'the Sigstore bundle holds no DSSE envelope');
      return {
        payloadType: env.payloadType,
        payload: Buffer.from(env.payload),
        signer: { method: 'sigstore', description: `${san} (issuer ${issuer})`, identity: san, issuer },
        warnings,
      };
    },
  };
}

/** The trusted root from a trust config file, TUF, the cache or the embedded copy (Node only: files, network). */
async function nodeTrustedRoot(o: SigstoreVerifierOptions, warnings: string[]): Promise<TrustedRoot> {
  const { resolveTrustedRoot } = await import('../trust/trusted-root.js');
  return resolveTrustedRoot({
    ...(o.useStaging !== undefined ? { useStaging: o.useStaging } : {}),
    ...(o.trustConfig !== undefined ? { trustConfig: o.trustConfig } : {}),
    ...(o.tufCacheDir !== undefined ? { cacheDir: o.tufCacheDir } : {}),
    ...(o.offline ? { offline: true } : {}),
    onWarning: (m) => (o.onWarning ? o.onWarning(m) : warnings.push(m)),
  });
}

/** The certificates the bundle carries (leaf first) and how errors name them. */
function bundleCertificates(bundle: Bundle): [Uint8Array[], string[]] {
  const vm = bundle.verificationMaterial.content;
  if (vm.$case === 'certificate') return [[vm.certificate.rawBytes], ['Fulcio signing certificate']];
  if (vm.$case === 'x509CertificateChain') {
    const ders = vm.x509CertificateChain.certificates.map((c) => c.rawBytes);
    return [ders, ders.map((_, i) => (i === 0 ? 'Fulcio signing certificate' : `bundle certificate #${i + 1}`))];
  }
  return [[], []];
}

function parseBundle(json: Record<string, unknown>, bundleFromJSON: (j: unknown) => Bundle): Bundle {
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(json);
  } catch (e) {
    const fields = (e as { fields?: unknown }).fields;
    const where = Array.isArray(fields) && fields.length > 0 ? ` (${fields.join(', ')})` : '';
    throw new ModelSigningError('BUNDLE', `the signature is not a valid Sigstore bundle: ${errorMessage(e)}${where}`, { cause: e });
  }
  if (bundle.content.$case !== 'dsseEnvelope') {
    throw new ModelSigningError('BUNDLE', 'the Sigstore bundle holds a message signature, not a DSSE envelope');
  }
  const vm = bundle.verificationMaterial.content.$case;
  if (vm === 'publicKey') {
    throw new ModelSigningError('BUNDLE', "the bundle was signed with a key, not with Sigstore keyless signing: verify it with the 'key' method");
  }
  return bundle;
}

const SIGNATURE_CODES = new Set(['SIGNATURE_ERROR']);

function verificationError(e: unknown, { VerificationError, PolicyError }: typeof import('@sigstore/verify')): ModelSigningError {
  if (e instanceof VerificationError || e instanceof PolicyError) {
    const code = SIGNATURE_CODES.has(e.code) ? 'SIGNATURE' : 'TRUST';
    return new ModelSigningError(code, `Sigstore verification failed (${e.code}): ${errorMessage(e)}`, { cause: e });
  }
  return new ModelSigningError('TRUST', `Sigstore verification failed: ${errorMessage(e)}`, { cause: e });
}
