/** A file's text, or undefined when it cannot be read (removed, say): for comparing with a text read before. */
import * as fs from 'node:fs';

export function readFileIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
