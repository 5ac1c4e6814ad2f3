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
  /** True when the snapshot includes the package's `_test.go` files, which are then compiled with `go test -c`. */
  readonly hasTestFiles: boolean;
  /** True when the directory has `_test.go` files, whether or not this snapshot includes them. */
  readonly directoryHasTestFiles: boolean;
  /** A hash of every included Go file's name and content: equal hashes mean the compiler sees the same package. */
  readonly contentHash: string;
  /** Set when the go command is given these files by name instead of the directory (a file outside any module). */
  readonly namedFiles?: readonly string[];
}

export interface SnapshotOptions {
  /**
   * Include `_test.go` files (the default). Without them the package is compiled with `go build`, which
   * skips compiling the tests: the fast path for a save of a non-test file.
   */
  readonly includeTests?: boolean;
  /** Unsaved editor text that replaces a file's content on disk. */
  readonly overlays?: ReadonlyMap<string, string>;
  /** Only these files (absolute paths), built by name: a file outside any module. */
  readonly namedFiles?: readonly string[];
}

export function isTestFile(file: string): boolean {
  return file.endsWith('_test.go');
}

export async function readPackageSnapshot(directory: string, options: SnapshotOptions = {}): Promise<PackageSnapshot> {
  const includeTests = options.includeTests ?? true;
  const overlays = options.overlays ?? new Map<string, string>();
  const entries = await fs.readdir(directory, { withFileTypes: true });
  const allNames = entries
    .filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && entry.name.endsWith('.go'))
    .map((entry) => entry.name)
    .sort();
  const directoryHasTestFiles = allNames.some(isTestFile);
  const named = options.namedFiles?.map((file) => path.basename(file));
  const names = named
    ? allNames.filter((name) => named.includes(name))
    : includeTests
      ? allNames
      : allNames.filter((name) => !isTestFile(name));
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
    hasTestFiles: names.some(isTestFile),
    directoryHasTestFiles,
    contentHash: hash.digest('hex'),
    ...(named ? { namedFiles: names } : {}),
  };
}
