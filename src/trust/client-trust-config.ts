/** Reads a ClientTrustConfig JSON file (trusted root + signing config) for a private Sigstore instance. */
import { TRUST_CONFIG_LABEL, readUserTextFile } from '../io/read-user-file.js';
import { SigningConfig, TrustedRoot } from '@sigstore/protobuf-specs';
import { ModelSigningError, errorMessage } from '../errors.js';

export const CLIENT_TRUST_CONFIG_MEDIA_TYPE = 'application/vnd.dev.sigstore.clienttrustconfig.v0.1+json';

export interface ClientTrustConfigData {
  trustedRoot: TrustedRoot;
  signingConfig?: SigningConfig;
}

export function loadClientTrustConfig(path: string): ClientTrustConfigData {
  const text = readUserTextFile(path, TRUST_CONFIG_LABEL, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ModelSigningError('TRUST', `trust config '${path}' is not valid JSON: ${errorMessage(e)}`, { cause: e });
  }
  return parseClientTrustConfig(json, `trust config '${path}'`);
}

export function parseClientTrustConfig(json: unknown, where: string): ClientTrustConfigData {
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    throw new ModelSigningError('TRUST', `${where} is not a JSON object`);
  }
  const o = json as Record<string, unknown>;
  const mediaType = o['mediaType'] ?? o['media_type'];
  if (mediaType !== undefined && mediaType !== CLIENT_TRUST_CONFIG_MEDIA_TYPE) {
    throw new ModelSigningError('TRUST', `${where} has media type '${String(mediaType)}', expected '${CLIENT_TRUST_CONFIG_MEDIA_TYPE}'`);
  }
  const rootJson = o['trustedRoot'] ?? o['trusted_root'];
  if (!rootJson || typeof rootJson !== 'object') {
    throw new ModelSigningError('TRUST', `${where} has no 'trustedRoot'`);
  }
  // protobuf-specs' ClientTrustConfig.fromJSON ignores the snake_case spelling the reference's fixtures use.
  const signingJson = o['signingConfig'] ?? o['signing_config'];
  let trustedRoot: TrustedRoot;
  let signingConfig: SigningConfig | undefined;
  try {
    trustedRoot = TrustedRoot.fromJSON(rootJson);
    signingConfig = signingJson && typeof signingJson === 'object' ? SigningConfig.fromJSON(signingJson) : undefined;
  } catch (e) {
    throw new ModelSigningError('TRUST', `${where} is malformed: ${errorMessage(e)}`, { cause: e });
  }
  if (trustedRoot.certificateAuthorities.length === 0 && trustedRoot.tlogs.length === 0) {
    throw new ModelSigningError('TRUST', `${where} has an empty trusted root (no certificate authorities, no transparency logs)`);
  }
  return { trustedRoot, signingConfig };
}
