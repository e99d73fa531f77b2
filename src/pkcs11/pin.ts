/** Where the token PIN comes from: `pin-value`, a `pin-source` file, or the caller's prompt. */
import { readUserTextFile } from '../io/read-user-file.js';
import { resolve } from 'node:path';
import { ModelSigningError } from '../errors.js';

/** A PIN is a few bytes; anything bigger is not a PIN file. */
const MAX_PIN_FILE_BYTES = 64 * 1024;
import type { Pkcs11Uri } from './uri.js';

/**
 * The file a `pin-source` names: a `file:` URI (`file:/p`, `file:///p`, `file://localhost/p`) or a
 * plain path (relative ones are taken from the current directory). The value was already
 * percent-decoded once as part of the pkcs11 URI, so it is not decoded again.
 */
export function pinSourcePath(source: string): string {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(source);
  if (!scheme) return resolve(source);
  if (scheme[1]!.toLowerCase() !== 'file') {
    throw new ModelSigningError('USAGE', `pin-source '${source}': only files and file: URIs are supported`);
  }
  let rest = source.slice(scheme[0].length);
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    const host = slash === -1 ? rest.slice(2) : rest.slice(2, slash);
    if (host !== '' && host.toLowerCase() !== 'localhost') {
      throw new ModelSigningError('USAGE', `pin-source '${source}': files on other hosts are not supported`);
    }
    rest = slash === -1 ? '' : rest.slice(slash);
  }
  if (!rest.startsWith('/')) throw new ModelSigningError('USAGE', `pin-source '${source}': a file: URI needs an absolute path`);
  return rest;
}

/** Reads a PIN file: its whole content, less one trailing line break (`echo 1234 > pin` adds one). */
export function readPinFile(source: string): string {
  const path = pinSourcePath(source);
  const text = readUserTextFile(path, 'PIN file (pin-source)', 'utf8', { maxBytes: MAX_PIN_FILE_BYTES });
  const pin = text.replace(/\r?\n$/, '');
  if (pin === '') throw new ModelSigningError('USAGE', `PIN file ${path} is empty (pin-source)`);
  return pin;
}

/** The PIN given by the URI itself, if any (read now so a bad pin-source fails early). */
export function pinFromUri(u: Pkcs11Uri): string | undefined {
  if (u.pinValue !== undefined) return u.pinValue;
  if (u.pinSource !== undefined) return readPinFile(u.pinSource);
  return undefined;
}
