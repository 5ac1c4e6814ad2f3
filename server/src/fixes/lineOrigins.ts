/**
 * Where each line of a file, as fixes left it, stood in the file before any fix: `go-escape-lens fix`
 * reports what was measured on the lines of the facts a fix removes, and measurements are placed on the
 * text as it is on disk, while later rounds of fixes add imports and rewrite lines. Unchanged lines keep
 * their origin; in a changed run of lines the i-th new line takes the i-th old line's origin (a rewritten
 * call stays on its line), and lines beyond the old run (an added import) have none.
 */
import { diffLines } from 'diff';

/** Per 0-based line of the current text, the 1-based line it came from, or undefined for a new line. */
export type LineOrigins = readonly (number | undefined)[];

export function initialOrigins(text: string): LineOrigins {
  return lineCount(text) === 0 ? [] : Array.from({ length: lineCount(text) }, (_, index) => index + 1);
}

export function followEdit(origins: LineOrigins, before: string, after: string): LineOrigins {
  const next: (number | undefined)[] = [];
  let oldLine = 0;
  let removed: (number | undefined)[] = [];
  for (const part of diffLines(before, after)) {
    const count = part.count ?? lineCount(part.value);
    if (part.removed) {
      removed = origins.slice(oldLine, oldLine + count);
      oldLine += count;
    } else if (part.added) {
      for (let index = 0; index < count; index++) next.push(removed[index]);
      removed = [];
    } else {
      removed = [];
      for (let index = 0; index < count; index++) next.push(origins[oldLine + index]);
      oldLine += count;
    }
  }
  return next;
}

function lineCount(text: string): number {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}
