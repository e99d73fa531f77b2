// Drives the built verification page (dist/browser/verify.html) in Debian's headless Chromium with puppeteer-core:
// choose the files as a user would (the folder picker, the file inputs), click Verify, read the verdict, and keep a
// screenshot per verdict in test-artifacts/browser/.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './cli.mjs';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const haveChromium = fs.existsSync(CHROMIUM);
export const NO_CHROMIUM = `Chromium not found at ${CHROMIUM} (apt-get install chromium; CHROMIUM_PATH overrides)`;
export const PAGE_URL = pathToFileURL(path.join(repoRoot, 'dist', 'browser', 'verify.html')).href;
export const ARTIFACTS = path.join(repoRoot, 'test-artifacts', 'browser');

export async function launch() {
  const { default: puppeteer } = await import('puppeteer-core');
  // --no-sandbox: the tests run as root in CI containers, where Chromium's sandbox cannot start.
  return puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

/**
 * One verification through the page. `o`: { dir | file, signature?, method, publicKey?, caFiles?, identity?,
 * issuer?, ignoreUnsigned?, url? }. Returns the verdict as a user sees it, plus the network requests made.
 */
export async function verifyInPage(browser, o, shot) {
  const page = await browser.newPage();
  const requests = [];
  const errors = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.setViewport({ width: 900, height: 900 });
    await page.goto(o.url ?? PAGE_URL);
    if (o.dir) await (await page.$('#model-dir')).uploadFile(o.dir);
    if (o.file) await (await page.$('#model-file')).uploadFile(o.file);
    if (o.signature) await (await page.$('#signature')).uploadFile(o.signature);
    await page.click(`input[name=method][value=${o.method}]`);
    if (o.publicKey) await (await page.$('#public-key-file')).uploadFile(o.publicKey);
    if (o.caFiles) await (await page.$('#ca-files')).uploadFile(...o.caFiles);
    if (o.identity !== undefined) await page.type('#identity', o.identity);
    if (o.issuer !== undefined) await page.type('#issuer', o.issuer);
    if (o.ignoreUnsigned) await page.click('#ignore-unsigned');
    // Keyboard, as a user without a mouse would: focus the button and press Enter.
    await page.focus('#verify');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.body.dataset.done === '1', { timeout: 120_000 });
    const result = await page.evaluate(() => {
      const v = document.getElementById('verdict');
      const rows = [...document.querySelectorAll('#report tbody tr')].map((tr) => [...tr.cells].slice(0, 2).map((c) => c.textContent));
      const dl = {};
      const dts = [...(v?.querySelectorAll('dt') ?? [])];
      for (const dt of dts) dl[dt.textContent] = dt.nextElementSibling?.textContent;
      return {
        heading: v?.querySelector('h2')?.textContent ?? '',
        text: v?.innerText ?? '',
        code: v?.dataset.code ?? null,
        rows,
        details: dl,
        hashing: document.body.dataset.hashing ?? null,
        modelStatus: document.getElementById('model-status').textContent,
        signatureStatus: document.getElementById('signature-status').textContent,
      };
    });
    if (shot) {
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, `${shot}.png`), fullPage: true });
    }
    return { ...result, requests, errors };
  } finally {
    await page.close();
  }
}
