/**
 * A copy of the module under the system's temp folder, with the fixes written into it: where `fix` runs a
 * test that failed with the fixes seen through `-overlay`. An overlay changes what the compiler reads, not
 * the disk, so a test that compares its package's source with an embedded copy (fasthttp's file server
 * tests embed fs.go and serve it from disk) fails through it; in the copy both are the fixed text.
 *
 * Copied: the module's directory as it is, `.git` left out. Its go.mod's relative `replace` paths are made
 * absolute in the copy, so they still name the same modules. A module in a `go.work` workspace is not
 * copied: the workspace names the original directory, and the copy would build without the workspace.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { GoSettings } from '../engine/goCommand';
import { analysisEnvironment } from '../engine/goCommand';
import type { GoRunner } from '../engine/runGo';
import { userTempDirectory } from '../engine/userTempDirectory';

/** Where, in the copy, to run what would have run in `cwd`. */
export type InModuleCopy<T> = (copyCwd: string) => Promise<T>;

/**
 * Runs `use` in a copy of the module holding `cwd`, with `changed` (absolute path → text) written into it,
 * and removes the copy after. A string when no copy could be made: why.
 */
export async function withModuleCopy<T>(
  cwd: string,
  changed: ReadonlyMap<string, string>,
  go: { readonly settings: GoSettings; readonly runGo: GoRunner },
  use: InModuleCopy<T>,
): Promise<{ readonly value: T } | string> {
  const environment = analysisEnvironment(go.settings);
  const goEnv = await go.runGo({ goBinary: go.settings.goBinary, args: ['env', '-json', 'GOMOD', 'GOWORK'], cwd, env: environment });
  if (goEnv.exitCode !== 0) return `go env failed: ${goEnv.stderr.trim()}`;
  const { GOMOD: goMod, GOWORK: goWork } = JSON.parse(goEnv.stdout) as { GOMOD?: string; GOWORK?: string };
  if (goWork && goWork !== 'off') return `the module is in the go.work workspace ${goWork}, which names the original directory`;
  if (!goMod || path.basename(goMod) !== 'go.mod') return 'the packages are not in a module';
  const moduleRoot = path.dirname(goMod);
  const inside = (file: string) => !path.relative(moduleRoot, file).startsWith('..');
  const outside = [...changed.keys()].find((file) => !inside(file));
  if (outside) return `${outside} is outside the module ${moduleRoot}`;

  const parent = await fs.mkdtemp(path.join(userTempDirectory(), 'module-copy-'));
  try {
    const copyRoot = path.join(parent, path.basename(moduleRoot));
    const toCopy = (file: string) => path.join(copyRoot, path.relative(moduleRoot, file));
    // verbatimSymlinks: a relative link inside the module keeps pointing inside the copy.
    await fs.cp(moduleRoot, copyRoot, { recursive: true, verbatimSymlinks: true, filter: (source) => path.basename(source) !== '.git' });
    for (const [file, text] of changed) await fs.writeFile(toCopy(file), text);
    const replaced = await absoluteReplacePaths(copyRoot, moduleRoot, toCopy, go, environment);
    if (replaced) return replaced;
    return { value: await use(toCopy(cwd)) };
  } finally {
    await fs.rm(parent, { recursive: true, force: true });
  }
}

interface GoModJson {
  readonly Replace?: readonly {
    readonly Old: { readonly Path: string; readonly Version?: string };
    readonly New: { readonly Path: string; readonly Version?: string };
  }[];
}

/**
 * `replace example.com/x => ../x` means the directory beside the original module: in the copy it is made
 * absolute (into the copy, when it points inside the module). Undefined when done, else what failed.
 */
async function absoluteReplacePaths(
  copyRoot: string,
  moduleRoot: string,
  toCopy: (file: string) => string,
  go: { readonly settings: GoSettings; readonly runGo: GoRunner },
  environment: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  const modEdit = (args: readonly string[]) =>
    go.runGo({ goBinary: go.settings.goBinary, args: ['mod', 'edit', ...args], cwd: copyRoot, env: environment });
  const read = await modEdit(['-json']);
  if (read.exitCode !== 0) return `go mod edit -json failed: ${read.stderr.trim()}`;
  // A local replacement is a path starting with ./ or ../ (or an absolute one, which needs nothing), and has no version.
  const relative = ((JSON.parse(read.stdout) as GoModJson).Replace ?? []).filter(
    (replace) => replace.New.Version === undefined && /^\.\.?[\\/]/.test(replace.New.Path),
  );
  if (relative.length === 0) return undefined;
  const edits = relative.map((replace) => {
    const original = path.resolve(moduleRoot, replace.New.Path);
    const target = path.relative(moduleRoot, original).startsWith('..') ? original : toCopy(original);
    return `-replace=${replace.Old.Path}${replace.Old.Version ? `@${replace.Old.Version}` : ''}=${target}`;
  });
  const edit = await modEdit(edits);
  return edit.exitCode === 0 ? undefined : `go mod edit failed: ${edit.stderr.trim()}`;
}
