/**
 * Adds RFC 3161 timestamps to the bundles of the key, certificate and PKCS #11 methods: every TSA
 * stamps the DSSE signature bytes (as sigstore-go and sigstore-js do), and the answers go where
 * Sigstore bundles keep them, `verificationMaterial.timestampVerificationData.rfc3161Timestamps`.
 * Any TSA failing fails the signing, before anything is written.
 */
import { decodeBase64 } from '../verifiers/envelope.js';
import type { BundleJSON, Signer } from '../signers/types.js';
import { checkTsaUrl, requestTimestamp } from './client.js';

export interface TimestampOptions {
  /** RFC 3161 timestamp authorities (http/https); every one must answer. */
  tsaUrls?: string[];
  /** Per-request timeout; default 20 s. */
  tsaTimeoutMs?: number;
}

/** Throws USAGE for a TSA URL that is not http(s). */
export function checkTimestampOptions(o: TimestampOptions): void {
  for (const u of o.tsaUrls ?? []) checkTsaUrl(u);
}

/** `signer` itself when no TSA is named; URLs are checked now so a typo fails before hashing. */
export function withTimestamps(signer: Signer, o: TimestampOptions): Signer {
  const urls = o.tsaUrls ?? [];
  if (urls.length === 0) return signer;
  checkTimestampOptions(o);
  return {
    async sign(payload: Buffer): Promise<BundleJSON> {
      const bundle = await signer.sign(payload);
      const env = bundle['dsseEnvelope'] as { signatures: Array<{ sig: string }> };
      const signature = decodeBase64(env.signatures[0]!.sig, 'dsseEnvelope.signatures[0].sig');
      const timeout = o.tsaTimeoutMs !== undefined ? { timeoutMs: o.tsaTimeoutMs } : {};
      const answers = await Promise.all(urls.map((u) => requestTimestamp(u, signature, timeout)));
      const vm = bundle['verificationMaterial'] as Record<string, unknown>;
      vm['timestampVerificationData'] = { rfc3161Timestamps: answers.map((der) => ({ signedTimestamp: der.toString('base64') })) };
      return bundle;
    },
  };
}
