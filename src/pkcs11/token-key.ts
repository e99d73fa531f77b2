/**
 * EC keys on a PKCS #11 token, selected by an RFC 7512 URI: the public key (read from the token's
 * public key object, or a certificate with the same id), and signing that keeps the private key
 * on the token (the PAE is hashed here with the curve's hash, the token signs the digest with
 * CKM_ECDSA, and r||s is converted to DER).
 */
import { X509Certificate, createHash, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { ModelSigningError } from '../errors.js';
import { curveHash, curveName, rawToDerEcdsa, type EcSigningKey } from '../keys.js';
import { ecPublicKey } from './ec-public-key.js';
import { loadPkcs11js } from './loader.js';
import { findModule } from './module-search.js';
import { debug } from '../debug-log.js';
import { pinFromUri } from './pin.js';
import { TokenSession, type FoundObject, type PinSupplier } from './session.js';
import { describeKeySelector, formatId, parsePkcs11Uri, type Pkcs11Uri } from './uri.js';

export interface TokenKeyOptions {
  /** RFC 7512 URI of the key. */
  pkcs11Uri: string;
  /** Extra directories to search for `module-name`, before the system ones. */
  modulePaths?: string[];
  /** Asked (once, with the token's label) when the token needs a PIN and the URI carries none. */
  pinPrompt?: (tokenLabel: string) => Promise<string>;
}

export interface TokenKey {
  publicKey: KeyObject;
  /** e.g. `key 'mykey' (id 01) on token 'tok1'`. */
  description: string;
}

export interface TokenSigningKey extends EcSigningKey, TokenKey {}

interface Target {
  uri: Pkcs11Uri;
  modulePath: string;
  pin: PinSupplier;
  text: string;
}

async function prepare(o: TokenKeyOptions): Promise<Target> {
  const uri = parsePkcs11Uri(o.pkcs11Uri);
  await loadPkcs11js(); // before the module search: "install pkcs11js" is the first thing to fix
  // The PIN file is user input like a key file: a bad one is named before the module is looked for.
  let pin = pinFromUri(uri);
  const modulePath = findModule(uri, o.modulePaths ?? []);
  // Only the module and what the URI selects: the URI itself may carry pin-value.
  debug('pkcs11', () => `module ${modulePath}; token '${uri.token ?? '(any)'}', object '${uri.object ?? '(any)'}'; PIN ${uri.pinValue !== undefined ? 'from pin-value' : uri.pinSource !== undefined ? 'from pin-source' : 'asked for when needed'}`);
  const pinSupplier: PinSupplier = {
    known: () => pin,
    ask: async (tokenLabel: string) => {
      if (pin === undefined && o.pinPrompt) {
        const answer = await o.pinPrompt(tokenLabel);
        if (answer === '') throw new ModelSigningError('PKCS11', 'no PIN entered');
        pin = answer;
      }
      return pin;
    },
  };
  return { uri, modulePath, pin: pinSupplier, text: o.pkcs11Uri };
}

async function withSession<T>(t: Target, fn: (s: TokenSession) => Promise<T>): Promise<T> {
  const s = TokenSession.open(await loadPkcs11js(), t.modulePath, t.uri, t.text);
  try {
    return await fn(s);
  } finally {
    s.close();
  }
}

function keyName(s: TokenSession, o: FoundObject): string {
  const id = o.id.length > 0 ? ` (id ${o.id.toString('hex')})` : '';
  return `key '${o.label}'${id} on token '${s.tokenLabel}'`;
}

function listKeys(objs: FoundObject[]): string {
  return objs.map((o) => `'${o.label}' id=${formatId(o.id) || '(none)'}`).join(', ');
}

/** Exactly one object of `cls` matching the URI's object/id (any one, when the URI names none and only one exists). */
function one(s: TokenSession, t: Target, cls: number, kind: string): FoundObject | undefined {
  const found = s.find(cls, { ...(t.uri.object !== undefined ? { label: t.uri.object } : {}), ...(t.uri.id !== undefined ? { id: t.uri.id } : {}) });
  if (found.length > 1) {
    const how = t.uri.object === undefined && t.uri.id === undefined ? 'add object=<label> or id=<id>' : 'add id=<id> (or a different object=<label>)';
    throw new ModelSigningError(
      'PKCS11',
      `several ${kind}s on token '${s.tokenLabel}' match ${describeKeySelector(t.uri)} (${listKeys(found)}): ${how} to the URI to choose one`,
    );
  }
  return found[0];
}

function notFound(s: TokenSession, t: Target, kind: string): ModelSigningError {
  const hint = s.isLoggedIn ? '' : ' (private objects are only visible after login: give the PIN with pin-source=<file> or pin-value=<pin>)';
  return new ModelSigningError('PKCS11', `no ${kind} matching ${describeKeySelector(t.uri)} on token '${s.tokenLabel}'${hint}`);
}

function requireEc(s: TokenSession, o: FoundObject): void {
  const type = s.keyTypeName(o.handle);
  if (type !== 'EC') {
    throw new ModelSigningError('PKCS11', `${keyName(s, o)} is an ${type} key: only EC keys on P-256, P-384 or P-521 are supported`);
  }
}

function publicKeyOf(s: TokenSession, o: FoundObject): KeyObject {
  const p = s.p11js;
  const params = s.attr(o.handle, p.CKA_EC_PARAMS);
  const point = s.attr(o.handle, p.CKA_EC_POINT);
  if (!params || !point) throw new ModelSigningError('PKCS11', `${keyName(s, o)}: cannot read CKA_EC_PARAMS/CKA_EC_POINT`);
  return ecPublicKey(params, point, keyName(s, o));
}

/**
 * The public half of a private key: PKCS #11 does not reveal the point on private key objects, so
 * it comes from the public key object with the same id (label when there is no id), or from a
 * certificate with that id.
 */
function publicKeyForPrivate(s: TokenSession, priv: FoundObject): KeyObject {
  const p = s.p11js;
  const byId = priv.id.length > 0;
  let pubs = s.find(p.CKO_PUBLIC_KEY, byId ? { id: priv.id } : { label: priv.label });
  if (pubs.length > 1 && byId) pubs = pubs.filter((x) => x.label === priv.label);
  if (pubs.length > 1) {
    throw new ModelSigningError('PKCS11', `several public keys on token '${s.tokenLabel}' belong to ${keyName(s, priv)} (${listKeys(pubs)})`);
  }
  if (pubs.length === 1) {
    requireEc(s, pubs[0]!);
    const key = publicKeyOf(s, pubs[0]!);
    const privParams = s.attr(priv.handle, p.CKA_EC_PARAMS);
    const pubParams = s.attr(pubs[0]!.handle, p.CKA_EC_PARAMS);
    if (privParams && pubParams && !privParams.equals(pubParams)) {
      throw new ModelSigningError('PKCS11', `the public key object of ${keyName(s, priv)} is on a different curve than the private key`);
    }
    return key;
  }
  const certs = byId ? s.find(p.CKO_CERTIFICATE, { id: priv.id }) : [];
  const der = certs.length === 1 ? s.attr(certs[0]!.handle, p.CKA_VALUE) : undefined;
  if (der) return new X509Certificate(der).publicKey;
  throw new ModelSigningError(
    'PKCS11',
    `token '${s.tokenLabel}' has no public key object (or certificate) for ${keyName(s, priv)}, so its public key cannot be read`,
  );
}

/**
 * The private key object the URI names, checked to be an EC signing key. A token that does not
 * require login may still hide private objects until one: then the PIN is asked for and we retry.
 */
async function findPrivateKey(s: TokenSession, t: Target): Promise<FoundObject> {
  let priv = one(s, t, s.p11js.CKO_PRIVATE_KEY, 'private key');
  if (!priv && !s.isLoggedIn) {
    const pin = t.pin.known() ?? (await t.pin.ask(s.tokenLabel));
    if (pin !== undefined) {
      s.login(pin);
      priv = one(s, t, s.p11js.CKO_PRIVATE_KEY, 'private key');
    }
  }
  if (!priv) throw notFound(s, t, 'private key');
  requireEc(s, priv);
  if (s.bool(priv.handle, s.p11js.CKA_SIGN) === false) {
    throw new ModelSigningError('PKCS11', `${keyName(s, priv)} may not be used for signing (CKA_SIGN is false)`);
  }
  return priv;
}

/**
 * Opens the key for signing. Everything is checked now (module, token, PIN, key, public key,
 * curve) so a bad URI fails before any hashing; each signature then uses a fresh session.
 */
export async function openTokenSigningKey(o: TokenKeyOptions): Promise<TokenSigningKey> {
  const t = await prepare(o);
  const { publicKey, description } = await withSession(t, async (s) => {
    await s.loginWith(t.pin);
    const priv = await findPrivateKey(s, t);
    const publicKey = publicKeyForPrivate(s, priv);
    curveName(publicKey);
    return { publicKey, description: keyName(s, priv) };
  });
  const hash = curveHash(publicKey);
  const curve = curveName(publicKey);
  return {
    publicKey,
    description,
    async sign(data: Buffer): Promise<Buffer> {
      const digest = createHash(hash).update(data).digest();
      const raw = await withSession(t, async (s) => {
        await s.loginWith(t.pin);
        const priv = await findPrivateKey(s, t);
        return s.signDigest(priv.handle, digest, 2 * 66 + 8, t.pin.known(), keyName(s, priv));
      });
      const der = rawToDerEcdsa(raw, curve);
      // A public key object that does not belong to the private key would give bundles nobody can
      // verify: check the token's signature before handing it out.
      if (!cryptoVerify(hash, data, publicKey, der)) {
        throw new ModelSigningError('PKCS11', `the signature made by ${description} does not verify with its public key object: they are not a key pair`);
      }
      return der;
    },
  };
}

/**
 * The EC public key the URI names: a public key object (or, failing that, the public half of the
 * named private key). Logs in only when the URI has a PIN, or when nothing is visible without one.
 */
export async function readTokenPublicKey(o: TokenKeyOptions): Promise<TokenKey> {
  const t = await prepare(o);
  return withSession(t, async (s) => {
    const p = s.p11js;
    if (t.pin.known() !== undefined) await s.loginWith(t.pin);
    let pub = one(s, t, p.CKO_PUBLIC_KEY, 'public key');
    if (!pub && !s.isLoggedIn && (t.pin.known() ?? (await t.pin.ask(s.tokenLabel))) !== undefined) {
      await s.loginWith(t.pin);
      pub = one(s, t, p.CKO_PUBLIC_KEY, 'public key');
    }
    if (!pub) {
      const priv = one(s, t, p.CKO_PRIVATE_KEY, 'private key');
      if (!priv) throw notFound(s, t, 'public key');
      requireEc(s, priv);
      const publicKey = publicKeyForPrivate(s, priv);
      curveName(publicKey);
      return { publicKey, description: keyName(s, priv) };
    }
    requireEc(s, pub);
    const publicKey = publicKeyOf(s, pub);
    return { publicKey, description: keyName(s, pub) };
  });
}
