/**
 * One PKCS #11 session on the token a URI names: load the module, pick the slot, log in, find
 * objects, sign. Every pkcs11js failure becomes a one-line PKCS11 error that says what was being
 * done and on which token. Sessions are short-lived (opened per operation and always closed), so
 * no module stays loaded and no login lingers after a command.
 */
import { endianness } from 'node:os';
import { ModelSigningError, errorMessage } from '../errors.js';
import type { Pkcs11Js } from './loader.js';
import { redact, type Pkcs11Uri } from './uri.js';

type Handle = Buffer;
type PKCS11 = InstanceType<Pkcs11Js['PKCS11']>;

/** The PIN from the URI (known) or from asking the user once (ask; undefined: nobody to ask). */
export interface PinSupplier {
  known(): string | undefined;
  ask(tokenLabel: string): Promise<string | undefined>;
}

const KEY_TYPES: Record<number, string> = { 0: 'RSA', 1: 'DSA', 2: 'DH', 3: 'EC', 0x40: 'EdDSA', 0x41: 'Montgomery' };

/** CK_ULONG attribute values and slot ids come back as native-endian buffers. */
export function ulong(b: Buffer): bigint {
  if (b.length >= 8) return endianness() === 'LE' ? b.readBigUInt64LE(0) : b.readBigUInt64BE(0);
  return BigInt(endianness() === 'LE' ? b.readUInt32LE(0) : b.readUInt32BE(0));
}

function rvName(e: unknown): string | undefined {
  const m = /CKR_[A-Z0-9_]+/.exec(errorMessage(e));
  return m ? m[0] : undefined;
}

function fail(what: string, e: unknown): ModelSigningError {
  return new ModelSigningError('PKCS11', `${what}: ${rvName(e) ?? errorMessage(e)}`, { cause: e });
}

export interface FoundObject {
  handle: Handle;
  label: string;
  id: Buffer;
}

export class TokenSession {
  private loggedIn = false;

  private constructor(
    readonly p11js: Pkcs11Js,
    private readonly lib: PKCS11,
    private readonly ownsInit: boolean,
    readonly modulePath: string,
    readonly slotId: bigint,
    readonly tokenLabel: string,
    readonly tokenFlags: number,
    private readonly session: Handle,
  ) {}

  /** Loads the module, finds the token (by slot-id and/or label) and opens a read-only session. */
  static open(p11js: Pkcs11Js, modulePath: string, uri: Pkcs11Uri, uriText: string): TokenSession {
    const lib = new p11js.PKCS11();
    try {
      lib.load(modulePath);
    } catch (e) {
      throw new ModelSigningError('PKCS11', `cannot load PKCS #11 module ${modulePath}: ${errorMessage(e)}`, { cause: e });
    }
    let ownsInit = true;
    try {
      try {
        lib.C_Initialize();
      } catch (e) {
        if (rvName(e) !== 'CKR_CRYPTOKI_ALREADY_INITIALIZED') throw fail(`cannot initialise PKCS #11 module ${modulePath}`, e);
        ownsInit = false;
      }
      const { slot, slotId, label, flags } = TokenSession.pickSlot(p11js, lib, modulePath, uri, uriText);
      let session: Handle;
      try {
        session = lib.C_OpenSession(slot, p11js.CKF_SERIAL_SESSION);
      } catch (e) {
        throw fail(`cannot open a session on token '${label}'`, e);
      }
      return new TokenSession(p11js, lib, ownsInit, modulePath, slotId, label, flags, session);
    } catch (e) {
      TokenSession.unload(lib, ownsInit);
      throw e;
    }
  }

