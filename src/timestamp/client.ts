/**
 * RFC 3161 client: asks a timestamp authority over HTTP to stamp some bytes and checks the answer
 * completely (status, message imprint, nonce, the TSA's certificate and signature) before the
 * caller uses it. Every failure is one line naming the TSA's URL.
 */
import { ModelSigningError, errorMessage } from '../errors.js';
import { oneLine } from '../oidc/ambient.js';
import { buildTimestampRequest } from './request.js';
import { TimestampProblem, checkTokenSignature, findSigner, parseTimestamp, statusName } from './token.js';
import { hasTimeStampingUsage } from './usage.js';

/** A TimeStampResp is a few KiB; this bounds what a misbehaving server can make us hold. */
export const MAX_TIMESTAMP_RESPONSE_BYTES = 256 * 1024;
export const DEFAULT_TSA_TIMEOUT_MS = 20_000;

/** Refuses anything but an absolute http(s) URL, before any work is done. */
export function checkTsaUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new ModelSigningError('USAGE', `invalid timestamp authority URL '${url}'`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new ModelSigningError('USAGE', `invalid timestamp authority URL '${url}': only http and https are supported`);
  }
  return u;
}

async function readBounded(res: Response, url: string): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > MAX_TIMESTAMP_RESPONSE_BYTES) {
    await res.body?.cancel();
    throw failed(url, `answered with ${declared} bytes, more than the ${MAX_TIMESTAMP_RESPONSE_BYTES} a timestamp may have`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.body ?? []) {
    total += (chunk as Uint8Array).length;
    if (total > MAX_TIMESTAMP_RESPONSE_BYTES) {
      await res.body?.cancel();
      throw failed(url, `answered with more than the ${MAX_TIMESTAMP_RESPONSE_BYTES} bytes a timestamp may have`);
    }
    chunks.push(Buffer.from(chunk as Uint8Array));
  }
  return Buffer.concat(chunks);
}

function failed(url: string, what: string): ModelSigningError {
  return new ModelSigningError('SIGNING', `timestamp authority ${url} ${what}`);
}

/** Why fetch failed, from undici's cause chain ("connect ECONNREFUSED 127.0.0.1:9"). */
function networkReason(e: unknown): string {
  let cur: unknown = e;
  let last = errorMessage(e);
  for (let i = 0; i < 4 && cur instanceof Error; i++) {
    last = cur.message || last;
    cur = cur.cause;
  }
  return oneLine(last, 200);
}

/**
 * Returns the DER TimeStampResp over `data` (SHA-256 imprint), checked: status granted, imprint
 * and nonce as sent, TSA certificate embedded with extended key usage timeStamping, signature
 * valid. Trust in the TSA is the verifier's decision, not checked here.
 */
export async function requestTimestamp(url: string, data: Buffer, o: { timeoutMs?: number } = {}): Promise<Buffer> {
  checkTsaUrl(url);
  const req = await buildTimestampRequest(data);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
      body: req.der,
      redirect: 'error',
      signal: AbortSignal.timeout(o.timeoutMs ?? DEFAULT_TSA_TIMEOUT_MS),
    });
  } catch (e) {
    if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')) {
      throw new ModelSigningError('SIGNING', `timestamp authority ${url} did not answer within ${(o.timeoutMs ?? DEFAULT_TSA_TIMEOUT_MS) / 1000} s`);
    }
    throw new ModelSigningError('SIGNING', `cannot reach timestamp authority ${url}: ${networkReason(e)}`, { cause: e });
  }
  if (res.status !== 200) {
    await res.body?.cancel();
    throw failed(url, `answered HTTP ${res.status}${res.statusText ? ` ${oneLine(res.statusText, 80)}` : ''}`);
  }
  let der: Buffer;
  try {
    der = await readBounded(res, url);
  } catch (e) {
    if (e instanceof ModelSigningError) throw e;
    throw new ModelSigningError('SIGNING', `timestamp authority ${url}: reading the answer failed: ${networkReason(e)}`, { cause: e });
  }
  try {
    checkResponse(der, data, req.nonce);
  } catch (e) {
    // Anything else a hostile answer could provoke is still a one-line answer problem, not a crash.
    throw failed(url, `gave an unusable answer: ${e instanceof TimestampProblem ? e.message : oneLine(errorMessage(e), 200)}`);
  }
  return der;
}

function checkResponse(der: Buffer, data: Buffer, nonce: Buffer): void {
  const ts = parseTimestamp(der);
  if (ts.status !== 0) {
    // granted-with-mods is refused too: we asked for nothing that may be modified.
    throw new TimestampProblem(`status '${statusName(ts.status)}' (${ts.status}), not 'granted'`, 'status');
  }
  if (!ts.nonce || !ts.nonce.equals(nonce)) {
    throw new TimestampProblem(ts.nonce ? 'the nonce differs from the one sent (a replayed or foreign answer)' : 'the answer carries no nonce', 'nonce');
  }
  const signer = findSigner(ts, ts.embedded);
  if (!signer) throw new TimestampProblem('the TSA did not include its certificate although asked to (certReq)', 'signer');
  if (!hasTimeStampingUsage(signer)) {
    throw new TimestampProblem("the TSA's certificate lacks extended key usage timeStamping", 'signer');
  }
  checkTokenSignature(ts, data, signer);
}
