/**
 * Allocation budgets (`//escape:none`, `//escape:max N`, `//escape:ok <reason>`) and bounds check budgets
 * (`//escape:bounds none`, `//escape:bounds max N`), checked against the compiler's facts. Pure: (directives, located facts) => broken budgets; the editor turns them into Error
 * diagnostics on the function name and the CLI into violations, so both say the same thing.
 */
import { pathToFileURL } from 'node:url';
import { type Diagnostic, DiagnosticSeverity } from 'vscode-languageserver';
import type { FileAnalysis, PackageResult } from '../model/analysis';
import { isBoundsCheckKind } from '../model/checks';
import {
  type AcceptedLine,
  type Budget,
  type FileDirectives,
  functionAtLine,
  type GoFunction,
  mayHaveDirectives,
  readDirectives,
} from '../syntax/directives';
import type { LocatedFact } from '../model/analysis';
import { DIAGNOSTIC_SOURCE } from './diagnostics';
import { allocatesAtRunTime } from './nothingAllocated';
import { shownExpression } from './userTerms';

export const BUDGET_CODES = {
  broken: 'broken-budget',
  directive: 'invalid-directive',
} as const;

export interface BrokenBudget {
  readonly function: GoFunction;
  readonly budget: Budget;
  /** The allocations that count against the budget, in source order. */
  readonly allocations: readonly LocatedFact[];
}

/** The `//escape:ok` that accepts this fact, if any. Facts are matched by the line the compiler reports. */
export function acceptanceOf(directives: FileDirectives, located: LocatedFact): AcceptedLine | undefined {
  return directives.accepted.get(located.fact.position.line - 1);
}

/**
 * The heap allocations that count against budgets, per function. An allocation counts once even when the
 * compiler reports it once per generic instantiation (same position, different shapes). A heap fact that
 * allocates nothing at run time (a constant's box) does not count: `//escape:none` holds for `panic("x")`.
 */
