/** The 'certificate' method: DSSE over the statement, with the signing certificate and its chain. */
import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { pae } from '../dsse.js';
import { ModelSigningError } from '../errors.js';
import { loadCertificates, oneLineName } from '../certificates.js';
import { loadPrivateKey, samePublicKey, softwareSigningKey, type EcSigningKey } from '../keys.js';
import { certificateChainBundle } from './bundle-json.js';
import { IN_TOTO_PAYLOAD_TYPE, type BundleJSON, type Signer } from './types.js';

export interface CertificateFiles {
  /** PEM file of the signing (leaf) certificate; its first certificate is used. */
  signingCertificate: string;
  /** PEM files of the chain, each possibly with several certificates, in order leaf -> root. */
  certificateChain?: string[];
}

export class CertificateSigner implements Signer {
  constructor(
    private readonly key: EcSigningKey,
    private readonly chainDer: Buffer[],
  ) {
    if (chainDer.length === 0) throw new ModelSigningError('USAGE', 'a signing certificate is required');
  }

  static fromFiles(o: CertificateFiles & { privateKey: string; password?: string }): CertificateSigner {
    return CertificateSigner.fromKey(softwareSigningKey(loadPrivateKey(o.privateKey, o.password)), o);
  }

  /** For keys held elsewhere (PKCS #11): checks the certificate is the key's. */
  static fromKey(key: EcSigningKey, o: CertificateFiles): CertificateSigner {
    const [leaf] = loadCertificates(o.signingCertificate, 'signing certificate');
    if (!samePublicKey(leaf!.publicKey, key.publicKey)) {
      throw new ModelSigningError(
        'KEY',
        `the signing certificate does not match the private key (${o.signingCertificate} certifies a different public key)`,
      );
    }
    const chain = (o.certificateChain ?? []).flatMap((p) => loadCertificates(p, 'certificate chain'));
    return new CertificateSigner(key, [leaf!.raw, ...chain.map((c) => c.raw)]);
  }

  /**
   * Problems a verifier will have with the embedded chain (the CLI prints them as warnings):
   * verifiers anchor on the CA they trust, so the intermediates between it and the leaf must be in
   * the signature. A leaf whose issuer is missing only verifies where that issuer is a trust anchor
   * (fine for a root CA, which cannot be told from an intermediate here: hence a warning, not an error).
   */
  chainWarnings(): string[] {
    const [leaf, ...chain] = this.chainDer.map((d) => new X509Certificate(d));
    if (selfSigned(leaf!) || chain.some((c) => c.subject === leaf!.issuer)) return [];
    // A public CA in Node's root store is every verifier's anchor already.
    if (rootCertificates.some((pem) => new X509Certificate(pem).subject === leaf!.issuer)) return [];
    return [
      `the signing certificate was issued by '${oneLineName(leaf!.issuer)}', which is not in the signature: verifiers that trust only your root CA will fail ("does not chain to a trusted certificate"); if '${oneLineName(leaf!.issuer)}' is an intermediate CA, add it with --certificate-chain`,
    ];
  }

  async sign(payload: Buffer): Promise<BundleJSON> {
    const signature = await this.key.sign(pae(IN_TOTO_PAYLOAD_TYPE, payload));
    return certificateChainBundle(payload, signature, this.chainDer);
  }
}

function selfSigned(c: X509Certificate): boolean {
  try {
    return c.issuer === c.subject && c.verify(c.publicKey);
  } catch {
    return false;
  }
}
