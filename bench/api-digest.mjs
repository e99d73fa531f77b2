#!/usr/bin/env node
// `digest` through the public library API, with the engine settings the CLI does not expose: the
// benchmark's worker/chunk sweep and its progress probe use it.
// Usage: node bench/api-digest.mjs MODEL [--shards] [--max-workers N] [--chunk-size BYTES] [--progress-json]
// Prints `sha256:<root digest>`; with --progress-json, a JSON line about the progress events follows.
import { Config } from '../dist/api/hashing.js';

const argv = process.argv.slice(2);
const flag = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : undefined;
};
const opts = {};
if (flag('--max-workers') !== undefined) opts.maxWorkers = flag('--max-workers');
if (flag('--chunk-size') !== undefined) opts.chunkSize = flag('--chunk-size');
const cfg = new Config();
if (argv.includes('--shards')) cfg.useShardSerialization(opts);
else cfg.useFileSerialization(opts);

const events = [];
const t0 = performance.now();
if (argv.includes('--progress-json')) cfg.setProgressHandler((p) => events.push([performance.now() - t0, p.bytesDone, p.bytesTotal]));
const manifest = await cfg.hash(argv[0]);
const end = performance.now() - t0;
console.log(`sha256:${manifest.rootDigest}`);
if (argv.includes('--progress-json')) {
  // The CLI's ETA: remaining bytes at the average rate so far. Compared with the time that really remained.
  const total = events.at(-1)?.[2] ?? 0;
  let monotonic = true;
  let maxGapMs = 0;
  for (let i = 1; i < events.length; i++) {
    if (events[i][1] < events[i - 1][1] || events[i][2] < events[i - 1][2]) monotonic = false;
    maxGapMs = Math.max(maxGapMs, events[i][0] - events[i - 1][0]);
  }
  const etaError = [0.25, 0.5, 0.75].map((q) => {
    const e = events.find(([, done]) => done >= q * total);
    if (!e) return null;
    const [t, done, tot] = e;
    const eta = ((tot - done) / done) * t;
    return (eta - (end - t)) / (end - t);
  });
  console.log(JSON.stringify({ events: events.length, monotonic, maxGapMs, etaError, totalStable: events.every((e) => e[2] === total) }));
}
