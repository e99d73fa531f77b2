// Builds throw-away test PKIs with the openssl command line (real keys, real certificates).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const VECTORS = new URL('../../../shared/vectors/', import.meta.url);
export const vectorsPresent = fs.existsSync(VECTORS);
export const vectorPath = (rel) => new URL(rel, VECTORS).pathname;
export const NO_VECTORS = 'shared test vectors (../shared/vectors) are not present in this checkout';

export function openssl(args, opts = {}) {
  return execFileSync('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'], ...opts });
}

const KEYGEN = {
  p256: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  p384: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
  p521: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521'],
  secp256k1: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:secp256k1'],
  rsa: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
  ed25519: ['-algorithm', 'ED25519'],
};

const CA_EXT = ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign'];
const LEAF_EXT = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature'];

/** A temporary directory with helpers to make keys and certificates in it. */
export class TestPki {
  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-crypto-'));
    fs.mkdirSync(path.join(this.dir, 'newcerts'));
    fs.writeFileSync(path.join(this.dir, 'index.txt'), '');
    fs.writeFileSync(path.join(this.dir, 'serial'), '1000\n');
    fs.writeFileSync(
      path.join(this.dir, 'ca.cnf'),
      [
        '[ ca ]', 'default_ca = CA_default', '[ CA_default ]', `database = ${this.dir}/index.txt`,
        `new_certs_dir = ${this.dir}/newcerts`, `serial = ${this.dir}/serial`, 'default_md = sha256',
        'policy = policy_any', 'unique_subject = no', 'email_in_dn = no', 'default_days = 365',
        '[ policy_any ]', 'commonName = supplied', '[ req ]', 'distinguished_name = dn', '[ dn ]', '',
      ].join('\n'),
    );
    this.n = 0;
  }

  file(name) {
    return path.join(this.dir, name);
  }

  /** Generates a private key (PKCS #8 PEM); returns its path. */
  key(name, type = 'p256') {
    const out = this.file(`${name}.key`);
    openssl(['genpkey', ...KEYGEN[type], '-out', out]);
    return out;
  }

  /** Writes the public half of a key; returns its path. */
  pub(keyPath, name) {
    const out = this.file(`${name}.pub.pem`);
    openssl(['pkey', '-in', keyPath, '-pubout', '-out', out]);
    return out;
  }

  /**
   * Issues a certificate. issuer: {cert, key} or undefined for self-signed.
   * ext: extension lines (default CA or leaf set); start/end: YYYYMMDDHHMMSSZ.
   */
  cert(name, { key, cn = name, issuer, ca = false, ext, start, end, md = 'sha256' }) {
    const id = ++this.n;
    const csr = this.file(`${name}-${id}.csr`);
    const extFile = this.file(`${name}-${id}.ext`);
    const out = this.file(`${name}.pem`);
    openssl(['req', '-new', '-config', this.file('ca.cnf'), '-key', key, '-subj', `/CN=${cn}`, '-out', csr]);
    const lines = ext ?? (ca ? CA_EXT : LEAF_EXT);
    fs.writeFileSync(extFile, ['[ v3 ]', 'subjectKeyIdentifier=hash', ...(issuer ? ['authorityKeyIdentifier=keyid'] : []), ...lines, ''].join('\n'));
    const args = ['ca', '-batch', '-notext', '-config', this.file('ca.cnf'), '-in', csr, '-out', out, '-extfile', extFile, '-extensions', 'v3', '-md', md];
    if (issuer) args.push('-cert', issuer.cert, '-keyfile', issuer.key);
    else args.push('-selfsign', '-keyfile', key);
    if (start) args.push('-startdate', start);
    if (end) args.push('-enddate', end);
    openssl(args);
    return out;
  }

  /** Key + certificate in one go: returns {key, cert}. */
  identity(name, opts = {}) {
    const key = this.key(name, opts.type ?? 'p256');
    return { key, cert: this.cert(name, { ...opts, key }) };
  }

  cleanup() {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Base64 DER of a PEM certificate file. */
export function derB64(pemPath) {
  return openssl(['x509', '-in', pemPath, '-outform', 'DER']).toString('base64');
}
