/** `util.isDeepStrictEqual` for the browser build (@sigstore/verify compares the verified signers with it). */
export function isDeepStrictEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (a instanceof Date) return a.getTime() === (b as Date).getTime();
  if (ArrayBuffer.isView(a)) {
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = b as ArrayBufferView;
    const z = new Uint8Array(y.buffer, y.byteOffset, y.byteLength);
    return x.length === z.length && x.every((v, i) => v === z[i]);
  }
  if (a instanceof Map || a instanceof Set) return isDeepStrictEqual([...a], [...(b as Map<unknown, unknown>)]);
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && isDeepStrictEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** keys.ts wraps `sign` at load time; the wrapped function is never called in the browser build. */
export function promisify(): () => never {
  return () => {
    throw new Error('not available in the browser build');
  };
}

export default { isDeepStrictEqual, promisify };
