/**
 * The `baseline` setting in the editor: which heap allocations of a package are new relative to a git
 * revision (`HEAD`, `origin/main`), found exactly as `check --baseline REF` finds them.
 *
 * The revision is checked out once into a temporary worktree and kept while it names the same commit
 * (a new commit or a fetch moves it, and the old checkout is removed); its packages are analysed by a
 * separate AnalysisService, whose cache makes every later save cost one content hash.
 */
import { AnalysisService } from '../analysisService';
import type { PackageResult } from '../model/analysis';
import type { GoSettings } from '../engine/goCommand';
import type { GoRunner } from '../engine/runGo';
import type { Diagnostic } from 'vscode-languageserver';
import { gitTopLevel, hasGoFiles, type Loaded, openWorktree, type OpenWorktree, resolveCommit } from './baseline';
import { matchAgainstBaseline } from './baselineMatching';
import { type Finding, isAllocation, packageFindings } from './findings';

/** The allocations of one package that the baseline does not have, by `kind|line|byteColumn`. */
export interface NewSince {
  readonly ref: string;
  readonly keys: ReadonlySet<string>;
}

export function allocationKey(kind: string, line: number, byteColumn: number): string {
  return `${kind}|${line}|${byteColumn}`;
}

/**
 * Pure: marks each allocation diagnostic that is new ("new since HEAD") in its message and its `data`,
 * and with `onlyNew`, drops the allocations that are not new. Other diagnostics pass through.
 */
export function markNewSince(diagnostics: readonly Diagnostic[], newSince: NewSince | undefined, onlyNew: boolean): Diagnostic[] {
  if (!newSince) return [...diagnostics];
  return diagnostics.flatMap((diagnostic): Diagnostic[] => {
    const data = diagnostic.data as { kind?: string; line?: number; byteColumn?: number } | undefined;
    if (!data || (data.kind !== 'escape' && data.kind !== 'moved') || data.line === undefined || data.byteColumn === undefined) {
      return [diagnostic];
    }
    if (!newSince.keys.has(allocationKey(data.kind, data.line, data.byteColumn))) return onlyNew ? [] : [diagnostic];
    return [{ ...diagnostic, message: `${diagnostic.message} (new since ${newSince.ref})`, data: { ...data, newSince: newSince.ref } }];
  });
}

export class EditorBaseline {
  private readonly service: AnalysisService;
  /** Per repository and revision: the checkout of the commit it named last. */
  private readonly worktrees = new Map<string, { commit: string; worktree: Promise<Loaded<OpenWorktree>> }>();

  constructor(options: { runGo: GoRunner; skipLinkTool: string | null }) {
    this.service = new AnalysisService({ ...options, parallelism: 1 });
  }

  /** The package's allocations that are new since `ref`, or why that cannot be said. */
  async newSince(result: PackageResult, ref: string, settings: GoSettings): Promise<Loaded<NewSince>> {
    const repositoryRoot = await gitTopLevel(result.directory);
    if (!repositoryRoot) return { ok: false, message: `baseline ${ref}: ${result.directory} is not in a git repository` };
    const commit = await resolveCommit(repositoryRoot, ref);
    if (!commit) return { ok: false, message: `baseline ${ref}: git does not know this revision` };
    const opened = await this.worktree(repositoryRoot, ref, commit);
    if (!opened.ok) return opened;

    const current = (await packageFindings(result, { root: result.directory, importPath: '' })).filter(isAllocation);
    let baseline: Finding[] = [];
    const directory = opened.value.mapPath(result.directory);
    if (directory && hasGoFiles(directory)) {
      const analysed = await this.service.analyseDirectory(directory, settings, { includeTests: result.includesTests });
      if (!analysed) return { ok: false, message: `baseline ${ref}: the analysis was cancelled` };
      if (analysed.analysis.status !== 'ok') {
        return { ok: false, message: `baseline ${ref}: ${analysed.analysis.message ?? 'the package does not build there'}` };
      }
      baseline = (await packageFindings(analysed, { root: directory, importPath: '' })).filter(isAllocation);
    }
    const { added } = matchAgainstBaseline(current, baseline);
    return { ok: true, value: { ref, keys: new Set(added.map((finding) => allocationKey(finding.kind, finding.line, finding.column))) } };
  }

  /** Removes every checkout; the server calls this at shutdown. */
  dispose(): void {
    for (const { worktree } of this.worktrees.values()) void worktree.then((opened) => opened.ok && opened.value.remove());
    this.worktrees.clear();
  }

  private worktree(repositoryRoot: string, ref: string, commit: string): Promise<Loaded<OpenWorktree>> {
    const key = `${repositoryRoot}\u0000${ref}`;
    const known = this.worktrees.get(key);
    if (known?.commit === commit) return known.worktree;
    if (known) void known.worktree.then((opened) => opened.ok && opened.value.remove());
    const worktree = openWorktree(repositoryRoot, commit);
    this.worktrees.set(key, { commit, worktree });
    // A failed checkout is tried again next time.
    void worktree.then((opened) => !opened.ok && this.worktrees.get(key)?.worktree === worktree && this.worktrees.delete(key));
    return worktree;
  }
}
