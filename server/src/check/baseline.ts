/**
 * Where a baseline's allocations come from: another git revision, or a JSON file written earlier by
 * `check --format json`.
 *
 * A revision is checked out with `git worktree add` into a temporary directory, analysed there and removed:
 * the user's checkout, index and HEAD are never touched (git only records the worktree under .git/worktrees
 * while it exists). Hooks are switched off for the checkout, so a post-checkout hook does not run.
 */
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { analysisEnvironment, type GoSettings } from '../engine/goCommand';
import type { GoRunner } from '../engine/runGo';
import { type AllocationIdentity, allocationIdentity } from './baselineMatching';
import { isAllocation } from './findings';
import type { ResolvedPackage } from './resolvePackages';
import { analysePackages, type CheckEnvironment } from './runCheck';
import { onExit } from '../engine/atExit';

const execFileAsync = promisify(execFile);

export type BaselineSpec = { readonly kind: 'file'; readonly file: string } | { readonly kind: 'git'; readonly ref: string };

export type Loaded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/** An existing file is a baseline file; anything else is a git revision. */
export function baselineSpec(argument: string, cwd: string): BaselineSpec {
  const file = path.resolve(cwd, argument);
  return fs.existsSync(file) && fs.statSync(file).isFile() ? { kind: 'file', file } : { kind: 'git', ref: argument };
}

export function baselineLabel(spec: BaselineSpec): string {
  return spec.kind === 'git' ? spec.ref : path.basename(spec.file);
}

const baselineFileSchema = z.array(
  z.looseObject({
    kind: z.string(),
    package: z.string(),
    function: z.string(),
    expression: z.string(),
    allocatesNothing: z.string().optional(),
  }),
);

/** Reads the allocations of a `check --format json` file; other findings in it are ignored. */
export function readBaselineFile(file: string): Loaded<AllocationIdentity[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    return { ok: false, message: `cannot read the baseline file ${file}: ${error instanceof Error ? error.message : String(error)}` };
  }
  const checked = baselineFileSchema.safeParse(parsed);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    return {
      ok: false,
      message: `${file} is not a baseline written by \`go-escape-lens check --format json\`: at ${issue.path.join('.') || 'the top'}: ${issue.message}`,
    };
  }
  const value = checked.data.filter((item) => item.kind === 'escape' || item.kind === 'moved').map(allocationIdentity);
  return { ok: true, value };
}

/** A git revision checked out beside the user's work. */
export interface Worktree {
  /** The top of the user's repository. */
  readonly repositoryRoot: string;
  /** The top of the temporary checkout. */
  readonly root: string;
  readonly commit: string;
  /** The same path in the temporary checkout; undefined for a path outside the repository. */
  mapPath(file: string): string | undefined;
}

