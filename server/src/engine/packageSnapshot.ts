/**
 * Reads a package directory's Go files once per analysis. The same bytes feed the content hash (cache key)
 * and the position conversion, so positions are always converted against exactly what was compiled.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

export interface PackageSnapshot {
  readonly directory: string;
  /** Absolute path → file text (with its byte-order mark, if any) as compiled. */
  readonly files: ReadonlyMap<string, string>;
  readonly hasTestFiles: boolean;
  /** A hash of every Go file's name and content: equal hashes mean the compiler would see the same package. */
  readonly contentHash: string;
}

export async function readPackageSnapshot(
  directory: string,
  overlays: ReadonlyMap<string, string> = new Map(),
): Promise<PackageSnapshot> {
  const entries = await fs.readdir(directory, { withFileTypes: true });
  const names = entries
    .filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && entry.name.endsWith('.go'))
    .map((entry) => entry.name)
    .sort();
  const files = new Map<string, string>();
  const hash = createHash('sha256');
  for (const name of names) {
    const file = path.join(directory, name);
    const text = overlays.get(file) ?? (await fs.readFile(file, 'utf8').catch(() => undefined));
    if (text === undefined) continue;
    files.set(file, text);
    hash.update(name).update('\0').update(text).update('\0');
  }
  return {
    directory,
    files,
    hasTestFiles: names.some((name) => name.endsWith('_test.go')),
    contentHash: hash.digest('hex'),
  };
}
