/** Digest cache for incremental hashing (see digest-cache.ts). */
export { DigestCache, type DigestCacheOpenOptions, type DigestCacheSaveOptions } from './digest-cache.js';
export { hashWithDigestCache, cacheKeyFor, type CachedHashItem, type HashWithDigestCacheOptions, type HashWithDigestCacheResult } from './hash-with-cache.js';
export { defaultCacheDir, cacheFileFor } from './location.js';
export { RACY_WINDOW_NS, type CacheKey } from './key.js';
