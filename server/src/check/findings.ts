/**
 * What `go-escape-lens check` reports: one finding per heap allocation, broken budget and bad directive,
 * in a shape every output format (text, JSON, SARIF, summary) and the baseline file share.
 *
 * Paths are relative to the check's root (with `/` separators), so a JSON file written on one machine is a
 * baseline on another. Each finding also carries its function and expression text: that, not the line, is
 * how a finding is recognised in another version of the code.
 */
import * as path from 'node:path';
import type { FileAnalysis, PackageResult } from '../model/analysis';
import { type CompilerPosition, isHeapFact } from '../model/facts';
import {
  acceptanceOf,
  type BrokenBudget,
  brokenBudgetMessage,
  brokenBudgets,
  UNCHECKED_BOUNDS_BUDGET,
  uncheckedBoundsBudgets,
} from '../features/budgets';
import { locatedFactMessage, rangeText } from '../features/diagnostics';
import { annotationKindOf, isShownOptimisation, OPTIMISATION_CODES, optimisationMessage } from '../features/optimisationDiagnostics';
import type { Annotations } from '../model/annotations';
import { type NothingAllocated, nothingAllocated } from '../features/nothingAllocated';
import { reasonText } from '../features/reasonText';
import {
  type DirectiveProblem,
  EMPTY_DIRECTIVES,
  type FileDirectives,
  functionAtLine,
  mayHaveDirectives,
  readDirectives,
} from '../syntax/directives';
import type { LocatedFact } from '../model/analysis';
import { compilerToLspPosition } from '../syntax/positions';
import type { LspRange, SourceText } from '../model/positions';

export type FindingKind = 'escape' | 'moved' | 'budget' | 'directive' | 'bounds' | 'nil' | 'inline' | 'measured';

/** Stable rule ids, shared with the editor's diagnostic codes. */
export const FINDING_RULES: Readonly<Record<FindingKind, string>> = {
  escape: 'escapes-to-heap',
  moved: 'moved-to-heap',
  budget: 'broken-budget',
  directive: 'invalid-directive',
  bounds: OPTIMISATION_CODES.bounds,
  nil: OPTIMISATION_CODES.nil,
  inline: OPTIMISATION_CODES.inline,
  measured: 'measured-allocation',
};

/** The function name given to facts outside any func declaration (package-level variable initialisers). */
export const PACKAGE_SCOPE = '<package scope>';

export interface FindingLocation {
  /** Relative to the check's root, `/`-separated. */
  readonly file: string;
  /** 1-based line and 1-based UTF-8 byte column, as the go command prints positions. */
  readonly line: number;
  readonly column: number;
  /** The LSP range (0-based, UTF-16): the whole expression for an allocation, the name for a function. */
  readonly range: LspRange;
}

/** One step of the compiler's explanation of why a value is on the heap. */
export interface FindingStep {
  /** Absent when the compiler printed no usable position (generated code). */
  readonly location?: FindingLocation;
  readonly expression: string;
  /** The compiler's reason word, e.g. `return`, `interface-converted`. */
  readonly reason: string;
  /** The reason in plain words. */
  readonly explanation: string;
  /** The `flow:` paragraph the step belongs to, as `destination ← source`. */
  readonly flow: string;
}

export interface RelatedLocation {
  readonly location: FindingLocation;
  readonly message: string;
}

export interface Finding extends FindingLocation {
  readonly kind: FindingKind;
  readonly rule: string;
  /** The package's import path. */
  readonly package: string;
  /** The enclosing function as the compiler names it: `F`, `(*T).M`; PACKAGE_SCOPE outside functions. */
  readonly function: string;
  /** The compiler's text for the allocation (`&Point{...}`), the directive for the others. */
  readonly expression: string;
  /** In the user's terms: the compiler's invented names (`~r0`, `.autotmp_6`) said as the source says them. */
  readonly message: string;
  /** For an allocation: the compiler's own line, without its position (`"Basic realm=" + ~r0 escapes to heap`). */
  readonly compilerMessage?: string;
  readonly steps: readonly FindingStep[];
  /** For a broken budget: the allocations that break it. */
  readonly related: readonly RelatedLocation[];
  /** True when this finding makes `check` exit 1. */
  readonly violation: boolean;
  /** Why it is a violation, in words ("new since HEAD", "counts against //escape:none of Sum"). */
  readonly why: readonly string[];
  /** For an allocation in a function over budget: the budget, as `//escape:none of Sum`. */
  readonly countsAgainst?: string;
  /** The reason given by an `//escape:ok` that accepts this allocation. */
  readonly accepted?: string;
  /**
   * For an allocation the compiler reports that allocates nothing at run time (a constant's box, a zero-size
   * value, fmt.Errorf's unrun fallback: features/nothingAllocated.ts), why. It is never a violation: not against a baseline,
   * and it counts against no budget.
   */
  readonly allocatesNothing?: NothingAllocated;
  /** Set on allocations that a baseline does not have: the baseline's name. */
  readonly newSince?: string;
  /** With `--bench` or `--profile`: what was measured on this finding's line (the whole line). */
  readonly measured?: MeasuredFigures;
  /** For a `measured` finding (an allocation only a measurement shows): its likely cause, in words. */
  readonly cause?: string;
}

