#!/usr/bin/env node
// The browser verifier's hashing throughput: `node bench/browser-hash.mjs MODEL_DIR ALGORITHM RUNS` verifies
// MODEL_DIR in the built page (dist/browser/verify.html) in headless Chromium, RUNS times, against a key
// signature whose manifest lists every file with a placeholder digest: the page hashes the whole model in its
// Web Workers, then reports every file as changed with its local digest, which is checked here against our
// Node hashing. Prints JSON: { median, runs, check } (seconds; check 'ok' or what differed), or { skip }.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import crypto from 'node:crypto';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const [modelDir, algorithm = 'sha256', runsArg = '3'] = process.argv.slice(2);
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!fs.existsSync(CHROMIUM)) {
  console.log(JSON.stringify({ skip: `Chromium not found at ${CHROMIUM}` }));
  process.exit(0);
}
const { default: puppeteer } = await import('puppeteer-core');
const { EllipticKeySigner } = await import(path.join(REPO, 'dist/signers/key.js'));
const { softwareSigningKey } = await import(path.join(REPO, 'dist/keys.js'));
const hashing = await import(path.join(REPO, 'dist/api/hashing.js'));

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ms-bench-browser-'));
try {
  const expected = await new hashing.Config().useFileSerialization({ hashAlgorithm: algorithm }).hash(modelDir);
  const width = expected.resources[0].digest.length;
  const resources = expected.resources.map((r) => ({ name: r.name, algorithm, digest: '0'.repeat(width) }));
  const root = crypto.createHash('sha256');
  for (const r of resources) root.update(Buffer.from(r.digest, 'hex'));
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: path.basename(modelDir), digest: { sha256: root.digest('hex') } }],
    predicateType: 'https://model_signing/signature/v1.0',
    predicate: { resources, serialization: { method: 'files', hash_type: algorithm, allow_symlinks: false } },
  };
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const bundle = await new EllipticKeySigner(softwareSigningKey(privateKey)).sign(Buffer.from(JSON.stringify(statement)));
  const sig = path.join(work, 'model.sig');
  const pub = path.join(work, 'key.pub.pem');
  fs.writeFileSync(sig, JSON.stringify(bundle));
  fs.writeFileSync(pub, publicKey.export({ type: 'spki', format: 'pem' }));

  const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  const times = [];
  let check = 'ok';
  try {
    for (let i = 0; i < Number(runsArg); i++) {
      const page = await browser.newPage();
      await page.goto(`file://${path.join(REPO, 'dist/browser/verify.html')}`);
      await (await page.$('#model-dir')).uploadFile(modelDir);
      await (await page.$('#signature')).uploadFile(sig);
      await page.click('input[name=method][value=key]');
      await (await page.$('#public-key-file')).uploadFile(pub);
      await page.click('#verify');
      await page.waitForFunction(() => document.body.dataset.done === '1', { timeout: 600_000 });
      const r = await page.evaluate(() => ({
        seconds: Number(document.body.dataset.seconds),
        hashing: document.body.dataset.hashing,
        rows: [...document.querySelectorAll('#report tbody tr')].map((tr) => [...tr.cells].map((c) => c.textContent)),
      }));
      await page.close();
      const got = new Map(r.rows.map(([, name, , actual]) => [name, actual]));
      const bad = expected.resources.filter((e) => got.get(e.name) !== e.digest).map((e) => e.name);
      if (bad.length > 0 || r.hashing !== 'workers') check = bad.length > 0 ? `digests differ: ${bad.join(', ')}` : `hashed ${r.hashing}, not in workers`;
      times.push(r.seconds);
    }
  } finally {
    await browser.close();
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(JSON.stringify({ median: sorted[Math.floor(sorted.length / 2)], runs: times, check }));
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
