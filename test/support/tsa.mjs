// A real RFC 3161 timestamp authority on 127.0.0.1: `openssl ts -reply` behind a small HTTP
// handler, with its own CA (EC P-256). Paths select misbehaviour for the bad-input tests:
//   /            a correct answer
//   /hang        no answer at all
//   /http-500    HTTP 500
//   /not-der     200 with text
//   /mods        status grantedWithMods (patched into a real answer)
//   /rejection   status rejection, no token
//   /imprint     a real answer over other bytes (same nonce)
//   /nonce       a real answer with another nonce (same bytes)
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import fs from 'node:fs';
import { promisify } from 'node:util';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { TestPki } from './crypto-pki.mjs';

const run = promisify(execFile);

/** openssl's UTCTime/GeneralizedTime for `openssl ca -startdate/-enddate`. */
export function opensslTime(date) {
  return date.toISOString().replace(/[-:T]/g, '').replace(/\.\d+Z$/, 'Z');
}

const TSA_EXT = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=critical,timeStamping'];

/**
 * Starts a TSA. `pki`: a TestPki to create keys in (one is made if absent); `tsaStart`/`tsaEnd`:
 * validity of the TSA's own certificate (Date); `name`: its CN; `keyType`: a TestPki key type;
 * `extraCerts`: a PEM file of more certificates to put in every answer.
 */
export async function startTsa({ pki = new TestPki(), name = 'Test TSA', tsaStart, tsaEnd, keyType = 'p256', extraCerts } = {}) {
  const caName = `${name} Root`;
  const ca = pki.identity(`${slug(name)}-ca`, { cn: caName, ca: true });
  const tsaKey = pki.key(`${slug(name)}-tsa`, keyType);
  const tsaCert = pki.cert(`${slug(name)}-tsa`, {
    key: tsaKey,
    cn: name,
    issuer: ca,
    ext: TSA_EXT,
    ...(tsaStart ? { start: opensslTime(tsaStart) } : {}),
    ...(tsaEnd ? { end: opensslTime(tsaEnd) } : {}),
  });
  const dir = pki.dir;
  const cfg = pki.file(`${slug(name)}-ts.cnf`);
  fs.writeFileSync(pki.file(`${slug(name)}-tsaserial`), '01\n');
  fs.writeFileSync(
    cfg,
    [
      '[ tsa ]',
      'default_tsa = tsa_config',
      '[ tsa_config ]',
      `serial = ${pki.file(`${slug(name)}-tsaserial`)}`,
      'crypto_device = builtin',
      `signer_cert = ${tsaCert}`,
      `signer_key = ${tsaKey}`,
      'signer_digest = sha256',
      'default_policy = 1.2.3.4.1',
      'digests = sha256, sha384, sha512',
      'accuracy = secs:1',
      'ordering = no',
      'tsa_name = yes',
      'ess_cert_id_chain = no',
      'ess_cert_id_alg = sha256',
      ...(extraCerts ? [`certs = ${extraCerts}`] : []),
      '',
    ].join('\n'),
  );
  let n = 0;
  const requests = [];
  const reply = async (query) => {
    const id = ++n;
    const q = pki.file(`${slug(name)}-q${id}.der`);
    const r = pki.file(`${slug(name)}-r${id}.der`);
    fs.writeFileSync(q, query);
    await run('openssl', ['ts', '-reply', '-config', cfg, '-queryfile', q, '-out', r]);
    return fs.readFileSync(r);
  };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const query = Buffer.concat(chunks);
      requests.push({ path: req.url, contentType: req.headers['content-type'], query });
      try {
        let body;
        switch (req.url) {
          case '/hang':
            return; // never answers (the client's timeout must end the wait)
          case '/http-500':
            res.writeHead(500, 'Internal Server Error');
            return res.end('broken');
          case '/not-der':
            body = Buffer.from('<html>this is not a timestamp</html>');
            break;
          case '/mods':
            body = withStatus(await reply(query), 1);
            break;
          case '/rejection':
            body = Buffer.from(new pkijs.TimeStampResp({ status: new pkijs.PKIStatusInfo({ status: 2 }) }).toSchema().toBER());
            break;
          case '/imprint':
            body = await reply(alterQuery(query, (r) => {
              const h = Buffer.from(r.messageImprint.hashedMessage.valueBlock.valueHexView);
              h[0] ^= 0xff;
              r.messageImprint.hashedMessage = new asn1js.OctetString({ valueHex: h });
            }));
            break;
          case '/nonce':
            body = await reply(alterQuery(query, (r) => {
              r.nonce = new asn1js.Integer({ value: 12345 });
            }));
            break;
          default:
            body = await reply(query);
        }
        res.writeHead(200, { 'content-type': 'application/timestamp-reply' });
        res.end(body);
      } catch (e) {
        res.writeHead(500);
        res.end(String(e));
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  const sockets = new Set();
  server.on('connection', (c) => {
    sockets.add(c);
    c.on('close', () => sockets.delete(c));
  });
  return {
    url,
    dir,
    pki,
    /** The CA to trust (PEM file). */
    caCert: ca.cert,
    /** The TSA's own certificate (PEM file). */
    tsaCert,
    requests,
    close: () =>
      new Promise((resolve) => {
        for (const c of sockets) c.destroy(); // a /hang request would keep the server open
        server.close(resolve);
      }),
  };
}

function slug(s) {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

function alterQuery(der, change) {
  const req = pkijs.TimeStampReq.fromBER(new Uint8Array(der));
  change(req);
  return Buffer.from(req.toSchema().toBER());
}

/** A granted answer with its PKIStatus changed (the token stays as signed). */
function withStatus(der, status) {
  const resp = pkijs.TimeStampResp.fromBER(new Uint8Array(der));
  resp.status = new pkijs.PKIStatusInfo({ status });
  return Buffer.from(resp.toSchema().toBER());
}
