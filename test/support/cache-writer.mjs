// Child process for the concurrency test: for each of its own files in turn, opens the cache, stores
// that one entry and saves. Each entry is stored once, so an update lost to a race stays lost.
// argv: distDir cacheDir modelRoot rounds livePathsJson ownPathsJson
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { keyOf, sha256File } from './cache-fixtures.mjs';

const [distDir, cacheDir, modelRoot, rounds, liveJson, ownJson] = process.argv.slice(2);
const { DigestCache } = await import(pathToFileURL(join(distDir, 'cache', 'index.js')).href);
const live = new Set(JSON.parse(liveJson));
const own = JSON.parse(ownJson);
const warnings = [];
for (let r = 0; r < Number(rounds); r++) {
  for (const p of own) {
    const cache = await DigestCache.open({ dir: cacheDir, modelRoot, onWarning: (m) => warnings.push(m) });
    if (r === 0) cache.store(keyOf(p), sha256File(p));
    await cache.save({ modelRoot, livePaths: live });
  }
}
process.stdout.write(JSON.stringify({ warnings }));
