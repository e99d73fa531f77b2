/**
 * The Node.js lines this package supports (as package.json `engines` says). Kept free of any import and of
 * syntax newer than ES2017 so that the check itself runs, and can explain itself, on an old Node.
 */
export const SUPPORTED_NODE = '^22.22.2 || ^24.15.0 || >=26.0.0';

/** True when `version` ("22.22.2" or "v22.22.2") is a supported Node.js release. */
export function isSupportedNode(version: string): boolean {
  const [major = 0, minor = 0, patch = 0] = version.replace(/^v/, '').split('.').map((n) => parseInt(n, 10) || 0);
  if (major === 22) return minor > 22 || (minor === 22 && patch >= 2);
  if (major === 24) return minor >= 15;
  return major >= 26;
}

/** The one line printed under an unsupported Node.js. */
export function unsupportedNodeMessage(version: string): string {
  return (
    `model-signing needs Node.js 22.22.2 or later 22.x, 24.15.0 or later 24.x, or 26+ (this is Node.js ${version}); ` +
    'install a supported LTS release (the npm scripts of the source repository use the Node.js it pins)'
  );
}
