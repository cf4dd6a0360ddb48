// Splitting a long message at a platform's length limit, the way a person would: at a line break, else a space, else
// a sentence end (Chinese has no spaces), in the second half of the window; a hard cut only when there is none, and
// never inside a surrogate pair (an emoji or a rare Han character). Shared by every channel that counts UTF-16 units.

/** Chunks of at most `max` UTF-16 code units; whitespace at a cut and blank chunks are dropped. */
export function splitText(text: string, max: number): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const cut = findCut(rest, max);
    chunks.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^\s+/, '');
  }
  chunks.push(rest);
  return chunks.filter((chunk) => chunk.trim() !== '');
}

function findCut(text: string, max: number): number {
  // One character past the limit, so a break sitting exactly on the boundary is found.
  const window = text.slice(0, max + 1);
  const floor = Math.floor(max / 2);
  const candidates = [lastMatch(window, /\n/g), lastMatch(window, /\s/g), lastMatch(window.slice(0, max), /[.!?。！？؟]/g, 1)];
  for (const at of candidates) if (at > floor && at <= max) return at;
  const code = text.charCodeAt(max - 1);
  return code >= 0xd800 && code <= 0xdbff ? max - 1 : max;
}

function lastMatch(text: string, pattern: RegExp, after = 0): number {
  let found = -1;
  for (const match of text.matchAll(pattern)) found = match.index + after;
  return found;
}
