// A seeded pseudo-random generator, so every fuzz run is repeatable from its seed.
// Hand-written (mulberry32, a few lines) because node:crypto has no seedable generator.
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  return {
    next,
    /** Integer in [0, n). */
    int,
    /** One element of a non-empty array. */
    pick: (arr) => arr[int(arr.length)],
    /** True with probability p. */
    chance: (p) => next() < p,
    bytes: (n) => Buffer.from(Array.from({ length: n }, () => int(256))),
  };
}
