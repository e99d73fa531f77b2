import { sep } from 'node:path';

/** The path of a canonical model-relative name under a resolved model root (what the walk joined). */
export function listedPath(root: string, name: string): string {
  const rel = sep === '/' ? name : name.split('/').join(sep);
  return root.endsWith(sep) ? root + rel : root + sep + rel;
}