/** Per op from a benchmark, or totals from a profile; `share` of the benchmark's or profile's bytes. */
export type MeasuredFigures =
  | { readonly benchmark: string; readonly bytesPerOp: number; readonly allocsPerOp: number; readonly share: number }
  | { readonly bytes: number; readonly objects: number; readonly share: number };

/** The bytes a finding's measurement counts (per op or in total), 0 without one: what output ranks by. */
export function measuredBytes(finding: Finding): number {
  if (!finding.measured) return 0;
  return 'bytesPerOp' in finding.measured ? finding.measured.bytesPerOp : finding.measured.bytes;
}

/**
 * An allocation finding that allocates at run time: what the counts count (the summary, the tally), as the
 * editor's status bar and tree do. A reported fact that allocates nothing is still listed.
 */
export function allocatesAtRunTime(finding: Finding): boolean {
  return isAllocation(finding) && finding.allocatesNothing === undefined;
}

export function isAllocation(finding: Finding): boolean {
  return finding.kind === 'escape' || finding.kind === 'moved';
}

export interface PackageFindingContext {
  /** Absolute directory that finding paths are relative to. */
  readonly root: string;
  readonly importPath: string;
  /** Which optimisation details become findings besides the allocations; allocations only when absent. */
  readonly annotations?: Annotations;
}

/** Every finding of one analysed package, in file and line order. Parses each file that needs it once. */
export async function packageFindings(result: PackageResult, context: PackageFindingContext): Promise<Finding[]> {
  const findings: Finding[] = [];
  const sourceOf = (file: string) => result.files.get(file)?.source;
  for (const file of [...result.files.values()].sort((a, b) => compareText(a.file, b.file))) {
    const shown = (item: LocatedFact) =>
      isHeapFact(item.fact) || (context.annotations && isShownOptimisation(item.fact, context.annotations));
    const needsTree = file.located.some(shown) || mayHaveDirectives(file.source.text);
    const directives = needsTree ? await readDirectives(file.source) : EMPTY_DIRECTIVES;
    findings.push(...fileFindings(file, directives, { ...context, sourceOf }));
  }
  return findings;
}

export interface FileFindingContext extends PackageFindingContext {
  readonly sourceOf: (file: string) => SourceText | undefined;
}

/** Pure: the findings of one file, given its facts and directives. */
export function fileFindings(file: FileAnalysis, directives: FileDirectives, context: FileFindingContext): Finding[] {
  const boundsChecked = context.annotations?.bounds === true;
  const broken = brokenBudgets(directives, file.located, boundsChecked);
  const breaking = new Map<LocatedFact, BrokenBudget>();
  for (const item of broken) for (const allocation of item.allocations) breaking.set(allocation, item);

  const findings: Finding[] = [];
  for (const located of file.located) {
    if (!isHeapFact(located.fact)) continue;
    const owner = functionAtLine(directives, located.fact.position.line - 1)?.name ?? PACKAGE_SCOPE;
    const budget = breaking.get(located);
    const accepted = acceptanceOf(directives, located)?.reason;
    findings.push(allocationFinding(located, owner, context, { budget, accepted }));
  }
  if (context.annotations) {
    for (const located of file.located) {
      if (!isShownOptimisation(located.fact, context.annotations)) continue;
      const owner = functionAtLine(directives, located.fact.position.line - 1)?.name ?? PACKAGE_SCOPE;
      const budget = breaking.get(located);
      const accepted = acceptanceOf(directives, located)?.reason;
      findings.push({
        ...optimisationFinding(located, file, owner, context),
        ...(budget ? { countsAgainst: `${budget.budget.text} of ${budget.function.name}` } : {}),
        ...(accepted !== undefined ? { accepted } : {}),
      });
    }
  }
  for (const item of broken) findings.push(budgetFinding(item, file, context));
  for (const unchecked of uncheckedBoundsBudgets(directives, boundsChecked)) {
    const problem = {
      range: unchecked.budget.range,
      text: unchecked.budget.text,
      message: `${unchecked.budget.text} of ${unchecked.function.name} ${UNCHECKED_BOUNDS_BUDGET}`,
    };
    findings.push(directiveFinding(problem, file, unchecked.function.name, context));
  }
  for (const problem of directives.problems) {
    const owner = functionAtLine(directives, problem.range.start.line)?.name ?? PACKAGE_SCOPE;
    findings.push(directiveFinding(problem, file, owner, context));
  }
  return findings.sort(compareFindings);
}

