/** The static verification page: collects the model, signature and trust input, runs verify(), shows the verdict. */
import { defaultDigester, hashingStats } from '../index.js';
import { ModelSigningError, errorMessage } from '../../errors.js';
import { VerificationMismatchError, mismatchSummary, type VerificationReport } from '../../verify-model.js';
import { describeSigstoreBundle } from '../../verifiers/sigstore-describe.js';
import { modelFromEntries, modelFromFileList, type BrowserModel } from '../model.js';
import { readSignature, verify, type VerifyMethod } from '../verify.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;

interface State {
  model?: BrowserModel;
  /** The signature found inside the model folder, and its model-relative name. */
  innerSignature?: { name: string; blob: Blob };
}
const state: State = {};

const SIGNATURE_NAMES = ['model.sig'];

function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} bytes` : `${v.toFixed(1)} ${units[i]}`;
}

function setModel(model: BrowserModel): void {
  state.model = model;
  const top = model.singleFile ? undefined : model.entries.find((e) => SIGNATURE_NAMES.includes(e.name)) ?? uniqueTopLevelSig(model);
  state.innerSignature = top ? { name: top.name, blob: top.blob } : undefined;
  const total = model.entries.reduce((n, e) => n + e.size, 0);
  const what = model.singleFile ? `file '${model.name}'` : `folder '${model.name}': ${model.entries.length} files`;
  $('model-status').textContent = `Model: ${what}, ${formatBytes(total)}.`;
  $('signature-status').textContent = state.innerSignature
    ? `Using '${state.innerSignature.name}' found in the model folder (choose another file to override).`
    : $<HTMLInputElement>('signature').files?.length
      ? `Signature: ${$<HTMLInputElement>('signature').files![0]!.name}.`
      : 'No signature chosen.';
}

function uniqueTopLevelSig(model: BrowserModel): BrowserModel['entries'][number] | undefined {
  const sigs = model.entries.filter((e) => !e.name.includes('/') && e.name.endsWith('.sig'));
  return sigs.length === 1 ? sigs[0] : undefined;
}

// ---------------------------------------------------------------------------------------------
// Choosing and dropping

function onFiles(input: HTMLInputElement): void {
  try {
    if (input.files && input.files.length > 0) setModel(modelFromFileList(input.files));
  } catch (e) {
    showError(e);
  }
}

async function entryFiles(entry: FileSystemEntry, prefix: string, out: Array<{ name: string; blob: Blob }>): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((res, rej) => (entry as FileSystemFileEntry).file(res, rej));
    out.push({ name: prefix + entry.name, blob: file });
    return;
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  for (;;) {
    // readEntries returns the children in batches until an empty one.
    const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
    if (batch.length === 0) break;
    for (const child of batch) await entryFiles(child, `${prefix}${entry.name}/`, out);
  }
}

async function onDrop(ev: DragEvent): Promise<void> {
  ev.preventDefault();
  $('drop').classList.remove('over');
  const items = [...(ev.dataTransfer?.items ?? [])].map((i) => i.webkitGetAsEntry()).filter((e): e is FileSystemEntry => e !== null);
  try {
    if (items.length !== 1) throw new ModelSigningError('USAGE', 'drop one folder or one file');
    const entry = items[0]!;
    const files: Array<{ name: string; blob: Blob }> = [];
    if (entry.isFile) {
      await entryFiles(entry, '', files);
      setModel(modelFromEntries(entry.name, files, true));
    } else {
      await entryFiles(entry, '', files);
      const strip = entry.name.length + 1;
      setModel(modelFromEntries(entry.name, files.map((f) => ({ name: f.name.slice(strip), blob: f.blob }))));
    }
  } catch (e) {
    showError(e);
  }
}

// ---------------------------------------------------------------------------------------------
// Verdict

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function details(rows: Array<[string, string | undefined]>): HTMLDListElement {
  const dl = el('dl');
  for (const [k, v] of rows) {
    if (v === undefined || v === '') continue;
    dl.append(el('dt', k), el('dd', v));
  }
  return dl;
}

/** When it was signed, from the (now verified) Sigstore evidence: the log's time and the timestamp authority's. */
function signedWhen(bundle: Record<string, unknown>, method: VerifyMethod): string {
  if (method !== 'sigstore') return 'not recorded (key and certificate signatures carry no trusted time)';
  const d = describeSigstoreBundle(bundle);
  const when = (t: Date): string => t.toISOString().replace('.000Z', 'Z');
  const times = [
    ...d.tlogEntries.flatMap((t) => (t.integratedTime ? [`${when(t.integratedTime)} (transparency log)`] : [])),
    ...d.timestamps.map((t) => `${when(t)} (timestamp authority)`),
  ];
  if (times.length === 0) return d.certificateNotBefore ? `${when(d.certificateNotBefore)} (certificate issued)` : 'unknown';
  return times.join(', ');
}

function renderReport(r: VerificationReport, bundle: Record<string, unknown>, method: VerifyMethod): void {
  const box = el('div', undefined, `verdict ${r.ok ? 'ok' : 'fail'}`);
  box.id = 'verdict';
  box.append(el('h2', r.ok ? 'Verified: the model matches its signature' : 'NOT verified: the model does not match its signature'));
  if (!r.ok) box.append(el('p', mismatchSummary(r), 'summary'));
  box.append(
    details([
      ['Signed by', r.signer.identity ?? r.signer.description],
      ['OIDC issuer', r.signer.issuer],
      ['Method', r.signer.method],
      ['Signed at', signedWhen(bundle, method)],
      ['Model name (signed)', r.modelName],
      ['Resources', `${r.resourceCount} (${r.serialization.method}, ${r.serialization.hashType})`],
      ['Root digest', r.rootDigest ?? undefined],
    ]),
  );
  if (!r.ok) {
    const table = el('table');
    table.id = 'report';
    table.createCaption().textContent = 'What differs';
    const head = table.createTHead().insertRow();
    for (const h of ['Problem', 'File', 'Signed digest', 'Local digest']) head.append(el('th', h));
    const body = table.createTBody();
    const row = (kind: string, name: string, a = '', b = ''): void => {
      const tr = body.insertRow();
      tr.append(el('td', kind), el('td', name), el('td', a, 'digest'), el('td', b, 'digest'));
    };
    for (const m of r.mismatches) row('changed', m.name, m.expected ?? '(none)', m.actual ?? '(none)');
    for (const f of r.missingFiles) row('missing', f);
    for (const f of r.extraFiles) row('extra (not signed)', f);
    box.append(table);
  }
  if (r.warnings.length > 0) {
    const ul = el('ul');
    for (const w of r.warnings) ul.append(el('li', `Warning: ${w}`));
    box.append(ul);
  }
  show(box);
}

/** Shows the verdict and moves focus to it, so keyboard and screen-reader users land on the answer. */
function show(box: HTMLElement): void {
  box.tabIndex = -1;
  $('result').replaceChildren(box);
  box.focus();
}

function showError(e: unknown): void {
  const box = el('div', undefined, 'verdict fail');
  box.id = 'verdict';
  const code = e instanceof ModelSigningError ? e.code : 'INTERNAL';
  box.append(el('h2', 'NOT verified'), el('p', `Error (${code}): ${errorMessage(e)}`));
  box.dataset['code'] = code;
  show(box);
}

// ---------------------------------------------------------------------------------------------
// Running

const fileText = async (input: HTMLInputElement): Promise<string[]> => Promise.all([...(input.files ?? [])].map((f) => f.text()));

async function run(): Promise<void> {
  const method = (document.querySelector('input[name=method]:checked') as HTMLInputElement).value as VerifyMethod;
  const button = $<HTMLButtonElement>('verify');
  const progress = $<HTMLProgressElement>('progress');
  button.disabled = true;
  $('result').replaceChildren(el('p', 'Verifying…'));
  try {
    if (!state.model) throw new ModelSigningError('USAGE', 'choose the model folder or file first');
    const picked = $<HTMLInputElement>('signature').files?.[0];
    const sigBlob = picked ?? state.innerSignature?.blob;
    if (!sigBlob) throw new ModelSigningError('USAGE', 'choose the signature file (no model.sig was found in the folder)');
    const bundle = await readSignature(sigBlob, picked?.name ?? state.innerSignature!.name);
    const keyText = [...(await fileText($('public-key-file'))), $<HTMLTextAreaElement>('public-key').value].find((t) => t.trim() !== '');
    const caTexts = [...(await fileText($('ca-files'))), $<HTMLTextAreaElement>('ca-text').value].filter((t) => t.trim() !== '');
    const trustConfig = (await fileText($('trust-config')))[0];
    $('progress-section').hidden = false;
    const started = performance.now();
    const inner = !picked && state.innerSignature ? state.innerSignature.name : undefined;
    try {
      const r = await verify({
        files: state.model,
        signature: bundle,
        method,
        ...(inner ? { signatureName: inner } : {}),
        ...(keyText ? { publicKey: keyText } : {}),
        certificateChain: caTexts,
        identity: $<HTMLInputElement>('identity').value.trim(),
        oidcIssuer: $<HTMLInputElement>('issuer').value.trim(),
        ...(trustConfig !== undefined ? { trustConfig } : {}),
        useStaging: $<HTMLInputElement>('staging').checked,
        ignoreUnsignedFiles: $<HTMLInputElement>('ignore-unsigned').checked,
        digester: defaultDigester(),
        onProgress: (p) => {
          progress.value = p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : 1;
          $('progress-text').textContent = `${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}`;
        },
      });
      renderReport(r, bundle, method);
    } catch (e) {
      if (e instanceof VerificationMismatchError) renderReport(e.report, bundle, method);
      else throw e;
    }
    document.body.dataset['seconds'] = String((performance.now() - started) / 1000);
    document.body.dataset['hashing'] = hashingStats.last;
  } catch (e) {
    showError(e);
  } finally {
    button.disabled = false;
    document.body.dataset['done'] = String(Number(document.body.dataset['done'] ?? '0') + 1);
  }
}

function showMethod(): void {
  const method = (document.querySelector('input[name=method]:checked') as HTMLInputElement).value;
  for (const m of ['sigstore', 'key', 'certificate']) $(`method-${m}`).hidden = m !== method;
}

$<HTMLInputElement>('model-dir').addEventListener('change', (e) => onFiles(e.target as HTMLInputElement));
$<HTMLInputElement>('model-file').addEventListener('change', (e) => onFiles(e.target as HTMLInputElement));
$<HTMLInputElement>('signature').addEventListener('change', () => state.model && setModel(state.model));
for (const r of document.querySelectorAll('input[name=method]')) r.addEventListener('change', showMethod);
const drop = $('drop');
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => void onDrop(e));
$('form').addEventListener('submit', (e) => {
  e.preventDefault();
  void run();
});
showMethod();
