/** What walking a model produces: the regular files to hash, in canonical form. */

export interface ModelFile {
  /** Canonical model-relative POSIX path (for a single-file model: its basename). */
  name: string;
  /** Absolute path to open. For a followed symlink this is the link's own path. */
  path: string;
  /** Whether `path` is a symlink (only possible when symlinks are allowed). */
  isSymlink: boolean;
  /** Snapshot of the opened target taken during the walk (stat, following links when allowed). */
  size: number;
  dev: bigint;
  ino: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

export interface WalkOptions {
  /**
   * Regular files (by directory entry type) are returned in `listed` (names only), without a stat: the hashing
   * stats each right before opening it (on its worker threads), which saves the main thread one system
   * call per file. Symlinks, directories, special files and entries of unknown type are handled as usual.
   */
  listRegularFiles?: boolean;
  /** Canonical model-relative paths to exclude (each excludes itself and its subtree). */
  ignorePaths?: readonly string[];
  /** Exclude `.git`, `.gitattributes`, `.github`, `.gitignore` at the top level (default true). */
  ignoreGitPaths?: boolean;
  /** Follow symlinks (default false: a symlink is an error naming it). */
  allowSymlinks?: boolean;
  /**
   * Instead of enumerating, take exactly these canonical names (already validated by the caller:
   * relative, no `..`, no empty segments). Used by verification with ignore-unsigned-files.
   * Names that do not exist are reported in `missing` instead of failing.
   */
  onlyNames?: readonly string[];
  /** Warnings (symlink outside the model, cycles, ...). The library never prints. */
  onWarning?: (message: string) => void;
  /** Stops a long walk (checked between directories). */
  signal?: AbortSignal;
}

export interface WalkResult {
  /** Absolute, resolved model path (the directory, or the single file). */
  root: string;
  /** Informational model name (basename of the model path, resolving `.`/`..`). */
  modelName: string;
  singleFile: boolean;
  /** Sorted by `name` in code-point order. */
  files: ModelFile[];
  /** With `onlyNames`: names that do not exist in the model. */
  missing: string[];
  /**
   * With `listRegularFiles`: canonical names of the regular files not stat'ed, under `root` (not sorted;
   * `files` holds the others). Names only: a model of a million files must fit in memory.
   */
  listed?: string[];
  /** With `listRegularFiles`: the folder of each listed file (hashing opens files through their folder). */
  listedFolders?: ListedFolders;
}

/** A folder holding listed files, as the walk saw it (its lstat, or its target's for an allowed symlink). */
export interface ListedFolder {
  /** Model-relative name ('' for the model's root). */
  name: string;
  /** Absolute path, as walked. */
  path: string;
  dev: bigint;
  ino: bigint;
}

/**
 * Which folder each listed file is in: listed files come in runs of one folder (a folder's files are
 * interrupted by its subfolders' files). Run k starts at listed index `runStarts[k]`, in folder `runFolders[k]`.
 */
export interface ListedFolders {
  folders: ListedFolder[];
  runStarts: number[];
  runFolders: number[];
}
