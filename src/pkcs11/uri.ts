/**
 * RFC 7512 `pkcs11:` URIs, with the attributes the reference implementation uses (path: token,
 * slot-id, object, id, type; query: pin-value, pin-source, module-name, module-path). The other
 * standard attributes are validated for syntax and ignored. No npm package parses RFC 7512
 * (pkcs11js takes slots and handles, not URIs), so this is hand-written against the RFC grammar.
 */
import { ModelSigningError } from '../errors.js';

export interface Pkcs11Uri {
  /** Token label (CKA_LABEL of the token), without the 32-byte blank padding. */
  token?: string;
  /** CK_SLOT_ID as a number (decimal in the URI). */
  slotId?: bigint;
  /** Key label (CKA_LABEL). */
  object?: string;
  /** Key id (CKA_ID) as raw bytes. */
  id?: Buffer;
  /** Object class from `type=`; checked for syntax only, as the reference does. */
  type?: string;
  pinValue?: string;
  /** The `pin-source` value as written (a path or a `file:` URI); see pin.ts. */
  pinSource?: string;
  /** Absolute path of a module file, or of a directory to search for `module-name`. */
  modulePath?: string;
  moduleName?: string;
}

const USED_PATH = ['token', 'slot-id', 'object', 'id', 'type'] as const;
const IGNORED_PATH = [
  'manufacturer',
  'model',
  'serial',
  'library-manufacturer',
  'library-description',
  'library-version',
  'slot-manufacturer',
  'slot-description',
];
const QUERY = ['pin-value', 'pin-source', 'module-name', 'module-path'];
const TYPES = ['public', 'private', 'cert', 'secret-key', 'data'];
const MAX_SLOT_ID = (1n << 64n) - 1n; // CK_SLOT_ID is a CK_ULONG

function malformed(uri: string, why: string): ModelSigningError {
  return new ModelSigningError('USAGE', `malformed PKCS #11 URI ${redact(uri)}: ${why}`);
}

/** The URI for messages, with any pin-value hidden. */
export function redact(uri: string): string {
  return uri.replace(/([?&]pin-value=)[^&]*/g, '$1***');
}

/**
 * Percent-decodes byte-wise (RFC 3986). Characters outside the RFC's allowed sets for the part are
 * rejected: spaces, controls, non-ASCII and `#` are always errors, since a shell or a copy/paste
 * usually put them there by mistake.
 */
function percentDecode(uri: string, raw: string, what: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch === '%') {
      const hex = raw.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw malformed(uri, `bad percent-encoding '%${hex}' in ${what}`);
      bytes.push(parseInt(hex, 16));
      i += 2;
      continue;
    }
    const code = ch.charCodeAt(0);
    if (code <= 0x20 || code >= 0x7f || ch === '#' || ch === '"' || ch === '<' || ch === '>' || ch === '\\' || ch === '^' || ch === '`' || ch === '{' || ch === '|' || ch === '}') {
      throw malformed(uri, `character ${JSON.stringify(ch)} in ${what} must be percent-encoded`);
    }
    bytes.push(code);
  }
  return Buffer.from(bytes);
}

function utf8(uri: string, b: Buffer, what: string): string {
  const s = b.toString('utf8');
  if (!Buffer.from(s, 'utf8').equals(b)) throw malformed(uri, `${what} is not valid UTF-8`);
  return s;
}

function split(uri: string, part: string, sep: string, where: 'path' | 'query'): Map<string, string> {
  const out = new Map<string, string>();
  if (part === '') return out;
  for (const item of part.split(sep)) {
    const eq = item.indexOf('=');
    if (item === '') throw malformed(uri, `empty ${where} attribute (stray '${sep}')`);
    if (eq <= 0) throw malformed(uri, `${where} attribute '${item}' has no '=value'`);
    const name = item.slice(0, eq);
    if (!/^[a-z][a-z0-9-]*$/.test(name)) throw malformed(uri, `bad ${where} attribute name '${name}'`);
    if (out.has(name)) throw malformed(uri, `duplicate ${where} attribute '${name}'`);
    out.set(name, item.slice(eq + 1));
  }
  return out;
}