function allocationFinding(
  located: LocatedFact,
  owner: string,
  context: FileFindingContext,
  extra: { budget?: BrokenBudget; accepted?: string },
): Finding {
  const { fact } = located;
  const kind = fact.kind === 'moved' ? 'moved' : 'escape';
  const allocatesNothing = nothingAllocated(located);
  const steps: FindingStep[] = fact.flows.flatMap((flow) =>
    flow.steps.map((step) => ({
      ...(step.position ? { location: pointLocation(step.position, context) } : {}),
      expression: step.expression,
      reason: step.reason,
      explanation: reasonText(step.reason).sentence,
      flow: `${flow.destination} ← ${flow.source}`,
    })),
  );
  return {
    kind,
    rule: FINDING_RULES[kind],
    package: context.importPath,
    function: owner,
    expression: fact.expression,
    message: locatedFactMessage(located),
    compilerMessage: compilerLine(fact),
    ...relativeLocation(fact.position, located.range, context.root),
    steps,
    related: [],
    // The broken budget is the violation (one per function); its allocations are listed with it.
    violation: false,
    why: [],
    ...(extra.budget ? { countsAgainst: `${extra.budget.budget.text} of ${extra.budget.function.name}` } : {}),
    ...(extra.accepted !== undefined ? { accepted: extra.accepted } : {}),
    ...(allocatesNothing ? { allocatesNothing } : {}),
  };
}

/** A bounds check, nil check, inlined call or good news: its expression is the source text it is placed on. */
function optimisationFinding(located: LocatedFact, file: FileAnalysis, owner: string, context: FileFindingContext): Finding {
  const kind = annotationKindOf(located.fact.kind) ?? 'inline';
  const text = rangeText(file.source, located.range);
  return {
    kind,
    rule: FINDING_RULES[kind],
    package: context.importPath,
    function: owner,
    expression: located.fact.kind === 'inlinedCall' || located.fact.kind === 'devirtualized' ? located.fact.expression : text,
    message: optimisationMessage(located.fact, text, located.nodeType),
    ...relativeLocation(located.fact.position, located.range, context.root),
    steps: [],
    related: [],
    violation: false,
    why: [],
  };
}

/** The compiler's line that states the fact (its last), without the position it starts with. */
function compilerLine(fact: LocatedFact['fact']): string {
  const last = fact.compilerText[fact.compilerText.length - 1] ?? fact.expression;
  return last.replace(/^.*?\.go:\d+:\d+: /, '');
}

function budgetFinding(broken: BrokenBudget, file: FileAnalysis, context: FileFindingContext): Finding {
  const range = broken.function.nameRange;
  return {
    kind: 'budget',
    rule: FINDING_RULES.budget,
    package: context.importPath,
    function: broken.function.name,
    expression: broken.budget.text,
    message: brokenBudgetMessage(broken),
    ...rangeLocation(file, range, context.root),
    steps: [],
    related: broken.allocations.map((item) => ({
      location: relativeLocation(item.fact.position, item.range, context.root),
      message: locatedFactMessage(item),
    })),
    violation: true,
    why: [
      `${broken.allocations.length} ${broken.budget.counts === 'boundsChecks' ? 'bounds check' : 'heap allocation'}${broken.allocations.length === 1 ? '' : 's'} where ${broken.budget.text} allows ${broken.budget.max}`,
    ],
  };
}

function directiveFinding(problem: DirectiveProblem, file: FileAnalysis, owner: string, context: FileFindingContext): Finding {
  return {
    kind: 'directive',
    rule: FINDING_RULES.directive,
    package: context.importPath,
    function: owner,
    expression: problem.text,
    message: problem.message,
    ...rangeLocation(file, problem.range, context.root),
    steps: [],
    related: [],
    violation: true,
    why: ['a directive that is not understood enforces nothing'],
  };
}

function relativeLocation(position: CompilerPosition, range: LspRange, root: string): FindingLocation {
  return { file: relativePath(root, position.file), line: position.line, column: position.byteColumn, range };
}

/** A location from an LSP range: its start, converted back to the compiler's byte column. */
function rangeLocation(file: FileAnalysis, range: LspRange, root: string): FindingLocation {
  const lineText = file.source.lines[range.start.line] ?? '';
  const bomShift = range.start.line === 0 && file.source.hadByteOrderMark ? 3 : 0;
  return {
    file: relativePath(root, file.file),
    line: range.start.line + 1,
    column: utf8Length(lineText.slice(0, range.start.character)) + 1 + bomShift,
    range,
  };
}

function pointLocation(position: CompilerPosition, context: FileFindingContext): FindingLocation {
  const source = context.sourceOf(position.file);
  const start = (source && compilerToLspPosition(source, position.line, position.byteColumn)) ?? { line: position.line - 1, character: 0 };
  return relativeLocation(position, { start, end: start }, context.root);
}

export function relativePath(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

const KIND_ORDER: Readonly<Record<FindingKind, number>> = {
  budget: 0,
  directive: 1,
  escape: 2,
  moved: 3,
  bounds: 4,
  nil: 5,
  inline: 6,
  measured: 7,
};

export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareText(a.file, b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
    compareText(a.expression, b.expression)
  );
}

/** Code-unit order: the same on every machine, whatever its locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
