/**
 * Stand-in for the Node built-ins (fs, path, tls, ...) that modules of the verification core import for their
 * Node-only functions (reading key files, writing signatures). The browser build never calls those; if it
 * ever did, this throws instead of doing something else silently.
 */
function unavailable(): never {
  throw new Error('this function is not available in the browser build');
}
export const readFileSync = unavailable;
export const statSync = unavailable;
export const realpathSync = unavailable;
export const openSync = unavailable;
export const closeSync = unavailable;
export const fstatSync = unavailable;
export const fsyncSync = unavailable;
export const readSync = unavailable;
export const renameSync = unavailable;
export const unlinkSync = unavailable;
export const writeSync = unavailable;
export const constants = {};
export const basename = unavailable;
export const dirname = unavailable;
export const join = unavailable;
export const resolve = unavailable;
export const relative = unavailable;
export const isAbsolute = unavailable;
export const sep = '/';
export const rootCertificates: string[] = [];
/** verify-model.ts imports the Node hashing Config for its Node-only verifyModel(). */
export class Config {
  static fromSerialization(): never {
    return unavailable();
  }
}
export default {};
