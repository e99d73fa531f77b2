/**
 * pkcs11js is an optional dependency (a native addon that may fail to build): it is imported only
 * when a PKCS #11 method is used, so everything else works without it.
 */
import { ModelSigningError, errorMessage } from '../errors.js';

export type Pkcs11Js = typeof import('pkcs11js');

let cached: Promise<Pkcs11Js> | undefined;

export const PKCS11JS_MISSING = 'PKCS #11 support needs the optional package pkcs11js (npm install pkcs11js)';
export const PKCS11JS_NOT_BUILT =
  'PKCS #11 support needs the native part of the optional package pkcs11js, which is installed but not built ' +
  'for this Node.js (run `npm rebuild pkcs11js`)';

/** True when the pkcs11js package itself is present (its JavaScript), whether or not its addon is built. */
function pkcs11jsInstalled(): boolean {
  try {
    // The ESM resolver, as the import itself uses (and any resolve hooks with it).
    import.meta.resolve('pkcs11js');
    return true;
  } catch {
    return false;
  }
}

export function loadPkcs11js(): Promise<Pkcs11Js> {
  cached ??= import('pkcs11js').then(
    (m) => ((m as { default?: Pkcs11Js }).default ?? m) as Pkcs11Js,
    (e: unknown) => {
      cached = undefined;
      // Installed without its build step (npm ci --ignore-scripts, scripts not allowed) or built for another
      // Node.js: the package resolves, its addon does not load. Only a rebuild helps, not an install.
      if (pkcs11jsInstalled()) throw new ModelSigningError('PKCS11', `${PKCS11JS_NOT_BUILT}: ${errorMessage(e).split('\n')[0]}`);
      throw new ModelSigningError('PKCS11', PKCS11JS_MISSING);
    },
  );
  return cached;
}