  private static pickSlot(
    p11js: Pkcs11Js,
    lib: PKCS11,
    modulePath: string,
    uri: Pkcs11Uri,
    uriText: string,
  ): { slot: Handle; slotId: bigint; label: string; flags: number } {
    let slots: Handle[];
    try {
      slots = lib.C_GetSlotList(true);
    } catch (e) {
      throw fail(`cannot list the slots of PKCS #11 module ${modulePath}`, e);
    }
    const tokens = slots.flatMap((slot) => {
      try {
        const info = lib.C_GetTokenInfo(slot);
        return [{ slot, slotId: ulong(slot), label: info.label.replace(/[ \0]+$/, ''), flags: info.flags }];
      } catch {
        return []; // a slot whose token vanished or cannot be read is simply not a candidate
      }
    });
    const initialised = tokens.filter((t) => (t.flags & p11js.CKF_TOKEN_INITIALIZED) !== 0);
    const present = initialised.map((t) => `'${t.label}' (slot-id=${t.slotId})`).join(', ') || 'none';
    const wanted = uri.token?.replace(/ +$/, '');
    if (uri.slotId !== undefined) {
      const t = tokens.find((x) => x.slotId === uri.slotId);
      if (!t) throw new ModelSigningError('PKCS11', `no token in slot-id=${uri.slotId} of module ${modulePath} (initialised tokens: ${present})`);
      if (wanted !== undefined && t.label !== wanted) {
        throw new ModelSigningError('PKCS11', `slot-id=${uri.slotId} holds token '${t.label}', not '${wanted}' (from ${redact(uriText)})`);
      }
      if ((t.flags & p11js.CKF_TOKEN_INITIALIZED) === 0) throw new ModelSigningError('PKCS11', `the token in slot-id=${uri.slotId} is not initialised`);
      return t;
    }
    if (wanted !== undefined) {
      const matching = initialised.filter((t) => t.label === wanted);
      if (matching.length === 0) throw new ModelSigningError('PKCS11', `token '${wanted}' not found in module ${modulePath} (initialised tokens: ${present})`);
      if (matching.length > 1) {
        throw new ModelSigningError('PKCS11', `several tokens are labelled '${wanted}' (${present}): add slot-id=<n> to the URI to choose one`);
      }
      return matching[0]!;
    }
    if (initialised.length === 1) return initialised[0]!;
    if (initialised.length === 0) throw new ModelSigningError('PKCS11', `no initialised token found in module ${modulePath}`);
    throw new ModelSigningError('PKCS11', `several tokens in module ${modulePath} (${present}): add token=<label> or slot-id=<n> to the URI`);
  }

  get loginRequired(): boolean {
    return (this.tokenFlags & this.p11js.CKF_LOGIN_REQUIRED) !== 0;
  }
  get protectedAuthPath(): boolean {
    return (this.tokenFlags & this.p11js.CKF_PROTECTED_AUTHENTICATION_PATH) !== 0;
  }
  get isLoggedIn(): boolean {
    return this.loggedIn;
  }

  /** User login; a PIN pad (protected authentication path) logs in without a PIN. */
  login(pin: string | undefined, userType = this.p11js.CKU_USER): void {
    try {
      if (pin === undefined) this.lib.C_Login(this.session, userType);
      else this.lib.C_Login(this.session, userType, pin);
    } catch (e) {
      switch (rvName(e)) {
        case 'CKR_USER_ALREADY_LOGGED_IN':
          break;
        case 'CKR_PIN_INCORRECT':
          throw new ModelSigningError('PKCS11', `wrong PIN for token '${this.tokenLabel}'`);
        case 'CKR_PIN_LOCKED':
          throw new ModelSigningError('PKCS11', `the user PIN of token '${this.tokenLabel}' is locked (too many wrong PINs)`);
        case 'CKR_PIN_LEN_RANGE':
          throw new ModelSigningError('PKCS11', `wrong PIN for token '${this.tokenLabel}' (its length is out of the token's range)`);
        case 'CKR_USER_PIN_NOT_INITIALIZED':
          throw new ModelSigningError('PKCS11', `token '${this.tokenLabel}' has no user PIN set`);
        default:
          throw fail(`login to token '${this.tokenLabel}' failed`, e);
      }
    }
    if (userType === this.p11js.CKU_USER) this.loggedIn = true;
  }

  /**
   * Logs in when the token requires it (or a PIN was given anyway, as the reference does). A PIN
   * pad (protected authentication path) logs in without a PIN; otherwise `pin` is asked.
   */
  async loginWith(pin: PinSupplier): Promise<void> {
    if (this.loggedIn) return;
    if (pin.known() === undefined && !this.loginRequired) return;
    if (pin.known() === undefined && this.protectedAuthPath) {
      this.login(undefined);
      return;
    }
    const p = pin.known() ?? (await pin.ask(this.tokenLabel));
    if (p === undefined) {
      throw new ModelSigningError(
        'PKCS11',
        `token '${this.tokenLabel}' needs its user PIN: add pin-source=<file> (or pin-value=<pin>) to the URI's query`,
      );
    }
    this.login(p);
  }

