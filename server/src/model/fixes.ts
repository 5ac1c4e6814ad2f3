/**
 * Quick-fixes as plain data: a candidate's edits, and what the compiler said when it was tried.
 */
import type { LspRange } from './positions';

/** The LSP `TextEdit` shape, without depending on the LSP types in the fix logic. */
export interface TextEdit {
  readonly range: LspRange;
  readonly newText: string;
}

/** Edits per absolute file path. */
export type FileEdits = ReadonlyMap<string, readonly TextEdit[]>;

export type FixName = 'returnByValue' | 'valueReceiver' | 'captureByValue';

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
}

export type Verification =
  | { readonly outcome: 'removes'; readonly before: number; readonly after: number }
  | { readonly outcome: 'noGain'; readonly before: number; readonly after: number }
  | { readonly outcome: 'adds'; readonly before: number; readonly after: number }
  | { readonly outcome: 'breaks'; readonly reason: string };
