// Throw-away SoftHSM2 tokens for the PKCS #11 tests: a private token directory and config per
// test file, keys generated ON the token with pkcs11-tool (OpenSC), public keys exported from the
// token's listing (independently of the code under test).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const MODULE_CANDIDATES = [
  '/usr/lib/softhsm/libsofthsm2.so',
  `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu/softhsm/libsofthsm2.so`,
  '/usr/lib64/pkcs11/libsofthsm2.so',
  '/usr/lib64/softhsm/libsofthsm2.so',
  '/usr/local/lib/softhsm/libsofthsm2.so',
  '/opt/homebrew/lib/softhsm/libsofthsm2.so',
];

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

export const softhsmModule = MODULE_CANDIDATES.find((p) => fs.existsSync(p));

/** Why the SoftHSM tests cannot run here, or null when they can. */
export function softhsmSkipReason() {
  if (!onPath('softhsm2-util')) return 'softhsm2 is not installed (softhsm2-util not found)';
  if (!onPath('pkcs11-tool')) return 'OpenSC pkcs11-tool is not installed';
  if (!softhsmModule) return 'libsofthsm2.so not found';
  try {
    createRequire(import.meta.url)('pkcs11js');
  } catch {
    return 'the optional package pkcs11js is not installed';
  }
  return null;
}

/** SPKI DER prefixes for the three curves (fixed structures; the uncompressed point follows). */
const SPKI_PREFIX = {
  '06082a8648ce3d030107': '3059301306072a8648ce3d020106082a8648ce3d030107034200',
  '06052b81040022': '3076301006072a8648ce3d020106052b81040022036200',
  '06052b81040023': '30819b301006072a8648ce3d020106052b8104002303818600',
};

export class SoftHsmToken {
  /** Creates and initialises a token in a fresh temporary directory. */
  constructor({ label = 'model-signing-test', pin = '1234', soPin = '5678' } = {}) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-softhsm-'));
    fs.mkdirSync(path.join(this.dir, 'tokens'));
    this.conf = path.join(this.dir, 'softhsm2.conf');
    fs.writeFileSync(this.conf, `directories.tokendir = ${this.dir}/tokens\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
    this.env = { SOFTHSM2_CONF: this.conf };
    this.module = softhsmModule;
    this.label = label;
    this.pin = pin;
    this.initToken(label, soPin, pin);
  }

  run(cmd, args) {
    return execFileSync(cmd, args, { env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  }

  /** Initialises one more token (in the first free slot). */
  initToken(label, soPin = '5678', pin = this.pin) {
    this.run('softhsm2-util', ['--init-token', '--free', '--label', label, '--so-pin', soPin, '--pin', pin]);
  }

  /** Generates a key pair on the token. keyType: EC:prime256v1, EC:secp384r1, EC:secp521r1, rsa:2048. */
  keygen({ keyType, label, id, token = this.label }) {
    this.run('pkcs11-tool', ['--module', this.module, '--token-label', token, '--login', '--pin', this.pin, '--keypairgen', '--key-type', keyType, '--label', label, '--id', id]);
  }

  /** The public key of the key pair with this hex id, as PEM, read from pkcs11-tool's listing. */
  publicKeyPem(id, token = this.label) {
    const listing = this.run('pkcs11-tool', ['--module', this.module, '--token-label', token, '--list-objects', '--type', 'pubkey']);
    for (const block of listing.split(/^(?=Public Key Object)/m)) {
      const idm = /^\s*ID:\s*([0-9a-f]+)\s*$/m.exec(block);
      if (!idm || idm[1] !== id) continue;
      const point = /EC_POINT:\s*([0-9a-f]+)/.exec(block)[1];
      const params = /EC_PARAMS:\s*([0-9a-f]+)/.exec(block)[1];
      // EC_POINT is a DER OCTET STRING around 04||x||y: drop its tag and length.
      const raw = Buffer.from(point, 'hex');
      const inner = raw[1] < 0x80 ? raw.subarray(2) : raw.subarray(2 + (raw[1] & 0x7f));
      const der = Buffer.concat([Buffer.from(SPKI_PREFIX[params], 'hex'), inner]);
      const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
      return `-----BEGIN PUBLIC KEY-----\n${b64}\n-----END PUBLIC KEY-----\n`;
    }
    throw new Error(`no EC public key with id ${id} on token ${token}`);
  }

  /** A pkcs11 URI for a key on this token (pin: null for none; query replaces the default query). */
  uri({ object, id, token = this.label, pin = this.pin, query } = {}) {
    const p = [`token=${encodeURIComponent(token)}`];
    if (object !== undefined) p.push(`object=${encodeURIComponent(object)}`);
    if (id !== undefined) p.push(`id=${id.replace(/(..)/g, '%$1')}`);
    const q = query ?? [`module-path=${this.module}`, ...(pin !== null ? [`pin-value=${pin}`] : [])];
    return `pkcs11:${p.join(';')}${q.length > 0 ? '?' + q.join('&') : ''}`;
  }

  cleanup() {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
