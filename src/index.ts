/** The public library: `hashing`, `signing`, `verifying` (mirroring the Python reference), plus types. */
export * as hashing from './api/hashing.js';
export * as signing from './api/signing.js';
export * as verifying from './api/verifying.js';
export * from './manifest.js';
export { ModelSigningError, isModelSigningError, type ErrorCode } from './errors.js';
export type { Signer, BundleJSON } from './signers/types.js';
export type { Verifier, VerifiedPayload, SignerInfo } from './verifiers/types.js';
export { referenceLayout, referenceStatement, referenceIncompatibility, type Compat } from './compat/reference.js';
export * as oci from './api/oci.js';
export { setDebugSink, type DebugSink } from './debug-log.js';
