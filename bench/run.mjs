#!/usr/bin/env node
// Benchmark: our digest (end to end, whole process) against limits measured in the same run.
// `npm run bench` (full, ~2 GiB sets) or `BENCH_QUICK=1 npm run bench` (small sets).
// Every figure is the median of 3 runs; runs disturbed by other processes are repeated.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { datasets } from './lib/data.mjs';
import { runOnce, measure, measurePaired, median, stopRetryingAt, waitIdle } from './lib/measure.mjs';
import { warm, drop, coldMethod } from './lib/cache.mjs';
import { incrementalSign } from './lib/incremental.mjs';
import { checkRuns, oracleRoot, rootFromListing } from './lib/oracle.mjs';
import { millionTree, sparseFile } from './lib/trees.mjs';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const QUICK = process.env.BENCH_QUICK === '1';
const RUNS = 3;
/** Pairs for the ratios against the standard tools (each pair: ours, then the peer). */
const PAIRED_RUNS = 5;
const log = (s) => process.stderr.write(`${s}\n`);

// ---- how to run `digest` (switch here once the CLI has it) -------------------------------------
const CLI = path.join(REPO, 'dist/cli/main.js');
const FALLBACK = path.join(REPO, 'bench/lib-digest.mjs');
const API = path.join(REPO, 'bench/api-digest.mjs');
/** argv for `digest MODEL` with the given hashing flags. */
function digestArgv(entry, model, { algorithm = 'sha256', serialization = 'files', shardSize } = {}) {
  const args = [entry, ...(entry === CLI ? ['digest'] : []), model, '--hash-algorithm', algorithm, '--serialization', serialization];
  if (shardSize) args.push('--shard-size', String(shardSize));
  return args;
}
function pickDigestEntry(probeModel) {
  if (process.env.BENCH_DIGEST === 'library') return { entry: FALLBACK, note: 'library stand-in (BENCH_DIGEST=library)' };
  const r = spawnSync(process.execPath, digestArgv(CLI, probeModel), { encoding: 'utf8' });
  if (r.status === 0 && /^sha256:[0-9a-f]{64}\s*$/.test(r.stdout)) return { entry: CLI, note: 'CLI: node dist/cli/main.js digest' };
  return { entry: FALLBACK, note: `library stand-in bench/lib-digest.mjs (the CLI digest is not usable yet: ${firstLine(r.stderr) || `exit ${r.status}`})` };
}
const firstLine = (s) => (s ?? '').trim().split('\n').find((l) => /error/i.test(l))?.trim().slice(0, 140) ?? '';

// ---- limits --------------------------------------------------------------------------------
/** `openssl speed -multi 2 -evp ALG -bytes 16384`, in bytes/s (its last line: "<alg> <N>k"). */
function opensslSpeed(alg) {
  return measure(RUNS, () => {
    const r = runOnce('openssl', ['speed', '-multi', '2', '-evp', alg, '-bytes', '16384', '-seconds', '2']);
    const last = r.stdout.trim().split('\n').at(-1);
    const m = /([0-9.]+)k\s*$/.exec(last);
    if (!m) throw new Error(`cannot parse openssl speed output: ${last}`);
    return { ...r, value: Number(m[1]) * 1000 };
  });
}

// ---- runs ----------------------------------------------------------------------------------
const bytesOf = (files) => files.reduce((s, f) => s + fs.statSync(f).size, 0);

function timed(cmd, args, files, cache) {
  return measure(RUNS, () => {
    if (cache === 'cold') drop(files);
    else warm(files);
    return runOnce(cmd, args, { cwd: REPO });
  });
}

/** Ours and a peer in turn, PAIRED_RUNS pairs (see measurePaired); both warmed before each run. */
function timedPair(oursArgs, peerCmd, peerArgs, files) {
  const run = (cmd, args) => () => {
    warm(files);
    return runOnce(cmd, args, { cwd: REPO });
  };
  return measurePaired(PAIRED_RUNS, run(process.execPath, oursArgs), run(peerCmd, peerArgs));
}

const rows = [];
function row(what, value, unit, ref, refLabel, target, extra = '') {
  rows.push({ what, value, unit, ref, refLabel, target, extra });
}
const gb = (bps) => bps / 1e9;
const fmt = (x, d = 2) => (x === null || x === undefined || Number.isNaN(x) ? '-' : x.toFixed(d));

