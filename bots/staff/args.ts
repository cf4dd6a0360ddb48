// Command arguments as staff type them: words separated by spaces, "double quotes" (or “curly” ones) around a value
// with spaces, e.g. a customer's name.

/** Splits an argument string into words, keeping quoted values whole (without their quotes). */
export function tokenize(args: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|“([^”]*)”|(\S+)/g;
  for (let m = re.exec(args); m; m = re.exec(args)) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}

/** The first word and the rest of the line as typed (for a free-text tail such as a reason or a message). */
export function splitFirst(args: string): [string, string] {
  const trimmed = args.trim();
  const quoted = /^(?:"([^"]*)"|“([^”]*)”)\s*([\s\S]*)$/.exec(trimmed);
  if (quoted) return [quoted[1] ?? quoted[2] ?? '', quoted[3]!.trim()];
  const m = /^(\S+)\s*([\s\S]*)$/.exec(trimmed);
  return m ? [m[1]!, m[2]!.trim()] : ['', ''];
}

/** A whole number within [min, max] written with digits only (separators `,` `_` allowed); null otherwise. */
export function wholeNumber(text: string | undefined, min: number, max: number): number | null {
  if (text === undefined || !/^\d{1,3}(?:[,_]?\d{3})*$|^\d+$/.test(text)) return null;
  const n = Number(text.replace(/[,_]/g, ''));
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : null;
}
