// Runs the browser bundle (dist/browser/index.js) in Node, on a model folder or file on disk: each file
// becomes a Blob (fs.openAsBlob, read lazily) and digests are computed in this thread, so the same verifier code
// the page runs can be compared with the Node verifier on the same inputs.
import fs from 'node:fs';
import path from 'node:path';

export const browserCore = await import('../../dist/browser/index.js');

function walk(dir, prefix, out) {
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, d.name);
    if (d.isDirectory()) walk(full, `${prefix}${d.name}/`, out);
    else if (d.isFile()) out.push({ name: prefix + d.name, full });
  }
  return out;
}

/** A BrowserModel for a folder or a single file on disk. */
export async function modelFromDisk(modelPath) {
  const st = fs.statSync(modelPath);
  if (st.isFile()) {
    const name = path.basename(modelPath);
    return browserCore.modelFromEntries(name, [{ name, blob: await fs.openAsBlob(modelPath) }], true);
  }
  const files = walk(modelPath, '', []);
  const entries = await Promise.all(files.map(async (f) => ({ name: f.name, blob: await fs.openAsBlob(f.full) })));
  return browserCore.modelFromEntries(path.basename(path.resolve(modelPath)), entries);
}

/**
 * verify() of the browser bundle with Node-side inputs: key/chain files are read as PEM text, the signature as
 * bytes; a signature inside the model is excluded as the CLI does. Resolves { ok, report } or { code, message }.
 */
export async function browserVerify(modelPath, sigPath, o) {
  try {
    const inside = path.relative(path.resolve(modelPath), path.resolve(sigPath));
    const signatureName = !inside.startsWith('..') && !path.isAbsolute(inside) && inside !== '' ? inside.split(path.sep).join('/') : undefined;
    const r = await browserCore.verify({
      files: await modelFromDisk(modelPath),
      signature: fs.readFileSync(sigPath),
      method: o.method,
      ...(signatureName ? { signatureName } : {}),
      ...(o.publicKey ? { publicKey: fs.readFileSync(o.publicKey, 'latin1'), publicKeyName: o.publicKey } : {}),
      ...(o.certificateChain ? { certificateChain: o.certificateChain.map((p) => fs.readFileSync(p, 'latin1')), certificateChainNames: o.certificateChain } : {}),
      ...(o.identity !== undefined ? { identity: o.identity, oidcIssuer: o.oidcIssuer } : {}),
      ...(o.trustConfig ? { trustConfig: fs.readFileSync(o.trustConfig, 'utf8') } : {}),
      ...(o.ignoreUnsignedFiles ? { ignoreUnsignedFiles: true } : {}),
      digester: browserCore.inThreadDigester,
    });
    return { ok: true, report: r };
  } catch (e) {
    return { ok: false, code: e.code ?? 'THROWN', message: e.message, report: e.report };
  }
}