  /** Objects of a class matching a label and/or id, with their label and id. */
  find(cls: number, match: { label?: string; id?: Buffer; keyType?: number }): FoundObject[] {
    const p = this.p11js;
    const template: { type: number; value: number | Buffer }[] = [{ type: p.CKA_CLASS, value: cls }];
    if (match.label !== undefined) template.push({ type: p.CKA_LABEL, value: Buffer.from(match.label, 'utf8') });
    if (match.id !== undefined) template.push({ type: p.CKA_ID, value: match.id });
    if (match.keyType !== undefined) template.push({ type: p.CKA_KEY_TYPE, value: match.keyType });
    let handles: Handle[];
    try {
      this.lib.C_FindObjectsInit(this.session, template);
      try {
        handles = [];
        for (;;) {
          const batch = this.lib.C_FindObjects(this.session, 64);
          if (batch.length === 0) break;
          handles.push(...batch);
        }
      } finally {
        this.lib.C_FindObjectsFinal(this.session);
      }
    } catch (e) {
      throw fail(`searching token '${this.tokenLabel}' failed`, e);
    }
    return handles.map((handle) => ({
      handle,
      label: this.attr(handle, p.CKA_LABEL)?.toString('utf8') ?? '',
      id: this.attr(handle, p.CKA_ID) ?? Buffer.alloc(0),
    }));
  }

  /** One attribute's value, or undefined when the token does not have it or will not reveal it. */
  attr(handle: Handle, type: number): Buffer | undefined {
    try {
      const [r] = this.lib.C_GetAttributeValue(this.session, handle, [{ type }]);
      return r?.value;
    } catch {
      return undefined;
    }
  }

  /** Key type name (EC, RSA, ...) of a key object. */
  keyTypeName(handle: Handle): string {
    const v = this.attr(handle, this.p11js.CKA_KEY_TYPE);
    if (!v) return 'unknown';
    const n = Number(ulong(v));
    return KEY_TYPES[n] ?? `type 0x${n.toString(16)}`;
  }

  bool(handle: Handle, type: number): boolean | undefined {
    const v = this.attr(handle, type);
    return v === undefined || v.length === 0 ? undefined : v[0] !== 0;
  }

  /** CKM_ECDSA over a precomputed digest: raw r||s. */
  signDigest(key: Handle, digest: Buffer, maxLength: number, contextPin: string | undefined, keyName: string): Buffer {
    const p = this.p11js;
    try {
      this.lib.C_SignInit(this.session, { mechanism: p.CKM_ECDSA }, key);
    } catch (e) {
      const rv = rvName(e);
      if (rv === 'CKR_KEY_FUNCTION_NOT_PERMITTED') throw new ModelSigningError('PKCS11', `${keyName} may not be used for signing (CKA_SIGN is false)`);
      if (rv === 'CKR_MECHANISM_INVALID') throw new ModelSigningError('PKCS11', `token '${this.tokenLabel}' does not support CKM_ECDSA`);
      throw fail(`cannot start signing with ${keyName}`, e);
    }
    // Keys with CKA_ALWAYS_AUTHENTICATE want the PIN again for each signature.
    if (this.bool(key, p.CKA_ALWAYS_AUTHENTICATE) === true) this.login(contextPin, p.CKU_CONTEXT_SPECIFIC);
    try {
      return Buffer.from(this.lib.C_Sign(this.session, digest, Buffer.alloc(maxLength)));
    } catch (e) {
      throw fail(`signing with ${keyName} failed`, e);
    }
  }

  close(): void {
    if (this.loggedIn) {
      try {
        this.lib.C_Logout(this.session);
      } catch {
        // already logged out (e.g. the token was removed): nothing to undo
      }
    }
    try {
      this.lib.C_CloseSession(this.session);
    } catch {
      // the session is gone with the token; finalising below still releases the module
    }
    TokenSession.unload(this.lib, this.ownsInit);
  }

  private static unload(lib: PKCS11, ownsInit: boolean): void {
    try {
      if (ownsInit) lib.C_Finalize();
    } catch {
      // best effort: the process may be exiting
    }
    try {
      lib.close();
    } catch {
      // best effort
    }
  }
}
