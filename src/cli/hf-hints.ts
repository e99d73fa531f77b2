/**
 * Hugging Face `--local-dir` downloads keep per-file metadata in `<dir>/.cache/huggingface/`, which
 * changes whenever files are re-downloaded. It is never excluded silently (that would change what
 * is hashed, and digests must stay compatible with other implementations); these hints say which
 * flag leaves it out.
 */
import { join } from 'node:path';
import type { VerificationReport } from '../verify-model.js';
import type { Manifest } from '../manifest.js';

export const HF_METADATA_DIR = '.cache/huggingface';
const under = (name: string) => name === HF_METADATA_DIR || name.startsWith(`${HF_METADATA_DIR}/`);
const flag = (modelPath: string) => `--ignore-paths ${join(modelPath, HF_METADATA_DIR)}`;

/** After signing: a note when the signature covers the metadata. */
export function signedMetadataNote(m: Manifest, modelPath: string): string | null {
  const n = m.resources.filter((r) => under(r.name)).length;
  if (n === 0) return null;
  return `note: the signature covers ${n} Hugging Face download metadata file(s) in '${HF_METADATA_DIR}/', which change when the model is downloaded again; sign with ${flag(modelPath)} to leave them out`;
}

/** After a failed verification: which flag to use when the differences are the metadata. */
export function metadataVerifyHint(r: VerificationReport, modelPath: string): string | null {
  const extra = r.extraFiles.filter(under).length;
  const signed = [...r.mismatches.map((m) => m.name), ...r.missingFiles].filter(under).length;
  if (extra > 0 && signed === 0) {
    return `hint: ${extra} unsigned file(s) are Hugging Face download metadata ('${HF_METADATA_DIR}/', written by 'huggingface-cli download --local-dir'); verify with ${flag(modelPath)}`;
  }
  if (signed > 0) {
    return `hint: the signature covers Hugging Face download metadata ('${HF_METADATA_DIR}/'), which changes on every download; ask the signer to sign with ${flag('MODEL')}`;
  }
  return null;
}