function main() {
  const started = Date.now();
  stopRetryingAt(started + (QUICK ? 90 : 240) * 1000);
  const root = path.join(REPO, 'bench/.work', QUICK ? 'quick' : 'full');
  fs.mkdirSync(root, { recursive: true });
  const d = datasets(root, QUICK, log);
  const digest = pickDigestEntry(d.tiny.dir);
  const node = process.execPath;
  log(`digest under test: ${digest.note}`);

  log('limits: openssl speed -multi 2 ...');
  const shaLimit = opensslSpeed('sha256');
  const b2Limit = opensslSpeed('blake2b512');

  const modelBytes = bytesOf(d.model.files);
  const singleBytes = bytesOf(d.single.files);
  const single = d.single.files[0];

  log('model, sha256 (warm, cold) ...');
  const shaWarm = timed(node, digestArgv(digest.entry, d.model.dir), d.model.files, 'warm');
  const canCold = coldMethod(d.tiny.files[1]) !== null;
  const shaCold = canCold ? timed(node, digestArgv(digest.entry, d.model.dir), d.model.files, 'cold') : null;

  log('model vs xargs -P2 openssl dgst ...');
  // Big files one per process (two at a time), the small ones in groups: how the standard tool is run.
  const modelPeerCmd = 'find "$1" -type f -size +1024k -print0 | xargs -0 -P2 -n1 openssl dgst -sha256 > /dev/null && find "$1" -type f -size -1025k -print0 | xargs -0 -P2 -n100 openssl dgst -sha256 > /dev/null';
  const modelPair = timedPair(digestArgv(digest.entry, d.model.dir), 'sh', ['-c', modelPeerCmd, 'sh', d.model.dir], d.model.files);
  const modelPeer = modelPair.peer;

  log('model, blake3 vs b3sum, blake2b ...');
  const b3Warm = timed(node, digestArgv(digest.entry, d.model.dir, { algorithm: 'blake3' }), d.model.files, 'warm');
  const hasB3sum = spawnSync('b3sum', ['--version']).status === 0;
  const b3sum = hasB3sum ? timed('b3sum', ['--num-threads', '2', ...d.model.files], d.model.files, 'warm') : null;
  const b3Cold = canCold ? timed(node, digestArgv(digest.entry, d.model.dir, { algorithm: 'blake3' }), d.model.files, 'cold') : null;
  const b3sumCold = canCold && hasB3sum ? timed('b3sum', ['--num-threads', '2', ...d.model.files], d.model.files, 'cold') : null;
  const b2Warm = timed(node, digestArgv(digest.entry, d.model.dir, { algorithm: 'blake2b' }), d.model.files, 'warm');

  log('checking the digests against openssl / b3sum ...');
  const shaRoot = oracleRoot(d.model.dir, d.model.files, 'sha256');
  const shaCheck = checkRuns('sha256 digest', shaWarm, shaRoot);
  checkRuns('sha256 digest (paired runs)', modelPair.ours, shaRoot);
  const b3Check = checkRuns('blake3 digest', b3Warm, oracleRoot(d.model.dir, d.model.files, 'blake3'));

  log('engine only (in-process) ...');
  // Same idle wait and noise check as the other rows: value = the in-process median GB/s.
  const engineOnly = (alg) => {
    const m = measure(RUNS, () => {
      const r = runOnce(node, [path.join(REPO, 'bench/engine-only.mjs'), d.model.dir, alg]);
      const j = JSON.parse(r.stdout);
      return { ...r, value: j.median, first: j.first };
    });
    return { median: m.value, first: median(m.runs.map((r) => r.first)), noisy: m.noisy };
  };
  const engSha = engineOnly('sha256');
  const engB3 = engineOnly('blake3');

  log('browser verifier in headless Chromium ...');
  const browserSha = browserHash(d.model.dir, 'sha256');
  const browserB3 = browserHash(d.model.dir, 'blake3');

  log('single file, shards ...');
  const shardWarm = timed(node, digestArgv(digest.entry, single, { serialization: 'shards' }), d.single.files, 'warm');
  const shardCold = canCold ? timed(node, digestArgv(digest.entry, single, { serialization: 'shards' }), d.single.files, 'cold') : null;

  log('small files ...');
  const nSmall = d.small.files.length;
  const smallRun = timed(node, digestArgv(digest.entry, d.small.dir), d.small.files, 'warm');
  const peer = timed('sh', ['-c', `find "$1" -type f -print0 | xargs -0 -P2 -n500 openssl dgst -sha256 > /dev/null`, 'sh', d.small.dir], d.small.files, 'warm');
  // The standard tool for many files, as people run it; its output is also the independent digest check.
  const sums = timed('sh', ['-c', 'cd "$1" && find . -type f -print0 | xargs -0 -P2 sha256sum', 'sh', d.small.dir], d.small.files, 'warm');
  const smallPair = timedPair(digestArgv(digest.entry, d.small.dir), 'sh', ['-c', 'cd "$1" && find . -type f -print0 | xargs -0 -P2 sha256sum > /dev/null', 'sh', d.small.dir], d.small.files);
  const smallCheck = checkRuns('small-files digest', smallRun, rootFromListing(sums.runs[0].stdout));
  checkRuns('small-files digest (paired runs)', smallPair.ours, rootFromListing(sums.runs[0].stdout));

  // The same two jobs through the library stand-in: separates the CLI's own start-up cost.
  const viaCli = digest.entry === CLI;
  const smallLib = viaCli ? timed(node, digestArgv(FALLBACK, d.small.dir), d.small.files, 'warm') : null;

  log('incremental re-sign ...');
  const incr = viaCli
    ? incrementalSign({ node, cli: CLI, model: d.model.dir, files: d.model.files, work: path.join(root, 'sign'), runs: RUNS, cwd: REPO })
    : null;

  log('two-file model ...');
  const tiny = measure(5, () => runOnce(node, digestArgv(digest.entry, d.tiny.dir), { cwd: REPO }));
  const tinyLib = viaCli ? measure(5, () => runOnce(node, digestArgv(FALLBACK, d.tiny.dir), { cwd: REPO })) : null;
  const nodeBare = measure(5, () => runOnce(node, ['-e', '']));

  log('worker / chunk-size sweep (library API) ...');
  const sweep = sweepSettings(node, d.model);

  const sparse = sparseRun(node, root, digest.entry, shardWarm, singleBytes);
  const million = millionRun(node, root, digest.entry);

  const M = QUICK ? `${(modelBytes / 2 ** 20).toFixed(0)} MiB model` : '2 GiB model';
  const S = QUICK ? `${(singleBytes / 2 ** 20).toFixed(0)} MiB file` : '2 GiB file';
  const tput = (bytes, m) => bytes / m.wall;
  const shaL = shaLimit.value;
  row('openssl speed -multi 2 sha256 (limit)', gb(shaL), 'GB/s');
  row('openssl speed -multi 2 blake2b512 (limit)', gb(b2Limit.value), 'GB/s');
  row(`${M} sha256 warm`, gb(tput(modelBytes, shaWarm)), 'GB/s', tput(modelBytes, shaWarm) / shaL, 'x sha256 limit', '>= 0.90', `digest ${shaCheck} vs openssl ${mark(shaWarm)}`.trim());
  row(`${M} sha256 warm vs xargs -P2 openssl dgst`, gb(tput(modelBytes, modelPair.ours)), 'GB/s', modelPair.ratio, 'x openssl rate', '>= 1.10', `openssl: ${fmt(gb(tput(modelBytes, modelPeer)))} GB/s; median of ${PAIRED_RUNS} paired runs ${mark(modelPair.ours)}`.trim());
  if (engSha) row(`${M} sha256 warm, engine in-process`, gb(engSha.median), 'GB/s', engSha.median / shaL, 'x sha256 limit', '(info)', `first call (starts workers): ${fmt(gb(engSha.first))} GB/s${engSha.noisy ? '; noisy' : ''}`);
  if (shaCold) row(`${M} sha256 cold`, gb(tput(modelBytes, shaCold)), 'GB/s', tput(modelBytes, shaCold) / shaL, 'x sha256 limit', '(info)', mark(shaCold));
  if (b3sum) row(`b3sum --num-threads 2, ${M} warm (peer)`, gb(tput(modelBytes, b3sum)), 'GB/s', null, '', '', mark(b3sum));
  row(`${M} blake3 warm`, gb(tput(modelBytes, b3Warm)), 'GB/s', b3sum ? b3sum.wall / b3Warm.wall : null, 'x b3sum', '>= 0.90', `digest ${b3Check} vs b3sum ${mark(b3Warm)}`.trim());
  if (engB3) row(`${M} blake3 warm, engine in-process`, gb(engB3.median), 'GB/s', b3sum ? engB3.median / tput(modelBytes, b3sum) : null, 'x b3sum', '(info)', `first call: ${fmt(gb(engB3.first))} GB/s${engB3.noisy ? '; noisy' : ''}`);
  if (b3Cold) row(`${M} blake3 cold`, gb(tput(modelBytes, b3Cold)), 'GB/s', b3sumCold ? b3sumCold.wall / b3Cold.wall : null, 'x b3sum cold', '(info)', mark(b3Cold));
  row(`${M} blake2b warm`, gb(tput(modelBytes, b2Warm)), 'GB/s', tput(modelBytes, b2Warm) / b2Limit.value, 'x blake2b512 limit', '(info)', mark(b2Warm));
  browserRow(`${M} sha256 warm, browser verifier (headless Chromium)`, browserSha, modelBytes, tput(modelBytes, shaWarm), 'x CLI sha256', '>= 0.50');
  browserRow(`${M} blake3 warm, browser verifier (headless Chromium)`, browserB3, modelBytes, tput(modelBytes, b3Warm), 'x CLI blake3', '>= 0.80');
  row(`${S} shards sha256 warm`, gb(tput(singleBytes, shardWarm)), 'GB/s', tput(singleBytes, shardWarm) / shaL, 'x sha256 limit', '>= 0.90', mark(shardWarm));
  if (shardCold) row(`${S} shards sha256 cold`, gb(tput(singleBytes, shardCold)), 'GB/s', tput(singleBytes, shardCold) / shaL, 'x sha256 limit', '(info)', mark(shardCold));
  row(`${nSmall} x 4 KiB files`, nSmall / smallRun.wall, 'files/s', nSmall / smallRun.wall / 40000, 'x 40k target', '>= 1.00', mark(smallRun));
  if (smallLib) row(`${nSmall} x 4 KiB files, library stand-in`, nSmall / smallLib.wall, 'files/s', nSmall / smallLib.wall / 40000, 'x 40k target', '(info)', mark(smallLib));
  row(`find | xargs -P2 openssl dgst (peer)`, nSmall / peer.wall, 'files/s', smallRun.wall ? peer.wall / smallRun.wall : null, 'ours / peer', '(info)', mark(peer));
  row(`${nSmall} x 4 KiB files vs find | xargs -P2 sha256sum`, nSmall / smallPair.ours.wall, 'files/s', smallPair.ratio, 'x sha256sum rate', '>= 0.70', `sha256sum: ${fmt(nSmall / smallPair.peer.wall, 0)} files/s; median of ${PAIRED_RUNS} paired runs; digest ${smallCheck} vs sha256sum ${mark(smallPair.ours)}`.trim());
  const cpuOf = (m) => (m.runs.every((r) => r.cpu !== null) ? median(m.runs.map((r) => r.cpu)) : null);
  const smallCpu = cpuOf(smallRun);
  const sumsCpu = cpuOf(sums);
  row(`${nSmall} x 4 KiB files, CPU time`, smallCpu === null ? null : smallCpu * 1000, 'ms', smallCpu && sumsCpu ? smallCpu / sumsCpu : null, 'x sha256sum CPU', '(info)', 'user+sys of the whole process tree: less sensitive to a busy machine');
  const rss = Math.max(shaWarm.rssKiB ?? 0, b3Warm.rssKiB ?? 0, shardWarm.rssKiB ?? 0, smallRun.rssKiB ?? 0) / 1024;
  row('peak RSS of the digest process', rss || null, 'MiB', rss ? rss / 256 : null, 'x 256 MiB budget', '<= 1.00');
  if (incr) {
    row(`${M} full sign (key)`, incr.full.wall * 1000, 'ms', null, '', '', mark(incr.full));
    row(`${M} incremental re-sign, 1 byte appended to 1 file`, incr.inc.wall * 1000, 'ms', incr.inc.wall / incr.full.wall, 'x full sign', '<= 0.10', `${incr.reused} digests reused ${mark(incr.inc)}`.trim());
  }
  row('two-file model, end to end', tiny.wall * 1000, 'ms', tiny.wall / 0.15, 'x 150 ms budget', '<= 1.00', `(bare node: ${fmt(nodeBare.wall * 1000, 0)} ms)`);
  if (tinyLib) row('two-file model, library stand-in', tinyLib.wall * 1000, 'ms', tinyLib.wall / 0.15, 'x 150 ms budget', '(info)');
  for (const m of million.rows) row(...m);
  for (const m of sparse.rows) row(...m);
  for (const m of sweep.rows) row(...m);

  print(digest.note, canCold, started);
}

