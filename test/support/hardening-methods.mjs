// One signer + verifier pair per signing method, all real: an EC key, an openssl test PKI, the loopback
// Sigstore stand-in, and a SoftHSM2 token when it is available. Each entry: { name, signer, verifier, close }.
import fs from 'node:fs';
import path from 'node:path';
import { makeKeyPair } from './hardening-model.mjs';
import { TestPki } from './crypto-pki.mjs';
import { startStandin } from './sigstore-standin.mjs';
import { softhsmSkipReason, SoftHsmToken } from './softhsm-token.mjs';
import { EllipticKeyVerifier } from '../../dist/verifiers/key.js';
import { CertificateVerifier } from '../../dist/verifiers/certificate.js';
import { CertificateSigner } from '../../dist/signers/certificate.js';
import { createSigstoreSigner } from '../../dist/signers/sigstore.js';
import { createSigstoreVerifier } from '../../dist/verifiers/sigstore.js';

export async function keyMethod(dir) {
  const k = makeKeyPair(dir);
  return { name: 'key', signer: k.signer, verifier: EllipticKeyVerifier.fromFile(k.pubPath), keys: k, close: async () => {} };
}

export async function certificateMethod() {
  const pki = new TestPki();
  const root = pki.identity('root', { ca: true });
  const leaf = pki.identity('leaf', { issuer: root });
  // A look-alike: same subject names, another root (not trusted).
  const rogueRoot = pki.identity('rogue-root', { ca: true, cn: 'root' });
  const rogueLeaf = pki.identity('rogue-leaf', { issuer: rogueRoot, cn: 'leaf' });
  // Same trusted root, another key: its certificate does not match the signature.
  const other = pki.identity('other-leaf', { issuer: root });
  return {
    name: 'certificate',
    signer: CertificateSigner.fromFiles({ privateKey: leaf.key, signingCertificate: leaf.cert }),
    verifier: CertificateVerifier.fromFiles([root.cert]),
    pki: { root, leaf, rogueLeaf, other },
    close: async () => pki.cleanup(),
  };
}

export async function sigstoreMethod(dir) {
  const s = await startStandin();
  const trustConfig = path.join(dir, 'trust-config.json');
  fs.writeFileSync(trustConfig, JSON.stringify(s.trustConfig({ rekor: 1, tsa: true })));
  const identityToken = await s.mintToken({ email: 'alice@example.com', email_verified: true });
  const otherToken = await s.mintToken({ email: 'mallory@example.com', email_verified: true });
  return {
    name: 'sigstore',
    signer: createSigstoreSigner({ identityToken, trustConfig }),
    otherSigner: createSigstoreSigner({ identityToken: otherToken, trustConfig }),
    verifier: createSigstoreVerifier({ identity: 'alice@example.com', oidcIssuer: s.issuer, trustConfig }),
    close: () => s.close(),
  };
}

/** null (with the reason in `skip`) when SoftHSM2 or pkcs11js is missing. */
export async function pkcs11Method(dir) {
  const why = softhsmSkipReason();
  if (why) return { name: 'pkcs11', skip: why };
  const token = new SoftHsmToken();
  process.env.SOFTHSM2_CONF = token.conf; // the module reads it when it is loaded, in this process
  token.keygen({ keyType: 'EC:prime256v1', label: 'hardening', id: '01' });
  const pub = path.join(dir, 'hsm.pub.pem');
  fs.writeFileSync(pub, token.publicKeyPem('01'));
  const { createPkcs11Signer } = await import('../../dist/signers/pkcs11.js');
  const signer = await createPkcs11Signer({ pkcs11Uri: token.uri({ object: 'hardening' }) });
  return {
    name: 'pkcs11',
    signer,
    verifier: EllipticKeyVerifier.fromFile(pub),
    close: async () => {
      await signer.close?.();
      token.cleanup();
    },
  };
}
