// The verification page in Firefox (Debian's firefox-esr, headless, driven over WebDriver BiDi by puppeteer-core).
// WebDriver cannot hand a folder to a folder picker, so the flat reference vectors are given as the page's folder
// input's file list (DataTransfer, as a drop would); key and CA files go through their file inputs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { haveVectors, mt, pki, NO_VECTORS } from './support/flow-helpers.mjs';
import { PAGE_URL } from './support/browser-page.mjs';

const FIREFOX = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr';
const skip = !fs.existsSync(FIREFOX) ? `Firefox not found at ${FIREFOX} (apt-get install firefox-esr; FIREFOX_PATH overrides)` : !haveVectors && NO_VECTORS;
let browser;
before(async () => {
  if (skip) return;
  const { default: puppeteer } = await import('puppeteer-core');
  browser = await puppeteer.launch({ browser: 'firefox', executablePath: FIREFOX, headless: true });
});
after(async () => browser?.close());

/** The top-level files of a vector folder, optionally with one byte of one file flipped. */
function flatFiles(dir, flip) {
  return fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isFile()).map((d) => {
    const bytes = fs.readFileSync(path.join(dir, d.name));
    if (d.name === flip) bytes[0] ^= 1;
    return { name: d.name, b64: bytes.toString('base64') };
  });
}

async function verifyInFirefox(dir, o, flip) {
  const page = await browser.newPage();
  try {
    await page.goto(PAGE_URL);
    await page.evaluate((files) => {
      const dt = new DataTransfer();
      for (const f of files) dt.items.add(new File([Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0))], f.name));
      const input = document.getElementById('model-dir');
      input.files = dt.files;
      input.dispatchEvent(new Event('change'));
    }, flatFiles(dir, flip));
    await page.click(`input[name=method][value=${o.method}]`);
    if (o.publicKey) await (await page.$('#public-key-file')).uploadFile(o.publicKey);
    if (o.ca) await (await page.$('#ca-files')).uploadFile(o.ca);
    if (o.identity) {
      await page.type('#identity', o.identity);
      await page.type('#issuer', o.issuer);
    }
    await page.click('#verify');
    await page.waitForFunction(() => document.body.dataset.done === '1', { timeout: 120_000 });
    return await page.evaluate(() => ({
      heading: document.querySelector('#verdict h2')?.textContent,
      text: document.getElementById('verdict')?.innerText,
      rows: [...document.querySelectorAll('#report tbody tr')].map((tr) => [...tr.cells].slice(0, 2).map((c) => c.textContent)),
      hashing: document.body.dataset.hashing,
      signature: document.getElementById('signature-status').textContent,
    }));
  } finally {
    await page.close();
  }
}

const CASES = [
  ['v1.1.0-sigstore', { method: 'sigstore', identity: 'stefanb@us.ibm.com', issuer: 'https://sigstore.verify.ibm.com/oauth2' }],
  ['v1.1.0-elliptic-key', { method: 'key', publicKey: path.join(pki, 'signing-key-pub.pem') }],
  ['v1.1.0-certificate', { method: 'certificate', ca: path.join(pki, 'ca-cert.pem') }],
];

for (const [name, o] of CASES) {
  test(`Firefox: vector ${name} verifies, and a changed byte is reported`, { skip }, async () => {
    const dir = path.join(mt, name);
    let r = await verifyInFirefox(dir, o);
    assert.equal(r.heading, 'Verified: the model matches its signature', r.text);
    assert.match(r.signature, /Using 'model\.sig' found in the model folder/);
    assert.equal(r.hashing, 'workers');
    r = await verifyInFirefox(dir, o, 'signme-2');
    assert.equal(r.heading, 'NOT verified: the model does not match its signature', r.text);
    assert.deepEqual(r.rows, [['changed', 'signme-2']]);
  });
}
