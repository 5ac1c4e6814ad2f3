/**
 * A copy of the module under the system's temp folder, with the fixes written into it: where `fix` runs a
 * test that failed with the fixes seen through `-overlay`. An overlay changes what the compiler reads, not
 * the disk, so a test that compares its package's source with an embedded copy (fasthttp's file server
 * tests embed fs.go and serve it from disk) fails through it; in the copy both are the fixed text.
 *
 * Copied: the module's directory as it is, `.git` left out. Its go.mod's relative `replace` paths are made
 * absolute in the copy, so they still name the same modules (not in a vendored module, whose
 * vendor/modules.txt records them as written and builds without them). Not copied, with the reason: a
 * module in a `go.work` workspace (the workspace names the original directory, and the copy would build
 * without it), and anything the copy cannot be made of (a socket in the module, a full disk).
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { GoSettings } from '../engine/goCommand';
import { analysisEnvironment } from '../engine/goCommand';
import type { GoRunner } from '../engine/runGo';
import { isFile } from '../engine/moduleRoot';
import { withTemporaryDirectory } from '../engine/temporaryDirectory';
import { userTempDirectory } from '../engine/userTempDirectory';

interface GoAccess {
  readonly settings: GoSettings;
  readonly runGo: GoRunner;
}

/**
 * Runs `use` in a copy of the module holding `cwd` (given where, in the copy, `cwd` is), with `changed`
 * (absolute path → text) written into it, and removes the copy after. A string when no copy could be made: why.
 */
export async function withModuleCopy<T>(
  cwd: string,
  changed: ReadonlyMap<string, string>,
  go: GoAccess,
  use: (copyCwd: string) => Promise<T>,
): Promise<{ readonly value: T } | string> {
  const environment = analysisEnvironment(go.settings);
  const goEnv = await go.runGo({ goBinary: go.settings.goBinary, args: ['env', '-json', 'GOMOD', 'GOWORK'], cwd, env: environment });
  if (goEnv.exitCode !== 0) return `go env failed: ${goEnv.stderr.trim()}`;
  const { GOMOD: goMod, GOWORK: goWork } = JSON.parse(goEnv.stdout) as { GOMOD?: string; GOWORK?: string };
  if (goWork && goWork !== 'off') return `the module is in the go.work workspace ${goWork}, which names the original directory`;
  if (!goMod || path.basename(goMod) !== 'go.mod') return 'the packages are not in a module';

  const failed = (error: unknown) => `the copy could not be made: ${error instanceof Error ? error.message : String(error)}`;
  // Real paths on both sides: the go command may name the module through a symbolic link ($PWD) that the
  // current directory and the fixed files do not go through.
  let moduleRoot: string;
  let cwdInModule: string | undefined;
  const files: [string, string][] = [];
  try {
    moduleRoot = await fs.realpath(path.dirname(goMod));
    const inModule = async (file: string) => {
      const relative = path.relative(moduleRoot, await fs.realpath(file));
      return relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative) ? undefined : relative;
    };
    cwdInModule = await inModule(cwd);
    if (cwdInModule === undefined) return `${cwd} is outside the module ${moduleRoot}`;
    for (const [file, text] of changed) {
      const relative = await inModule(file);
      if (relative === undefined) return `${file} is outside the module ${moduleRoot}`;
      files.push([relative, text]);
    }
  } catch (error) {
    return failed(error);
  }

  // A copy may be as large as the module: removed also when the user interrupts the tests run in it.
  let made = false;
  try {
    return await withTemporaryDirectory(path.join(userTempDirectory(), 'module-copy-'), async (parent) => {
      made = true;
      const copyRoot = path.join(parent, path.basename(moduleRoot));
      try {
        // verbatimSymlinks: a relative link inside the module keeps pointing inside the copy.
        await fs.cp(moduleRoot, copyRoot, {
          recursive: true,
          verbatimSymlinks: true,
          filter: (source) => path.basename(source) !== '.git',
        });
        for (const [relative, text] of files) await fs.writeFile(path.join(copyRoot, relative), text);
        const vendored = await isFile(path.join(copyRoot, 'vendor', 'modules.txt'));
        const replaced = vendored ? undefined : await absoluteReplacePaths(copyRoot, moduleRoot, go, environment);
        if (replaced) return replaced;
      } catch (error) {
        return failed(error);
      }
      return { value: await use(path.join(copyRoot, cwdInModule)) };
    });
  } catch (error) {
    if (made) throw error; // use's own
    return failed(error);
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
  go: GoAccess,
  environment: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  const modEdit = (args: readonly string[]) =>
    go.runGo({ goBinary: go.settings.goBinary, args: ['mod', 'edit', ...args], cwd: copyRoot, env: environment });
  const read = await modEdit(['-json']);
  if (read.exitCode !== 0) return `go mod edit -json failed: ${read.stderr.trim()}`;
  // A local replacement is a path that is `.` or `..` or starts with either (or an absolute one, which
  // needs nothing), and has no version.
  const relative = ((JSON.parse(read.stdout) as GoModJson).Replace ?? []).filter(
    (replace) => replace.New.Version === undefined && /^\.\.?(?:[\\/]|$)/.test(replace.New.Path),
  );
  if (relative.length === 0) return undefined;
  const edits = relative.map((replace) => {
    const original = path.resolve(moduleRoot, replace.New.Path);
    const inside = path.relative(moduleRoot, original);
    const target = inside === '..' || inside.startsWith(`..${path.sep}`) ? original : path.join(copyRoot, inside);
    return `-replace=${replace.Old.Path}${replace.Old.Version ? `@${replace.Old.Version}` : ''}=${target}`;
  });
  const edit = await modEdit(edits);
  return edit.exitCode === 0 ? undefined : `go mod edit failed: ${edit.stderr.trim()}`;
}
