/**
 * A streaming reader for the tar layers of ModelCar images: it hands out each entry's name, type and
 * bytes as they arrive, so a layer is hashed without being stored. Hand-written because the layers
 * come from a registry (hostile input) and we only need to READ: no extraction, no links, no disk;
 * the npm tar packages are built around extracting to a file system.
 * Formats: ustar (with prefix), GNU long names (`L`), pax `path` records (`x`; `g` ignored).
 */
import { ModelSigningError } from '../errors.js';

export interface TarEntry {
  name: string;
  type: 'file' | 'directory' | 'other';
  size: number;
}

export interface TarHandlers {
  entry(e: TarEntry): void;
  data(chunk: Buffer): void;
  entryEnd(): void;
}

const BLOCK = 512;
const MAX_META_BYTES = 1024 * 1024;

function octal(b: Buffer, what: string): number {
  if (b[0]! & 0x80) {
    // base-256 (GNU) for sizes of 8 GiB and more
    let n = 0;
    for (let i = 1; i < b.length; i++) n = n * 256 + b[i]!;
    if (!Number.isSafeInteger(n)) throw new ModelSigningError('MODEL', `${what}: tar size too large`);
    return n;
  }
  const s = b.toString('latin1').replace(/\0.*$/s, '').trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) throw new ModelSigningError('MODEL', `${what}: malformed tar header`);
  return parseInt(s, 8);
}

const cstr = (b: Buffer) => b.toString('utf8').replace(/\0.*$/s, '');

export class TarReader {
  private pending = Buffer.alloc(0);
  private remaining = 0; // data bytes left in the current entry
  private padding = 0;
  private meta: { kind: 'L' | 'x' | 'g'; chunks: Buffer[]; size: number } | null = null;
  private longName: string | null = null;
  private ended = false;
  private inEntry = false;

  constructor(
    private readonly h: TarHandlers,
    private readonly what: string,
  ) {}

  write(chunk: Buffer): void {
    let buf = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    while (buf.length > 0) {
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, buf.length);
        const part = buf.subarray(0, n);
        if (this.meta) this.meta.chunks.push(Buffer.from(part));
        else this.h.data(part);
        this.remaining -= n;
        buf = buf.subarray(n);
        if (this.remaining === 0) this.finishEntry();
        continue;
      }
      if (this.padding > 0) {
        const n = Math.min(this.padding, buf.length);
        this.padding -= n;
        buf = buf.subarray(n);
        continue;
      }
      if (this.ended) return; // trailing zero blocks and padding
      if (buf.length < BLOCK) {
        this.pending = Buffer.from(buf);
        return;
      }
      this.header(buf.subarray(0, BLOCK));
      buf = buf.subarray(BLOCK);
    }
  }

  end(): void {
    if (this.remaining > 0 || this.inEntry || this.meta) throw new ModelSigningError('MODEL', `${this.what}: the tar stream is truncated`);
  }

  private finishEntry(): void {
    if (this.meta) {
      const body = Buffer.concat(this.meta.chunks);
      if (this.meta.kind === 'L') this.longName = cstr(body);
      else if (this.meta.kind === 'x') {
        const path = paxPath(body, this.what);
        if (path !== null) this.longName = path;
      }
      this.meta = null;
    } else if (this.inEntry) {
      this.inEntry = false;
      this.h.entryEnd();
    }
  }

  private header(b: Buffer): void {
    if (b.every((x) => x === 0)) {
      this.ended = true;
      return;
    }
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : b[i]!;
    if (sum !== octal(b.subarray(148, 156), this.what)) throw new ModelSigningError('MODEL', `${this.what}: bad tar header checksum`);
    const size = octal(b.subarray(124, 136), this.what);
    const flag = String.fromCharCode(b[156]!);
    this.padding = (BLOCK - (size % BLOCK)) % BLOCK;
    if (flag === 'L' || flag === 'x' || flag === 'g') {
      if (size > MAX_META_BYTES) throw new ModelSigningError('MODEL', `${this.what}: tar metadata entry too large`);
      this.meta = { kind: flag, chunks: [], size };
      this.remaining = size;
      if (size === 0) this.finishEntry();
      return;
    }
    let name = this.longName;
    this.longName = null;
    if (name === null) {
      const prefix = b.subarray(257, 262).toString('latin1') === 'ustar' ? cstr(b.subarray(345, 500)) : '';
      const base = cstr(b.subarray(0, 100));
      name = prefix ? `${prefix}/${base}` : base;
    }
    const type = flag === '0' || flag === '\0' || flag === '7' ? 'file' : flag === '5' ? 'directory' : 'other';
    this.inEntry = true;
    this.h.entry({ name, type, size: type === 'file' ? size : 0 });
    this.remaining = type === 'file' || type === 'other' ? size : 0;
    if (this.remaining === 0) this.finishEntry();
  }
}

/** The `path` record of a pax extended header (`<len> path=<value>\n` records). */
function paxPath(body: Buffer, what: string): string | null {
  let i = 0;
  let path: string | null = null;
  while (i < body.length) {
    const sp = body.indexOf(0x20, i);
    if (sp < 0) break;
    const len = Number(body.subarray(i, sp).toString('latin1'));
    if (!Number.isSafeInteger(len) || len <= 0 || i + len > body.length) throw new ModelSigningError('MODEL', `${what}: malformed pax header`);
    const rec = body.subarray(sp + 1, i + len - 1).toString('utf8');
    const eq = rec.indexOf('=');
    if (eq > 0 && rec.slice(0, eq) === 'path') path = rec.slice(eq + 1);
    i += len;
  }
  return path;
}
