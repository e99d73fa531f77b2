/**
 * pkcs11js is an optional dependency (a native addon that may fail to build): it is imported only
 * when a PKCS #11 method is used, so everything else works without it.
 */
import { ModelSigningError, errorMessage } from '../errors.js';

export type Pkcs11Js = typeof import('pkcs11js');

let cached: Promise<Pkcs11Js> | undefined;

export const PKCS11JS_MISSING = 'PKCS #11 support needs the optional package pkcs11js (npm install pkcs11js)';

export function loadPkcs11js(): Promise<Pkcs11Js> {
  cached ??= import('pkcs11js').then(
    (m) => ((m as { default?: Pkcs11Js }).default ?? m) as Pkcs11Js,
    (e: unknown) => {
      cached = undefined;
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') throw new ModelSigningError('PKCS11', PKCS11JS_MISSING);
      throw new ModelSigningError('PKCS11', `${PKCS11JS_MISSING}, which could not be loaded: ${errorMessage(e)}`);
    },
  );
  return cached;
}
