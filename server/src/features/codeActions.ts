/**
 * Turns fix candidates and the compiler's verdicts on them into code actions. Pure.
 *
 * The rule: a quick-fix is offered only when the compiler showed it builds, keeps `go vet` quiet and removes
 * heap allocations; its title says how many. A fix whose callers we cannot all see (an exported function
 * or method) is only a refactor, and says so. A fix that builds but removes nothing is a refactor saying
 * "no heap allocation removed", and only for fixes that are worth having anyway. Anything unverified, that
 * breaks the build or vet, or adds allocations, is not offered at all. Every action carries its edit.
 * A fix whose gain only a run shows (a loop's growth) is judged by the build and vet alone here, and is a
 * refactor that says "not measured" until a benchmark measures it (measurementCoordinator.ts).
 */
import { type CodeAction, CodeActionKind, type Diagnostic, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { FixCandidate } from '../model/fixes';
import { rangesIntersect } from '../syntax/positions';
import { type Verification, vetSkipped } from '../model/fixes';
import type { LspRange } from '../model/positions';
import type { LocatedFact } from '../model/analysis';
import { removedFactLines } from './fixRanking';
import { DIAGNOSTIC_SOURCE } from './diagnostics';

export interface CodeActionRequest {
  /** The document's absolute path. */
  readonly file: string;
  readonly range: LspRange;
  /** `context.only`: the kinds the client asked for. */
  readonly only?: readonly string[];
  /** `context.diagnostics`: ours among them are linked to the quick-fix that addresses them. */
  readonly diagnostics: readonly Diagnostic[];
  readonly uriOf: (file: string) => string;
  /** The located facts of a file, so each action names the lines of the heap facts it removes (for ranking). */
  readonly locatedIn?: (file: string) => readonly LocatedFact[] | undefined;
}

/** What an action carries for the server's later steps: which fix it is, and the lines of the facts it removes. */
export interface FixActionData {
  readonly fix: string;
  /** 1-based lines of `file`'s heap facts inside the fix's trigger ranges: what measured bytes rank it by. */
  readonly factLines?: readonly number[];
  /** A fix only a run can show the gain of: its title without the verdict, and the lines a benchmark must reach. */
  readonly runtime?: { readonly title: string; readonly lines: { readonly from: number; readonly to: number } };
}

export function fixCodeActions(
  candidates: readonly FixCandidate[],
  verdictOf: (candidate: FixCandidate) => Verification | undefined,
  request: CodeActionRequest,
): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const candidate of candidatesAt(candidates, request.file, request.range)) {
    const verdict = verdictOf(candidate);
    const action = verdict ? codeAction(candidate, verdict, request) : undefined;
    if (action && wanted(action.kind!, request.only)) actions.push(action);
  }
  return actions;
}

/** The candidates whose lightbulb shows at `range` of `file`. */
export function candidatesAt(candidates: readonly FixCandidate[], file: string, range: LspRange): FixCandidate[] {
  return candidates.filter(
    (candidate) => candidate.file === file && candidate.triggerRanges.some((trigger) => rangesIntersect(trigger, range)),
  );
}

export function codeAction(
  candidate: FixCandidate,
  verdict: Verification,
  request: Pick<CodeActionRequest, 'diagnostics' | 'uriOf' | 'locatedIn'>,
): CodeAction | undefined {
  // The compiler's count fell, but nothing changes at run time: it removes nothing, and says why.
  const removed = verdict.outcome === 'removes' && !candidate.noGainAtRunTime ? verdict.before - verdict.after : 0;
  if (verdict.outcome === 'breaks') return undefined;
  // Vet was not asked about it (the verification judged it not worth offering): never offered unvetted.
  if (vetSkipped(verdict)) return undefined;
  // The compiler's count of sites says nothing about these: the library code they call (slices.Grow,
  // strings.Builder) brings sites of its own, while the loop's growth it replaces was never counted.
  if (candidate.runtimeOnly) return runtimeOnlyAction(candidate, request);
  if (verdict.outcome === 'adds') return undefined;
  if (removed === 0 && !candidate.worthWithoutGain) return undefined;
  const quickFix = removed > 0 && !candidate.externalCallersUnseen;
  const unit = candidate.boundsChecks ? 'bounds check' : 'heap allocation';
  const measured =
    removed > 0
      ? `removes ${removed} ${unit}${removed === 1 ? '' : 's'}`
      : `no ${unit} removed${candidate.noGainAtRunTime ? `: ${candidate.noGainAtRunTime}` : ''}`;
  const details = ['verified', ...(candidate.externalCallersUnseen ? ['external callers are not seen'] : []), ...candidate.notes];
  const action: CodeAction = {
    title: `${candidate.title} — ${measured} (${details.join('; ')})`,
    kind: quickFix ? CodeActionKind.QuickFix : CodeActionKind.RefactorRewrite,
    edit: workspaceEdit(candidate, request.uriOf),
    // Which fix it is, so a hover names only the fixes for what it is about (a bounds check's hoist), and
    // where its allocations are, so a measurement can rank it.
    data: fixActionData(candidate, request.locatedIn?.(candidate.file)),
  };
  if (quickFix) {
    action.isPreferred = true;
    const addressed = request.diagnostics.filter(
      (diagnostic) =>
        diagnostic.source === DIAGNOSTIC_SOURCE && candidate.triggerRanges.some((range) => rangesIntersect(range, diagnostic.range)),
    );
    if (addressed.length > 0) action.diagnostics = addressed;
  }
  return action;
}

/**
 * A fix whose gain shows only at run time: the compile showed it builds and vets clean, nothing measured
 * it yet, so it is a refactor that says so. The measurement coordinator measures it where a benchmark
 * reached its lines (`data.runtime.lines`) and then titles it with the measured difference.
 */
function runtimeOnlyAction(candidate: FixCandidate, request: Pick<CodeActionRequest, 'uriOf'>): CodeAction {
  return {
    title: `${candidate.title} — not measured (builds, vet clean)`,
    kind: CodeActionKind.RefactorRewrite,
    edit: workspaceEdit(candidate, request.uriOf),
    // No fact lines: it removes no fact the compiler reports, so what was measured there is not its to claim.
    data: { fix: candidate.fix, runtime: { title: candidate.title, ...candidate.runtimeOnly! } } satisfies FixActionData,
  };
}

function fixActionData(candidate: FixCandidate, located: readonly LocatedFact[] | undefined): FixActionData {
  if (!located || candidate.boundsChecks) return { fix: candidate.fix };
  return { fix: candidate.fix, factLines: removedFactLines(candidate.triggerRanges, located) };
}

function workspaceEdit(candidate: FixCandidate, uriOf: (file: string) => string): WorkspaceEdit {
  const changes: Record<string, TextEdit[]> = {};
  for (const [file, edits] of candidate.edits) {
    changes[uriOf(file)] = edits.map((edit) => ({
      range: { start: { ...edit.range.start }, end: { ...edit.range.end } },
      newText: edit.newText,
    }));
  }
  return { changes };
}

function wanted(kind: string, only: readonly string[] | undefined): boolean {
  return !only || only.length === 0 || only.some((prefix) => kind === prefix || kind.startsWith(`${prefix}.`));
}
