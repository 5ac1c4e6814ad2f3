/**
 * Which packages to analyse again after a package was saved with new content.
 *
 * The compiler's facts about a package depend on the packages it imports: a function of the saved package
 * may be inlined into them, and its parameters' leaks decide what escapes at their calls. So the open
 * packages that import the saved one are analysed again; the others are left alone, since re-running
 * every open package after every save costs a compile each in a save storm.
 */
import * as path from 'node:path';
import type { FileAnalysis } from './model/analysis';
import { fileSyntax } from './features/fileSyntax';
import { importedPaths } from './syntax/declarations';
import { withGoTree } from './syntax/goParser';

/** A user has a handful of packages open; past this many the refresh would cost more than it shows. */
export const MAX_REFRESHED_PACKAGES = 8;

/**
 * One open file per other package directory, in the order the files were opened. Only packages inside the
 * workspace folders: a file opened from the standard library or the module cache (go to definition) cannot
 * import the user's package.
 */
export function dependentRefreshTargets(
  savedDirectory: string,
  openFiles: readonly string[],
  workspaceFolders: readonly string[],
): string[] {
  const inWorkspace = (file: string) => workspaceFolders.some((folder) => file.startsWith(`${folder}${path.sep}`));
  const byDirectory = new Map<string, string>();
  for (const file of openFiles) {
    const directory = path.dirname(file);
    if (directory === savedDirectory || byDirectory.has(directory) || !file.endsWith('.go') || !inWorkspace(file)) continue;
    byDirectory.set(directory, file);
  }
  return [...byDirectory.values()].slice(0, MAX_REFRESHED_PACKAGES);
}

/**
 * The saved package's import path, from the compiler's `# path` headers: `example.com/m/lib`, or for a
 * test build `example.com/m/lib [example.com/m/lib.test]`. The external `_test` package imports nothing
 * that others could import.
 */
export function savedImportPath(printedPackages: readonly string[]): string | undefined {
  return printedPackages
    .map((printed) => printed.split(' ')[0])
    .find((importPath) => importPath.length > 0 && !importPath.endsWith('_test'));
}

/**
 * Whether a package imports `importPath`: read from its files as last analysed, whose syntax is parsed once
 * per result and shared with hovers, hints and budgets; or from the open file's text before the package's
 * first analysis.
 */
export async function importsPackage(
  importPath: string,
  analysed: readonly FileAnalysis[] | undefined,
  openText: string,
): Promise<boolean> {
  if (analysed) return (await Promise.all(analysed.map(fileSyntax))).some((syntax) => syntax.imports.has(importPath));
  return withGoTree(openText, (tree) => importedPaths(tree).has(importPath));
}
