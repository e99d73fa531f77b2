/**
 * The Python CLI accepts `--flag_name` for every `--flag-name` (click's token normaliser);
 * commander does not, so long option names are normalised before parsing. Values are untouched.
 */
export function normaliseArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  let afterDoubleDash = false;
  for (const a of argv) {
    if (afterDoubleDash || !a.startsWith('--') || a === '--') {
      if (a === '--') afterDoubleDash = true;
      out.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq === -1 ? a : a.slice(0, eq);
    const rest = eq === -1 ? '' : a.slice(eq);
    out.push(name.replace(/_/g, '-') + rest);
  }
  return out;
}

/**
 * Where the top-level command stands in (normalised) argv: the first word that is not a program option
 * (`--log-level` takes a value) or `help` (`help sign` is about `sign`); -1 when there is none.
 */
export function commandIndex(argv: readonly string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--log-level') {
      i++;
      continue;
    }
    if (a.startsWith('-') || a === 'help') continue;
    return i;
  }
  return -1;
}
