/**
 * Quick-fixes as plain data: a candidate's edits, and what the compiler said when it was tried.
 */
import type { LspPosition, LspRange } from './positions';

/** The LSP `TextEdit` shape, without depending on the LSP types in the fix logic. */
export interface TextEdit {
  readonly range: LspRange;
  readonly newText: string;
}

/** Edits per absolute file path. */
export type FileEdits = ReadonlyMap<string, readonly TextEdit[]>;

/** The rewrites of fmt calls (fixes/formatCalls.ts). */
export type FormatFixName = 'strconvFormat' | 'concatenation' | 'errorsNew' | 'writeFormatted' | 'writeString';

/** Fixes whose gain shows only at run time (the compiler does not count the allocations a loop's growth makes). */
export type RuntimeFixName = 'preallocateSlice' | 'stringsBuilder';

export type FixName =
  | 'returnByValue'
  | 'valueReceiver'
  | 'captureByValue'
  | 'hoistBoundsCheck'
  | 'errorsAsType'
  | 'hoistErrorsNew'
  | FormatFixName
  | RuntimeFixName;

/**
 * For a fix aimed at bounds checks, not allocations: what the compiler's count is taken over. The lines are
 * the function's after the edit (1-based, as the compiler prints them); `before` is the count as it is.
 */
export interface BoundsCheckMeasure {
  readonly file: string;
  readonly fromLine: number;
  readonly toLine: number;
  readonly before: number;
}

/** Imports a fix adds, and those it leaves unused (deleted when nothing else in the file uses them). */
export interface ImportChange {
  /** Standard-library paths to import under their own name, when not imported yet. */
  readonly add: readonly string[];
  /** Paths to delete: nothing in the file uses them any more. */
  readonly remove: readonly string[];
}

export interface FixCandidate {
  readonly fix: FixName;
  /** Unique within a package: the fix and what it is about, e.g. `returnByValue:NewPoint`. */
  readonly id: string;
  /** What the fix does, e.g. "Return Point by value"; the measurement is added when it is offered. */
  readonly title: string;
  /** Said in the title after the measurement, e.g. "Scale keeps a pointer receiver". */
  readonly notes: readonly string[];
  /** The file and ranges the fix is about: where the lightbulb shows. */
  readonly file: string;
  readonly triggerRanges: readonly LspRange[];
  /** Edits per absolute file path (LSP units, BOM-less text). */
  readonly edits: ReadonlyMap<string, readonly TextEdit[]>;
  /** Callers outside the package may exist and were not seen: offered only as a refactor, and the title says so. */
  readonly externalCallersUnseen: boolean;
  /** Worth offering as a refactor even when it removes no allocation (a style the code may want anyway). */
  readonly worthWithoutGain: boolean;
  /**
   * Set when the compiler's count falls though nothing changes at run time: the fix then removes nothing
   * (a refactor at most, with this in its title) and `fix` does not apply it. Return by value of a function
   * the compiler inlines: each caller already keeps the object on its own stack unless it escapes there, so
   * the allocation the fix removes is the one in the function's own body, which no inlined call runs.
   */
  readonly noGainAtRunTime?: string;
  /**
   * For fixes that change a file's imports: the edits without the import edits, and the import change, so
   * that several fixes in one file can be applied together with the imports worked out once
   * (`go-escape-lens fix`). `edits` has both, for the fix applied alone.
   */
  readonly imports?: { readonly file: string; readonly change: ImportChange; readonly expressionEdits: readonly TextEdit[] };
  /**
   * Where (in `file`, before the edits) an allocation stands that must no longer be on the heap after the fix:
   * otherwise something else keeps it and the fix would change what the program does, so it breaks.
   */
  readonly mustNotEscape?: readonly LspPosition[];
  /** Set on a fix that removes bounds checks: verified by their count in one function, not by heap facts. */
  readonly boundsChecks?: BoundsCheckMeasure;
  /**
   * Set on a fix whose gain the compiler does not see (a loop's `append` growth, string concatenation): the
   * compile only shows it builds and vets clean; a benchmark that reached `lines` (1-based, in `file`)
   * measures what it saves. Without one it is a refactor that says "not measured".
   */
  readonly runtimeOnly?: { readonly lines: { readonly from: number; readonly to: number } };
}

/**
 * `vetSkipped`: the count did not fall and the fix is not offered without a gain, so `go vet` (the slowest
 * step) was not asked about it.
 */
export type Verification =
  | { readonly outcome: 'removes'; readonly before: number; readonly after: number }
  | { readonly outcome: 'noGain'; readonly before: number; readonly after: number; readonly vetSkipped?: true }
  | { readonly outcome: 'adds'; readonly before: number; readonly after: number; readonly vetSkipped?: true }
  /** `byVet`: the compile held and `go vet` found something new (so the verification went as far as vet). */
  | { readonly outcome: 'breaks'; readonly reason: string; readonly byVet?: true };

/**
 * Whether the compiler's count of heap facts says what the fix gains at run time: not for a fix whose gain
 * only a run shows (`runtimeOnly`), nor for one whose count falls for nothing (`noGainAtRunTime`). Only such
 * a fix can be a quick-fix, or applied by `fix`, which go by the count.
 */
export function countShowsGain(candidate: FixCandidate): boolean {
  return !candidate.runtimeOnly && !candidate.noGainAtRunTime;
}

/** True when the verification stopped before `go vet`, as it does for a fix that is not offered. */
export function vetSkipped(verdict: Verification): boolean {
  return (verdict.outcome === 'noGain' || verdict.outcome === 'adds') && verdict.vetSkipped === true;
}
