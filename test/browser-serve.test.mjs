// `model-signing serve-verifier`: serves the verification page on 127.0.0.1 only, static GET/HEAD only, with the
// page's security policy as a header; the page works from it in Chromium; bad ports are usage errors. The ESM
// bundle it serves (model-signing/browser) verifies a FileSystemDirectoryHandle in Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { runCli, spawnCli } from './support/cli.mjs';
import { haveVectors, mt, pki } from './support/flow-helpers.mjs';
import { haveChromium, launch, verifyInPage } from './support/browser-page.mjs';

async function startServer(args = ['--port', '0']) {
  const child = spawnCli(['serve-verifier', ...args]);
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d) => (out += d));
  for (let i = 0; i < 200 && !/http:\/\/\S+\//.test(out); i++) await new Promise((r) => setTimeout(r, 50));
  const url = /(http:\/\/\S+\/)/.exec(out)?.[1];
  assert.ok(url, `no URL printed: ${out}`);
  return { child, url, out };
}

function request(url, { method = 'GET', host } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname, method, headers: host ? { Host: host } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('serve-verifier: the page on 127.0.0.1, its policy as a header, nothing else served', async () => {
  const { child, url, out } = await startServer();
  try {
    assert.match(out, /^Serving the model verification page at http:\/\/127\.0\.0\.1:\d+\/ \(press Ctrl-C to stop\)$/m);
    const page = await request(url);
    assert.equal(page.status, 200);
    assert.match(page.headers['content-type'], /^text\/html/);
    assert.match(page.headers['content-security-policy'], /default-src 'none'/);
    assert.match(page.body, /<h1>Verify a signed model<\/h1>/);
    const lib = await request(new URL('model-signing.js', url).href);
    assert.equal(lib.status, 200);
    assert.match(lib.headers['content-type'], /^text\/javascript/);
    assert.equal((await request(new URL('../../etc/passwd', url).href)).status, 404);
    assert.equal((await request(new URL('dist/browser/verify.html', url).href)).status, 404);
    assert.equal((await request(url, { method: 'POST' })).status, 405);
    assert.equal((await request(url, { host: 'attacker.example:80' })).status, 421);
  } finally {
    child.kill('SIGTERM');
  }
  const [code] = await once(child, 'exit');
  assert.equal(code, 143, 'stopped by SIGTERM, as every command');
});

test('serve-verifier: the served page verifies a vector in Chromium', { skip: !(haveChromium && haveVectors) && 'needs Chromium and the vectors' }, async () => {
  const { child, url } = await startServer();
  const browser = await launch();
  try {
    const r = await verifyInPage(browser, { url, dir: path.join(mt, 'v1.1.0-elliptic-key'), method: 'key', publicKey: path.join(pki, 'signing-key-pub.pem') }, 'served-verified');
    assert.equal(r.heading, 'Verified: the model matches its signature', r.text);
    assert.deepEqual(r.requests.filter((u) => !u.startsWith(url) && !/^(blob|data):/.test(u)), []);
  } finally {
    await browser.close();
    child.kill('SIGTERM');
  }
});

test('serve-verifier: a bad port is a usage error, a busy one an error naming it', async () => {
  let r = runCli(['serve-verifier', '--port', 'http']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /expected a port number/);
  r = runCli(['serve-verifier', '--port', '70000']);
  assert.equal(r.status, 2);
  const busy = net.createServer().listen(0, '127.0.0.1');
  await once(busy, 'listening');
  try {
    const port = busy.address().port;
    const child = spawnCli(['serve-verifier', '--port', String(port)]);
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const [code] = await once(child, 'exit');
    assert.equal(code, 1);
    assert.match(err, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
  } finally {
    busy.close();
  }
});

test('the model-signing/browser bundle in Chromium: verify() of a directory handle, and a mismatch with its report', { skip: !(haveChromium && haveVectors) && 'needs Chromium and the vectors' }, async () => {
  const { child, url } = await startServer();
  const browser = await launch();
  try {
    const page = await browser.newPage();
    await page.setBypassCSP(true); // the page's policy allows inline scripts only; this test imports the bundle
    await page.goto(url);
    const dir = path.join(mt, 'v1.1.0-elliptic-key');
    const files = ['signme-1', 'signme-2', 'model.sig'].map((name) => ({ name, b64: fs.readFileSync(path.join(dir, name)).toString('base64') }));
    const publicKey = fs.readFileSync(path.join(pki, 'signing-key-pub.pem'), 'latin1');
    const r = await page.evaluate(async (files, publicKey) => {
      const lib = await import('/model-signing.js');
      // A FileSystemDirectoryHandle, as showDirectoryPicker() gives one (here from the origin's private storage).
      const root = await (await navigator.storage.getDirectory()).getDirectoryHandle('my-model', { create: true });
      const write = async (name, bytes) => {
        const w = await (await root.getFileHandle(name, { create: true })).createWritable();
        await w.write(bytes);
        await w.close();
      };
      for (const f of files) await write(f.name, Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0)));
      const signature = await (await root.getFileHandle('model.sig')).getFile();
      const ok = await lib.verify({ files: root, signature, signatureName: 'model.sig', method: 'key', publicKey });
      await write('extra.bin', new Uint8Array([1, 2, 3]));
      let failed;
      try {
        await lib.verify({ files: root, signature, signatureName: 'model.sig', method: 'key', publicKey });
      } catch (e) {
        failed = { code: e.code, name: e.name, extra: e.report?.extraFiles, message: e.message };
      }
      return { ok: ok.ok, signer: ok.signer.description, failed };
    }, files, publicKey);
    assert.equal(r.ok, true);
    assert.match(r.signer, /^EC P-384 public key e8450dec/);
    assert.deepEqual(r.failed, {
      code: 'MISMATCH',
      name: 'VerificationMismatchError',
      extra: ['extra.bin'],
      message: "the model does not match its signature: 1 unsigned file(s): 'extra.bin'",
    });
  } finally {
    await browser.close();
    child.kill('SIGTERM');
  }
});