export function countedAllocations(
  directives: FileDirectives,
  located: readonly LocatedFact[],
  counts: (located: LocatedFact) => boolean = allocatesAtRunTime,
): Map<GoFunction, LocatedFact[]> {
  const byFunction = new Map<GoFunction, LocatedFact[]>();
  const seen = new Set<string>();
  for (const item of located) {
    if (!counts(item) || acceptanceOf(directives, item)) continue;
    const key = `${item.fact.kind}:${item.fact.position.line}:${item.fact.position.byteColumn}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const owner = functionAtLine(directives, item.fact.position.line - 1);
    if (!owner) continue;
    const list = byFunction.get(owner) ?? [];
    list.push(item);
    byFunction.set(owner, list);
  }
  return byFunction;
}

/**
 * The budgets broken in a file. Bounds check budgets are checked only when `boundsChecked` (the bounds
 * annotations were on, so the compiler was asked for them); `uncheckedBoundsBudgets` lists them otherwise.
 */
export function brokenBudgets(directives: FileDirectives, located: readonly LocatedFact[], boundsChecked = false): BrokenBudget[] {
  const counted = countedAllocations(directives, located);
  const countedChecks = boundsChecked ? countedAllocations(directives, located, (item) => isBoundsCheckKind(item.fact.kind)) : new Map();
  const broken: BrokenBudget[] = [];
  const inOrder = (items: LocatedFact[]) =>
    items.sort((a, b) => a.fact.position.line - b.fact.position.line || a.fact.position.byteColumn - b.fact.position.byteColumn);
  for (const fn of directives.functions) {
    const allocations = inOrder(counted.get(fn) ?? []);
    if (fn.budget && allocations.length > fn.budget.max) broken.push({ function: fn, budget: fn.budget, allocations });
    const checks = inOrder(countedChecks.get(fn) ?? []);
    if (boundsChecked && fn.boundsBudget && checks.length > fn.boundsBudget.max) {
      broken.push({ function: fn, budget: fn.boundsBudget, allocations: checks });
    }
  }
  return broken;
}

/** Bounds check budgets that cannot be checked because the compiler was not asked for bounds checks. */
export function uncheckedBoundsBudgets(directives: FileDirectives, boundsChecked: boolean): { function: GoFunction; budget: Budget }[] {
  if (boundsChecked) return [];
  return directives.functions.flatMap((fn) => (fn.boundsBudget ? [{ function: fn, budget: fn.boundsBudget }] : []));
}

export const UNCHECKED_BOUNDS_BUDGET =
  'is not checked: bounds checks are not being read (turn on goEscapeLens.annotations.bounds, or run check with --annotations bounds)';

/** "Sum breaks //escape:none: 1 heap allocation: make([]int, n) (line 12)". Lines are 1-based. */
export function brokenBudgetMessage(broken: BrokenBudget): string {
  const count = broken.allocations.length;
  if (broken.budget.counts === 'boundsChecks') {
    const list = broken.allocations.map((item) => `${item.fact.position.line}:${item.fact.position.byteColumn}`).join(', ');
    return `${broken.function.name} breaks ${broken.budget.text}: ${count} bounds check${count === 1 ? '' : 's'} kept, at ${list}`;
  }
  const list = broken.allocations.map((item) => `${shownExpression(item)} (line ${item.fact.position.line})`).join(', ');
  return `${broken.function.name} breaks ${broken.budget.text}: ${count} heap allocation${count === 1 ? '' : 's'}: ${list}`;
}

/** Editor diagnostics: an Error on the name of each function over budget, a Warning on each bad directive. */
export function budgetDiagnostics(file: FileAnalysis, directives: FileDirectives, boundsChecked = false): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const broken of brokenBudgets(directives, file.located, boundsChecked)) {
    diagnostics.push({
      range: broken.function.nameRange,
      severity: DiagnosticSeverity.Error,
      source: DIAGNOSTIC_SOURCE,
      code: BUDGET_CODES.broken,
      message: brokenBudgetMessage(broken),
      relatedInformation: broken.allocations.map((item) => ({
        location: { uri: pathToFileURL(file.file).href, range: item.range },
        message:
          broken.budget.counts === 'boundsChecks'
            ? 'bounds check kept'
            : `${item.fact.kind === 'moved' ? 'moved to heap' : 'escapes to heap'}: ${shownExpression(item)}`,
      })),
    });
  }
  for (const unchecked of uncheckedBoundsBudgets(directives, boundsChecked)) {
    diagnostics.push({
      range: unchecked.budget.range,
      severity: DiagnosticSeverity.Warning,
      source: DIAGNOSTIC_SOURCE,
      code: BUDGET_CODES.directive,
      message: `${unchecked.budget.text} of ${unchecked.function.name} ${UNCHECKED_BOUNDS_BUDGET}`,
    });
  }
  for (const problem of directives.problems) {
    diagnostics.push({
      range: problem.range,
      severity: DiagnosticSeverity.Warning,
      source: DIAGNOSTIC_SOURCE,
      code: BUDGET_CODES.directive,
      message: problem.message,
    });
  }
  return diagnostics;
}

/** The edge the server calls: skips the parse for the many files without a directive. */
export async function fileBudgetDiagnostics(file: FileAnalysis, boundsChecked = false): Promise<Diagnostic[]> {
  if (!mayHaveDirectives(file.source.text)) return [];
  return budgetDiagnostics(file, await readDirectives(file.source), boundsChecked);
}

/** Budget diagnostics for every file of a package, by file path. */
export async function packageBudgetDiagnostics(result: PackageResult, boundsChecked = false): Promise<Map<string, Diagnostic[]>> {
  const byFile = new Map<string, Diagnostic[]>();
  for (const file of result.files.values()) byFile.set(file.file, await fileBudgetDiagnostics(file, boundsChecked));
  return byFile;
}
