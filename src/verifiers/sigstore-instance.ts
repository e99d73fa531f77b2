/**
 * When Sigstore verification fails, whether the bundle comes from another Sigstore instance than
 * the trusted root in use (a production bundle checked with --use-staging, a private instance's
 * bundle checked against public-good): none of its log entries is from one of the root's
 * transparency logs, and its certificate's issuer is none of the root's certificate authorities.
 */
import { X509Certificate } from 'node:crypto';
import type { Bundle } from '@sigstore/bundle';
import type { TrustedRoot } from '@sigstore/protobuf-specs';

export interface InstanceChoice {
  useStaging?: boolean;
  trustConfig?: string;
}

function instanceName(o: InstanceChoice): string {
  if (o.trustConfig !== undefined) return `the instance of --trust-config '${o.trustConfig}'`;
  return o.useStaging ? 'the Sigstore staging instance (--use-staging)' : 'the Sigstore public-good (production) instance';
}

function advice(o: InstanceChoice): string {
  if (o.trustConfig !== undefined) return "check that the trust config is the signer's instance";
  return o.useStaging ? 'verify without --use-staging if it was signed on production, or give its --trust-config' : 'add --use-staging if it was signed on staging, or give its instance with --trust-config';
}

/** A hint to append to the failure, or null when the bundle looks like it is from this instance. */
export function otherInstanceHint(bundle: Bundle, root: TrustedRoot, o: InstanceChoice): string | null {
  const logIds = new Set(root.tlogs.map((t) => Buffer.from(t.logId?.keyId ?? []).toString('hex')));
  const entries = bundle.verificationMaterial.tlogEntries.map((e) => Buffer.from(e.logId?.keyId ?? []).toString('hex'));
  const unknownLog = entries.length > 0 && entries.every((id) => !logIds.has(id));

  let unknownCa = false;
  const vm = bundle.verificationMaterial.content;
  const leafDer = vm.$case === 'certificate' ? vm.certificate.rawBytes : vm.$case === 'x509CertificateChain' ? vm.x509CertificateChain.certificates[0]?.rawBytes : undefined;
  if (leafDer) {
    try {
      const leaf = new X509Certificate(Buffer.from(leafDer));
      const caSubjects = root.certificateAuthorities.flatMap((ca) =>
        ca.certChain?.certificates.map((c) => {
          try {
            return new X509Certificate(Buffer.from(c.rawBytes)).subject;
          } catch {
            return '';
          }
        }) ?? [],
      );
      unknownCa = !caSubjects.includes(leaf.issuer);
    } catch {
      // an unreadable certificate was already reported by the verifier
    }
  }
  if (!unknownLog && !unknownCa) return null;
  const why = [unknownLog ? 'its transparency log entry is from a log this trusted root does not list' : '', unknownCa ? 'its certificate was issued by a CA this trusted root does not list' : '']
    .filter(Boolean)
    .join(', and ');
  return `the bundle looks like it comes from another Sigstore instance than ${instanceName(o)} (${why}): ${advice(o)}`;
}
