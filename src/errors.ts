/**
 * Typed errors. The library never prints or exits: it throws these, and the CLI
 * turns them into a one-line message and an exit code.
 */
export type ErrorCode =
  | 'USAGE' // bad argument or option value (CLI exit 2 when it comes from the command line)
  | 'IO' // a path is missing, unreadable, of the wrong type
  | 'MODEL' // the model itself is unusable: empty, bad names, refused symlinks, changed while hashing
  | 'KEY' // key or certificate material is unusable
  | 'BUNDLE' // the signature file is malformed or not an OMS bundle
  | 'SIGNATURE' // cryptographic verification failed
  | 'TRUST' // certificate chain, identity or transparency checks failed
  | 'MISMATCH' // the model does not match the signed manifest
  | 'SIGNING' // signing failed (remote service, token, ...)
  | 'PKCS11' // hardware token problems
  | 'REGISTRY' // an OCI registry refused, failed or sent something inconsistent
  | 'INTERNAL';

export class ModelSigningError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'ModelSigningError';
  }
}

export function isModelSigningError(e: unknown): e is ModelSigningError {
  return e instanceof ModelSigningError;
}

/** Message of any thrown value, for wrapping foreign errors. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
