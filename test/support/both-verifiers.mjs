// The same verification through the Node API (verifying.Config) and through the browser bundle's core (run in
// Node, see browser-core.mjs), reduced to what must agree: verdict, error code and message, the per-file report,
// the signer and the warnings.
import * as verifying from '../../dist/api/verifying.js';
import { browserVerify } from './browser-core.mjs';

export async function nodeVerify(modelPath, sigPath, o) {
  try {
    const c = new verifying.Config();
    if (o.method === 'key') c.useEllipticKeyVerifier({ publicKey: o.publicKey });
    else if (o.method === 'certificate') c.useCertificateVerifier({ certificateChain: o.certificateChain });
    else c.useSigstoreVerifier({ identity: o.identity, oidcIssuer: o.oidcIssuer, offline: true, ...(o.trustConfig ? { trustConfig: o.trustConfig } : {}), onWarning: () => {} });
    if (o.ignoreUnsignedFiles) c.setIgnoreUnsignedFiles(true);
    return { ok: true, report: await c.verify(modelPath, sigPath) };
  } catch (e) {
    return { ok: false, code: e.code ?? 'THROWN', message: e.message, report: e.report };
  }
}

/** What both front ends must agree on: everything (a field the Node report gains must appear in the browser's). */
export function outcome(r) {
  return { ok: r.ok, code: r.code ?? null, message: r.message ?? null, report: r.report ?? null };
}

export async function bothVerify(modelPath, sigPath, o) {
  const [node, browser] = [await nodeVerify(modelPath, sigPath, o), await browserVerify(modelPath, sigPath, o)];
  return { node: outcome(node), browser: outcome(browser) };
}