const K = (n) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);

/**
 * A nested tree of empty and tiny files (a million; BENCH_QUICK 100,000), built for this run and removed
 * after it: `digest` of a tenth of it and of all of it. Time must grow linearly and memory stay bounded.
 */
function millionRun(node, root, entry) {
  const total = QUICK ? 100_000 : 1_000_000;
  const dir = path.join(root, 'million');
  try {
    const t = millionTree(dir, total, log);
    log(`digest of ${K(t.tenth.files)} and ${K(t.all.files)} files ...`);
    const runs = QUICK ? RUNS : 2; // a full run takes a while: median of 2 (their mean)
    const tenth = measure(RUNS, () => runOnce(node, digestArgv(entry, t.tenth.dir), { cwd: REPO }));
    const all = measure(runs, () => runOnce(node, digestArgv(entry, t.all.dir), { cwd: REPO }));
    const c1 = checkRuns(`${K(t.tenth.files)}-file digest`, tenth, t.tenth.expected);
    const c2 = checkRuns(`${K(t.all.files)}-file digest`, all, t.all.expected);
    const r1 = t.tenth.files / tenth.wall;
    const r2 = t.all.files / all.wall;
    const rss = (all.rssKiB ?? 0) / 1024;
    return {
      rows: [
        [`${K(t.tenth.files)} empty/tiny files, nested`, r1, 'files/s', null, '', '(info)', `digest ${c1}; RSS ${fmt((tenth.rssKiB ?? 0) / 1024, 0)} MiB ${mark(tenth)}`.trim()],
        [`${K(t.all.files)} empty/tiny files, nested`, r2, 'files/s', r2 / r1, `x ${K(t.tenth.files)} rate (linear)`, '>= 0.85', `digest ${c2}; ${fmt(all.wall, 1)} s ${mark(all)}`.trim()],
        [`${K(t.all.files)} files, peak RSS`, rss || null, 'MiB', rss ? rss / 512 : null, 'x 512 MiB budget', '<= 1.00'],
      ],
    };
  } finally {
    log('removing the generated tree ...');
    // `rm -rf` is several times faster than fs.rmSync on a million entries.
    if (spawnSync('rm', ['-rf', dir]).status !== 0) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A large sparse file (64 GiB; BENCH_QUICK 8 GiB) in 1 GB shards: same throughput as real data, bounded memory, sane ETA. */
function sparseRun(node, root, entry, shardWarm, singleBytes) {
  const size = (QUICK ? 8 : 64) * 2 ** 30;
  const dir = path.join(root, 'sparse');
  try {
    const s = sparseFile(dir, size, 1_000_000_000);
    log(`sparse file of ${size / 2 ** 30} GiB, shards ...`);
    const m = measure(RUNS, () => runOnce(node, digestArgv(entry, s.file, { serialization: 'shards' }), { cwd: REPO }));
    const check = checkRuns('sparse-file digest', m, s.expected);
    const probe = runOnce(node, [API, s.file, '--shards', '--progress-json'], { cwd: REPO });
    const p = JSON.parse(probe.stdout.trim().split('\n').at(-1));
    const worstEta = Math.max(...p.etaError.filter((x) => x !== null).map(Math.abs));
    const rate = size / m.wall;
    const ref = singleBytes / shardWarm.wall;
    const rss = (m.rssKiB ?? 0) / 1024;
    const G = `${size / 2 ** 30} GiB sparse file`;
    return {
      rows: [
        [`${G}, shards sha256`, gb(rate), 'GB/s', rate / ref, 'x 2 GiB-file shards rate', '>= 0.95', `digest ${check} ${mark(m)}`.trim()],
        [`${G}, peak RSS`, rss || null, 'MiB', rss ? rss / 256 : null, 'x 256 MiB budget', '<= 1.00'],
        [`${G}, progress ETA error at 25/50/75 %`, worstEta * 100, '%', null, '', '<= 25', `${p.etaError.map((x) => (x === null ? '-' : `${(x * 100).toFixed(0)}%`)).join('/')}; ${p.events} events, max gap ${fmt(p.maxGapMs, 0)} ms, ${p.monotonic && p.totalStable ? 'monotonic, fixed total' : 'NOT monotonic or total changed'}`],
      ],
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Worker counts up to twice the cores, and read chunk sizes, on the model (library API, warm): prints the
 * best setting, and how far the default is from it.
 */
function sweepSettings(node, model) {
  const cores = os.availableParallelism();
  const settings = [];
  for (const w of [1, cores, cores + 1, 2 * cores]) settings.push({ w, c: 4 << 20 });
  for (const c of [256 << 10, 1 << 20, 16 << 20]) settings.push({ w: cores, c });
  const unique = settings.filter((s, i) => settings.findIndex((x) => x.w === s.w && x.c === s.c) === i);
  const results = unique.map((s) => ({ ...s, m: timed(node, [API, model.dir, '--max-workers', String(s.w), '--chunk-size', String(s.c)], model.files, 'warm') }));
  const label = (r) => `${r.w} workers, ${r.c >= 1 << 20 ? `${r.c >> 20} MiB` : `${r.c >> 10} KiB`} chunks`;
  const best = results.reduce((a, b) => (b.m.wall < a.m.wall ? b : a));
  const dflt = results.find((r) => r.w === cores && r.c === 4 << 20);
  const bytes = bytesOf(model.files);
  return {
    rows: [
      ...results.map((r) => [`sweep: ${label(r)}`, gb(bytes / r.m.wall), 'GB/s', null, '', '(info)', mark(r.m)]),
      [`sweep: default (${label(dflt)}) vs best (${label(best)})`, gb(bytes / dflt.m.wall), 'GB/s', best.m.wall / dflt.m.wall, 'x best rate', '>= 0.95'],
    ],
  };
}

/** bench/browser-hash.mjs: the page's verification time (hashing in Web Workers), median of RUNS, digests checked. */
function browserHash(dir, algorithm) {
  waitIdle();
  const r = spawnSync(process.execPath, [path.join(REPO, 'bench/browser-hash.mjs'), dir, algorithm, String(RUNS)], { encoding: 'utf8', cwd: REPO });
  try {
    return JSON.parse(r.stdout.trim().split('\n').at(-1));
  } catch {
    return { skip: `failed: ${firstLine(r.stderr) || `exit ${r.status}`}` };
  }
}

function browserRow(what, b, bytes, cliBps, vs, target) {
  if (!b || b.skip) return row(what, null, 'GB/s', null, vs, target, b?.skip ?? 'not measured');
  const bps = bytes / b.median;
  row(what, gb(bps), 'GB/s', bps / cliBps, vs, target, `digests ${b.check}`);
}

function mark(m) {
  return m.noisy ? 'noisy: other processes were busy' : '';
}

function print(note, canCold, started) {
  const lines = [];
  lines.push(`model-signing hashing benchmark${QUICK ? ' (BENCH_QUICK)' : ''}: median of ${RUNS} runs, whole-process wall time`);
  lines.push(`digest: ${note}`);
  lines.push(`cold cache: ${canCold ? coldMethod() : 'not permitted here (cold rows skipped)'}; warm runs pre-warmed with cat`);
  const head = ['measurement', 'value', 'unit', 'ratio', 'vs', 'target', 'note'];
  const body = rows.map((r) => [r.what, fmt(r.value, r.unit === 'GB/s' ? 2 : 0), r.unit, fmt(r.ref), r.refLabel ?? '', r.target ?? '', r.extra ?? '']);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => String(b[i]).length)));
  const line = (cols) => cols.map((c, i) => (i === 1 || i === 3 ? String(c).padStart(w[i]) : String(c).padEnd(w[i]))).join('  ').trimEnd();
  lines.push(line(head), line(w.map((n) => '-'.repeat(n))), ...body.map(line));
  lines.push(`bench time: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(lines.join('\n'));
}

main();
