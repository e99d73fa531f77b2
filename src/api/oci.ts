/**
 * OCI API: sign and verify models stored in OCI registries (images, ORAS artifacts, ModelCars) or
 * described by a local image manifest file. See src/oci/ for the pieces.
 */
export { signOci, type OciSignOptions, type OciSigningResult, type OutputMode } from '../oci/sign.js';
export { verifyOci, type OciVerifyOptions, type OciVerificationReport } from '../oci/verify.js';
export { ociTargetOf, type OciTarget } from '../oci/target.js';
export { loadManifestFile, loadFromRegistry, type LoadedImage } from '../oci/load.js';
export { parseReference, type ImageReference } from '../oci/reference.js';
export { parseManifestBytes, type ImageManifest, type ImageIndex, type Descriptor } from '../oci/image-manifest.js';
export { ociResources, ociManifest, isModelCar, type OciResource } from '../oci/payload.js';
export { RegistryClient, type RegistryOptions } from '../oci/registry-client.js';
export { attachSignature, findSignatures, SIGNATURE_ARTIFACT_TYPE, type AttachmentMode } from '../oci/attach.js';
// Signers and verifiers to hand to signOci / verifyOci.
export { EllipticKeySigner } from '../signers/key.js';
export { CertificateSigner } from '../signers/certificate.js';
export { createSigstoreSigner } from '../signers/sigstore.js';
export { EllipticKeyVerifier } from '../verifiers/key.js';
export { CertificateVerifier } from '../verifiers/certificate.js';
export { createSigstoreVerifier } from '../verifiers/sigstore.js';