export async function gitTopLevel(cwd: string): Promise<string | undefined> {
  try {
    const { stdout } = await execFileAsync('git', ['rev-parse', '--show-toplevel'], { cwd });
    return stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** A checked-out revision and the way to remove it. */
export interface OpenWorktree extends Worktree {
  /** Removes the checkout and forgets it in git; safe to call twice, and synchronous so it can run at exit. */
  remove(): void;
}

/**
 * Checks `ref` out into a new temporary directory. An untracked `go.work` that the current checkout uses is
 * copied along, so the revision is built in the same workspace.
 */
export async function openWorktree(cwd: string, ref: string, goWork?: string): Promise<Loaded<OpenWorktree>> {
  const repositoryRoot = await gitTopLevel(cwd);
  if (!repositoryRoot) {
    return {
      ok: false,
      message: `--baseline ${ref}: ${cwd} is not inside a git repository (a JSON file written by \`check --format json\` also works as a baseline)`,
    };
  }
  const commit = await resolveCommit(repositoryRoot, ref);
  if (!commit) return { ok: false, message: `--baseline ${ref}: not a file, and git does not know the revision "${ref}"` };

  const temporary = fs.mkdtempSync(path.join(os.tmpdir(), 'go-escape-lens-baseline-'));
  const root = path.join(temporary, 'tree');
  let removed = false;
  // From here on: an interrupt while git checks the revision out (seconds, in a large repository) or after.
  const forget = onExit(() => remove());
  const remove = () => {
    if (removed) return;
    removed = true;
    forget();
    try {
      execFileSync('git', ['worktree', 'remove', '--force', root], { cwd: repositoryRoot, stdio: 'ignore' });
    } catch {
      // Not created, or already gone; `git worktree prune` below forgets a half-made one.
    }
    try {
      execFileSync('git', ['worktree', 'prune'], { cwd: repositoryRoot, stdio: 'ignore' });
    } catch {
      // Best effort.
    }
    fs.rmSync(temporary, { recursive: true, force: true });
  };
  try {
    await git(repositoryRoot, ['-c', 'core.hooksPath=/dev/null', 'worktree', 'add', '--detach', '--quiet', root, commit]);
  } catch (error) {
    remove();
    return { ok: false, message: `--baseline ${ref}: git worktree add failed: ${errorText(error)}` };
  }
  const realRoot = fs.realpathSync(repositoryRoot);
  const mapPath = (file: string) => {
    const relative = path.relative(realRoot, realPath(file));
    return relative.startsWith('..') || path.isAbsolute(relative) ? undefined : path.join(root, relative);
  };
  copyUntrackedWorkspace(goWork, mapPath);
  return { ok: true, value: { repositoryRoot, root, commit, mapPath, remove } };
}

/** Checks `ref` out, runs `use`, and removes the checkout, also when the process is interrupted. */
export async function withGitWorktree<T>(
  cwd: string,
  ref: string,
  goWork: string | undefined,
  use: (worktree: Worktree) => Promise<T>,
): Promise<Loaded<T>> {
  const opened = await openWorktree(cwd, ref, goWork);
  if (!opened.ok) return opened;
  const worktree = opened.value;
  try {
    return { ok: true, value: await use(worktree) };
  } finally {
    worktree.remove();
  }
}

/** The commit a revision names now, or undefined when git does not know it. */
export async function resolveCommit(repositoryRoot: string, ref: string): Promise<string | undefined> {
  try {
    return (await git(repositoryRoot, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`])).trim();
  } catch {
    return undefined;
  }
}

/**
 * The allocations of the baseline revision in the packages being checked. A package that does not exist
 * in the revision has none: all of its allocations are new.
 */
export async function gitBaselineAllocations(
  ref: string,
  current: readonly ResolvedPackage[],
  options: CheckEnvironment & { readonly cwd: string },
): Promise<Loaded<{ allocations: AllocationIdentity[]; warnings: string[] }>> {
  const goWork = await goWorkFile(options.cwd, options.settings, options.runGo);
  const outcome = await withGitWorktree(options.cwd, ref, goWork, async (worktree) => {
    const warnings: string[] = [];
    const packages = [];
    for (const pkg of current) {
      const directory = worktree.mapPath(pkg.directory);
      if (!directory) {
        warnings.push(`${pkg.importPath} is outside the git repository: all of its allocations count as new`);
      } else if (hasGoFiles(directory)) {
        packages.push({ directory, importPath: pkg.importPath });
      }
    }
    const root = worktree.mapPath(options.cwd) ?? worktree.root;
    // Only what matching needs is kept of each package: its allocations' identities.
    const allocations: AllocationIdentity[] = [];
    const analysed = await analysePackages(packages, {
      ...options,
      root,
      onPackageDone: undefined,
      onReport: (_index, report) => {
        for (const finding of report?.findings ?? []) {
          if (isAllocation(finding)) allocations.push(allocationIdentity(finding));
        }
      },
    });
    if (!analysed.ok) return analysed;
    return { ok: true as const, value: { allocations, warnings } };
  });
  if (!outcome.ok) return outcome;
  if (!outcome.value.ok) return { ok: false, message: `--baseline ${ref}: ${outcome.value.message}` };
  return outcome.value;
}

async function goWorkFile(cwd: string, settings: GoSettings, runGo: GoRunner): Promise<string | undefined> {
  const result = await runGo({ goBinary: settings.goBinary, args: ['env', 'GOWORK'], cwd, env: analysisEnvironment(settings) });
  const file = result.exitCode === 0 ? result.stdout.trim() : '';
  return file && file !== 'off' ? file : undefined;
}

function copyUntrackedWorkspace(goWork: string | undefined, mapPath: (file: string) => string | undefined): void {
  if (!goWork) return;
  for (const file of [goWork, `${goWork}.sum`]) {
    const target = mapPath(file);
    if (target && fs.existsSync(file) && !fs.existsSync(target)) fs.copyFileSync(file, target);
  }
}

export function hasGoFiles(directory: string): boolean {
  try {
    return fs.readdirSync(directory).some((name) => name.endsWith('.go'));
  } catch {
    return false;
  }
}

function realPath(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

async function git(cwd: string, args: readonly string[]): Promise<string> {
  const { stdout } = await execFileAsync('git', [...args], { cwd, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

function errorText(error: unknown): string {
  const stderr = (error as { stderr?: string }).stderr?.trim();
  return stderr || (error instanceof Error ? error.message : String(error));
}
