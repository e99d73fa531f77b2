/** commander helper: a repeatable single-value option (`--x a --x b`), never swallowing positionals. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