/** Parses and validates a `pkcs11:` URI; throws a USAGE error naming the problem. */
export function parsePkcs11Uri(uri: string): Pkcs11Uri {
  if (!/^pkcs11:/i.test(uri)) throw malformed(uri, "it must start with 'pkcs11:'");
  const body = uri.slice('pkcs11:'.length);
  if (body.includes('#')) throw malformed(uri, "a fragment ('#') is not allowed");
  const q = body.indexOf('?');
  const pathPart = q === -1 ? body : body.slice(0, q);
  const queryPart = q === -1 ? '' : body.slice(q + 1);
  if (queryPart.includes('?')) throw malformed(uri, "more than one '?'");

  const path = split(uri, pathPart, ';', 'path');
  const query = split(uri, queryPart, '&', 'query');
  const out: Pkcs11Uri = {};

  for (const [name, raw] of path) {
    const value = percentDecode(uri, raw, `path attribute '${name}'`);
    switch (name) {
      case 'token':
        out.token = utf8(uri, value, 'token');
        break;
      case 'object':
        out.object = utf8(uri, value, 'object');
        break;
      case 'id':
        out.id = value;
        break;
      case 'slot-id': {
        const s = value.toString('latin1');
        if (!/^[0-9]+$/.test(s) || BigInt(s) > MAX_SLOT_ID) throw malformed(uri, `slot-id '${s}' is not a slot number`);
        out.slotId = BigInt(s);
        break;
      }
      case 'type': {
        const s = value.toString('latin1');
        if (!TYPES.includes(s)) throw malformed(uri, `type '${s}' is not one of ${TYPES.join(', ')}`);
        out.type = s;
        break;
      }
      case 'library-version':
        if (!/^[0-9]+(\.[0-9]+)?$/.test(value.toString('latin1'))) {
          throw malformed(uri, `library-version '${value.toString('latin1')}' is not M or M.N`);
        }
        break;
      default:
        if (!IGNORED_PATH.includes(name)) {
          throw malformed(uri, `unknown path attribute '${name}' (known: ${[...USED_PATH, ...IGNORED_PATH].join(', ')})`);
        }
    }
  }

  for (const [name, raw] of query) {
    const value = utf8(uri, percentDecode(uri, raw, `query attribute '${name}'`), name);
    switch (name) {
      case 'pin-value':
        out.pinValue = value;
        break;
      case 'pin-source':
        if (value === '') throw malformed(uri, 'pin-source is empty');
        out.pinSource = value;
        break;
      case 'module-name':
        if (value === '' || /[/\\]/.test(value)) {
          throw malformed(uri, `module-name '${value}' must be a module's name (e.g. softhsm2); give a path as module-path`);
        }
        out.moduleName = value;
        break;
      case 'module-path':
        if (!value.startsWith('/')) throw malformed(uri, `module-path '${value}' must be an absolute path`);
        out.modulePath = value;
        break;
      default:
        // Vendor query attributes (x-...) are allowed by RFC 7512 and mean nothing to us.
        if (!name.startsWith('x-')) throw malformed(uri, `unknown query attribute '${name}' (known: ${QUERY.join(', ')})`);
    }
  }
  if (out.pinValue !== undefined && out.pinSource !== undefined) {
    throw malformed(uri, 'pin-value and pin-source cannot both be given');
  }
  return out;
}

/** `object=...;id=...` of a parsed URI, for messages. */
export function describeKeySelector(u: Pkcs11Uri): string {
  const parts: string[] = [];
  if (u.object !== undefined) parts.push(`object=${JSON.stringify(u.object)}`);
  if (u.id !== undefined) parts.push(`id=${formatId(u.id)}`);
  return parts.length > 0 ? parts.join(' ') : 'any key';
}

/** An id as RFC 7512 writes it (every byte percent-encoded). */
export function formatId(id: Buffer): string {
  return [...id].map((b) => '%' + b.toString(16).padStart(2, '0')).join('');
}
