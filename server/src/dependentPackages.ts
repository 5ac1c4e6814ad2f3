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

/** One open file per other package directory, in the order the files were opened. */
export function dependentRefreshTargets(savedDirectory: string, openFiles: readonly string[]): string[] {
  const byDirectory = new Map<string, string>();
  for (const file of openFiles) {
    const directory = path.dirname(file);
    if (directory !== savedDirectory && !byDirectory.has(directory) && file.endsWith('.go')) byDirectory.set(directory, file);
  }
  return [...byDirectory.values()].slice(0, MAX_REFRESHED_PACKAGES);
}
