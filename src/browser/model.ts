/**
 * "A model" for the platform-neutral verifier: a list of entries, each a name and something that reads a byte
 * range (a Blob: a `File` from a file picker or a drop, a file of a `FileSystemDirectoryHandle`, or any Blob).
 * Adapters from the browser's ways of handing over files live here; nothing is uploaded or copied.
 */
import { ModelSigningError } from '../errors.js';
import { unsafePathReason } from '../statement.js';

export interface ModelEntry {
  /** Canonical model-relative name, '/'-separated; for a single-file model, the file's name. */
  name: string;
  size: number;
  /** Reads the bytes: `blob.slice(start, end)`. Blobs can be handed to Web Workers without copying. */
  blob: Blob;
}

export interface BrowserModel {
  /** Informational model name (the folder's or the file's name). */
  name: string;
  /** A single file was given (its resource name is its own name), not a folder. */
  singleFile: boolean;
  entries: ModelEntry[];
}

/** What `verify({ files })` accepts. */
export type ModelInput = BrowserModel | FileSystemDirectoryHandle | ArrayLike<File> | Iterable<File>;

function checkName(name: string): string {
  const why = unsafePathReason(name);
  if (why) throw new ModelSigningError('MODEL', `file name '${name}' ${why}`);
  return name;
}

/** Builds a model from named blobs (checks the names, refuses duplicates). */
export function modelFromEntries(name: string, entries: Array<{ name: string; blob: Blob }>, singleFile = false): BrowserModel {
  const seen = new Set<string>();
  const out: ModelEntry[] = [];
  for (const e of entries) {
    checkName(e.name);
    if (seen.has(e.name)) throw new ModelSigningError('MODEL', `file '${e.name}' is listed twice`);
    seen.add(e.name);
    out.push({ name: e.name, size: e.blob.size, blob: e.blob });
  }
  if (singleFile && out.length !== 1) throw new ModelSigningError('MODEL', 'a single-file model must hold exactly one file');
  return { name, singleFile, entries: out };
}

/**
 * Files from `<input type=file webkitdirectory>` carry `webkitRelativePath` = "folder/sub/file": the first
 * segment is the chosen folder (the model's name). One file without a relative path is a single-file model;
 * several are a flat folder.
 */
export function modelFromFileList(files: ArrayLike<File> | Iterable<File>): BrowserModel {
  const list = Array.from(files as Iterable<File>);
  if (list.length === 0) throw new ModelSigningError('MODEL', 'no files were given (an empty folder cannot be verified)');
  const rel = list.map((f) => f.webkitRelativePath || '');
  if (rel.every((r) => r === '')) {
    if (list.length === 1) return modelFromEntries(list[0]!.name, [{ name: list[0]!.name, blob: list[0]! }], true);
    return modelFromEntries('model', list.map((f) => ({ name: f.name, blob: f })));
  }
  const roots = new Set(rel.map((r) => r.split('/')[0]));
  if (roots.size !== 1 || rel.some((r) => !r.includes('/'))) {
    throw new ModelSigningError('MODEL', 'the files do not come from one folder');
  }
  const root = [...roots][0]!;
  return modelFromEntries(root, list.map((f, i) => ({ name: rel[i]!.slice(root.length + 1), blob: f })));
}

/** Walks a directory handle (File System Access API), or takes a file handle as a single-file model. */
export async function modelFromHandle(handle: FileSystemDirectoryHandle | FileSystemFileHandle): Promise<BrowserModel> {
  if (handle.kind === 'file') {
    const f = await (handle as FileSystemFileHandle).getFile();
    return modelFromEntries(f.name, [{ name: f.name, blob: f }], true);
  }
  const entries: Array<{ name: string; blob: Blob }> = [];
  const walk = async (dir: FileSystemDirectoryHandle, prefix: string): Promise<void> => {
    // `values()` is in every browser with the API, but not yet in TypeScript's DOM types.
    for await (const child of (dir as unknown as { values(): AsyncIterable<FileSystemHandle> }).values()) {
      const name = prefix + child.name;
      if (child.kind === 'directory') await walk(child as FileSystemDirectoryHandle, name + '/');
      else entries.push({ name, blob: await (child as FileSystemFileHandle).getFile() });
    }
  };
  await walk(handle as FileSystemDirectoryHandle, '');
  return modelFromEntries(handle.name, entries);
}

export function isBrowserModel(v: unknown): v is BrowserModel {
  return typeof v === 'object' && v !== null && Array.isArray((v as BrowserModel).entries) && typeof (v as BrowserModel).name === 'string';
}

export async function toBrowserModel(input: ModelInput): Promise<BrowserModel> {
  if (isBrowserModel(input)) return input;
  if (typeof (input as FileSystemHandle).kind === 'string' && typeof (input as FileSystemHandle).name === 'string') {
    return modelFromHandle(input as FileSystemDirectoryHandle);
  }
  return modelFromFileList(input as ArrayLike<File>);
}
