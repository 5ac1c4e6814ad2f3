/**
 * Diagnostics for the compiler's optimisation details beyond escapes: the bounds and nil checks it keeps,
 * the calls it inlines, and its good news (devirtualised calls, zero-copy conversions, ignored
 * self-assignments). Each kind appears only when its annotation is on. Pure: (fact, settings) => text.
 */
import { DiagnosticSeverity } from 'vscode-languageserver';
import type { EscapeFact, FactKind } from '../model/facts';
import type { AnnotationKind, Annotations } from '../model/annotations';

/** Stable codes, one per annotation kind; each has a section of the same name in the README. */
export const OPTIMISATION_CODES = {
  bounds: 'bounds-check',
  nil: 'nil-check',
  /** Inlined calls, and the compiler's good news that the `inline` annotation also shows. */
  inline: 'inlined-call',
} as const;

/** The annotation kind that shows a fact, or undefined for the escape facts (and the decisions not shown here). */
export function annotationKindOf(kind: FactKind): Exclude<AnnotationKind, 'escape'> | undefined {
  switch (kind) {
    case 'indexCheck':
    case 'sliceCheck':
      return 'bounds';
    case 'nilCheck':
      return 'nil';
    case 'inlinedCall':
    case 'devirtualized':
    case 'zeroCopy':
    case 'selfAssignment':
      return 'inline';
    default:
      return undefined;
  }
}

export function isShownOptimisation(fact: EscapeFact, annotations: Annotations): boolean {
  const kind = annotationKindOf(fact.kind);
  return kind !== undefined && annotations[kind];
}

export function optimisationCode(fact: EscapeFact): string {
  return OPTIMISATION_CODES[annotationKindOf(fact.kind) ?? 'inline'];
}

/**
 * Checks are information, like gopls shows them: a cost the code pays on every run. Inlining and the good
 * news are hints: nothing to act on, but worth seeing while tuning.
 */
export function optimisationSeverity(fact: EscapeFact): DiagnosticSeverity {
  return annotationKindOf(fact.kind) === 'inline' ? DiagnosticSeverity.Hint : DiagnosticSeverity.Information;
}

/** The one-line message; `text` is the source of the expression the fact is placed on. */
export function optimisationMessage(fact: EscapeFact, text: string, nodeType?: string): string {
  if (nodeType === 'call_expression' && isBoundsCheck(fact)) return `bounds check in the inlined call ${text}`;
  switch (fact.kind) {
    case 'indexCheck':
      return `bounds check: ${text} (the compiler could not prove the index is in range)`;
    case 'sliceCheck':
      return `bounds check: ${text} (the compiler could not prove the slice bounds are in range)`;
    case 'nilCheck':
      return `nil check: ${text} (an explicit test that the pointer is not nil)`;
    case 'inlinedCall':
      return `inlined: ${fact.expression}`;
    case 'devirtualized':
      return `devirtualized: ${fact.expression} (a direct call instead of an interface call)`;
    case 'zeroCopy':
      return `zero-copy conversion: ${text} (the bytes are not copied)`;
    case 'selfAssignment':
      return `self-assignment ignored: ${fact.expression} (nothing is stored)`;
    default:
      return fact.compilerText[fact.compilerText.length - 1] ?? fact.expression;
  }
}

/**
 * A bounds check placed on a call: the compiler prints a check in the body of an inlined call at the call.
 * (A nil check on a call is the call's own: a method call through an interface or a func value.)
 */
export function isBoundsCheck(fact: EscapeFact): boolean {
  return fact.kind === 'indexCheck' || fact.kind === 'sliceCheck';
}
