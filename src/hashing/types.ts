import type { HashAlgorithm } from '../manifest.js';
import type { ListedFolder } from '../model/types.js';

/** One unit of hashing work: a whole file or a byte range (shard) of it. */
export interface HashTask {
  /** Canonical model-relative name, used in error messages. */
  name: string;
  /** Absolute path to open. */
  path: string;
  /** Byte range [start, end). For whole files: 0..size. */
  start: number;
  end: number;
  /** What the walk saw; the worker fails the task if the file differs before or after hashing. */
  expectedSize: number;
  expectedMtimeNs: bigint;
  /**
   * Optional identity of the file the walk saw (device and inode, as fstat reports them). When given,
   * an opened file with another identity is refused: the file was replaced, or a parent folder was
   * swapped (for a symlink, say) after the walk, which size and mtime alone would not reveal.
   */
  expectedDev?: bigint;
  expectedIno?: bigint;
  /** Open with O_NOFOLLOW (symlinks not allowed): a symlink swapped in after the walk is refused. */
  noFollow: boolean;
}

/** A folder of listed files as the walk saw it, and where its run of files starts in a batch. */
export interface FolderRun extends ListedFolder {
  /** Index in the batch of the first file of this run. */
  from: number;
}

/** What a listed file's stat gave, in this order, STAT_FIELDS values per file. */
export const STAT_FIELDS = 5;
export const STAT = { size: 0, mtimeNs: 1, ctimeNs: 2, dev: 3, ino: 4 } as const;

export interface HashProgress {
  bytesDone: number;
  bytesTotal: number;
  tasksDone: number;
  tasksTotal: number;
}

export interface HashOptions {
  algorithm: HashAlgorithm;
  /** Worker threads (default: os.availableParallelism()). */
  maxWorkers?: number;
  /** Read buffer size in bytes (default 4 MiB). */
  chunkSize?: number;
  onProgress?: (p: HashProgress) => void;
  signal?: AbortSignal;
  /** Use the native BLAKE2b/BLAKE3 package when it loads (default true); false forces the portable fallbacks. */
  nativeBackends?: boolean;
}
