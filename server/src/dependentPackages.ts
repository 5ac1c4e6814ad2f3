/**
 * Which packages to analyse again after a package was saved with new content.
 *
 * The compiler's facts about a package depend on the packages it imports: a function of the saved package
 * may be inlined into them, and its parameters' leaks decide what escapes at their calls. Without an
 * import graph we refresh every other package the user has open, which is where stale squiggles would be
 * seen; for one that does not import the saved package the go command replays its compile from the build
 * cache, so the refresh is cheap.
 */
import * as path from 'node:path';

/** A user has a handful of packages open; past this many the refresh would cost more than it shows. */
export const MAX_REFRESHED_PACKAGES = 8;

/**
 * One open file per other package directory, in the order the files were opened. Only packages inside the
 * workspace folders: a file opened from the standard library or the module cache (go to definition) cannot
 * import the user's package, and re-reading its compiler output on every save would be wasted.
 */
export function dependentRefreshTargets(savedDirectory: string, openFiles: readonly string[], workspaceFolders: readonly string[]): string[] {
  const inWorkspace = (file: string) => workspaceFolders.some((folder) => file.startsWith(`${folder}${path.sep}`));
  const byDirectory = new Map<string, string>();
  for (const file of openFiles) {
    const directory = path.dirname(file);
    if (directory === savedDirectory || byDirectory.has(directory) || !file.endsWith('.go') || !inWorkspace(file)) continue;
    byDirectory.set(directory, file);
  }
  return [...byDirectory.values()].slice(0, MAX_REFRESHED_PACKAGES);
}
