/**
 * One diagnostic per heap fact of a file. Pure: (located facts, settings) => LSP diagnostics.
 */
import { pathToFileURL } from 'node:url';
import { type Diagnostic, DiagnosticSeverity, type DiagnosticRelatedInformation, DiagnosticTag } from 'vscode-languageserver';
import type { CompilerPosition, EscapeFact } from '../model/facts';
import type { FileAnalysis } from '../model/analysis';
import type { SeveritySetting, Settings } from '../settings';
import type { LocatedFact } from '../model/analysis';
import { compilerToLspPosition } from '../syntax/positions';
import type { LspRange, SourceText } from '../model/positions';
import { NOTHING_ALLOCATED_NOTES, nothingAllocated } from './nothingAllocated';
import { explainFlows } from './explanation';
import {
  annotationKindOf,
  isShownOptimisation,
  optimisationCode,
  optimisationMessage,
  optimisationSeverity,
} from './optimisationDiagnostics';
import { headlineReason, reasonText } from './reasonText';
import { inWords, resultWords, shownExpression } from './userTerms';

export const DIAGNOSTIC_SOURCE = 'go-escape-lens';

/** Stable codes, one per kind; each has a section of the same name in the README. */
export const DIAGNOSTIC_CODES = {
  escape: 'escapes-to-heap',
  moved: 'moved-to-heap',
  leak: 'leaking-param',
} as const;

export interface DiagnosticContext {
  readonly settings: Settings;
  /** Where the README is, for the `codeDescription` links. */
  readonly readmeUri: string;
  /** The package's other files, to place explanation steps that point into them. */
  readonly sourceOf: (file: string) => SourceText | undefined;
  /** Set when these facts are the last good ones of a package that no longer builds. */
  readonly staleReason?: string;
  /**
   * The client shows inlined calls and the compiler's other good news as inlay hints: a Hint diagnostic on
   * each would add only dots under every inlined call. Clients without inlay hints keep the diagnostics.
   */
  readonly inlineAsHints?: boolean;
}

export function fileDiagnostics(file: FileAnalysis, context: DiagnosticContext): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const located of file.located) {
    const diagnostic = factDiagnostic(located, context, file.source);
    if (diagnostic) diagnostics.push(diagnostic);
  }
  return diagnostics;
}

function factDiagnostic(located: LocatedFact, context: DiagnosticContext, source: SourceText): Diagnostic | undefined {
  const { fact } = located;
  if (isShownOptimisation(fact, context.settings.annotations)) {
    if (context.inlineAsHints && annotationKindOf(fact.kind) === 'inline') return undefined;
    return optimisationDiagnostic(located, context, source);
  }
  const kind = fact.kind === 'escape' || fact.kind === 'moved' || fact.kind === 'leak' ? fact.kind : undefined;
  if (!kind || !context.settings.annotations.escape) return undefined;
  const severity = severityOf(kind, context.settings, nothingAllocated(located) !== undefined);
  if (severity === undefined) return undefined;
  const code = DIAGNOSTIC_CODES[kind];
  return {
    range: located.range,
    severity,
    source: DIAGNOSTIC_SOURCE,
    code,
    codeDescription: { href: `${context.readmeUri}#${code}` },
    message: (context.staleReason ? `(stale: ${context.staleReason}) ` : '') + locatedFactMessage(located),
    relatedInformation: relatedInformation(fact, context),
    ...(context.staleReason ? { tags: [DiagnosticTag.Unnecessary] } : {}),
    data: { kind, line: fact.position.line, byteColumn: fact.position.byteColumn },
  };
}

function optimisationDiagnostic(located: LocatedFact, context: DiagnosticContext, source: SourceText): Diagnostic {
  const { fact } = located;
  const code = optimisationCode(fact);
  return {
    range: located.range,
    severity: optimisationSeverity(fact),
    source: DIAGNOSTIC_SOURCE,
    code,
    codeDescription: { href: `${context.readmeUri}#${code}` },
    message:
      (context.staleReason ? `(stale: ${context.staleReason}) ` : '') +
      optimisationMessage(fact, rangeText(source, located.range), located.nodeType),
    ...(context.staleReason ? { tags: [DiagnosticTag.Unnecessary] } : {}),
    data: { kind: fact.kind, line: fact.position.line, byteColumn: fact.position.byteColumn },
  };
}

/** The source text a range covers, on one line (a multi-line expression is cut at its first line, with `…`). */
export function rangeText(source: SourceText, range: LspRange): string {
  const line = source.lines[range.start.line] ?? '';
  if (range.end.line === range.start.line) return line.slice(range.start.character, range.end.character);
  return `${line.slice(range.start.character)}…`;
}

/** A placed fact's message: in the source's terms, and saying why it costs nothing when it does not. */
export function locatedFactMessage(located: LocatedFact): string {
  const message = diagnosticMessage(located.fact, shownExpression(located));
  const nothing = nothingAllocated(located);
  return nothing ? `${message}; ${NOTHING_ALLOCATED_NOTES[nothing]}` : message;
}

/**
 * The message of a fact's diagnostic, in the user's terms: `expression` is the fact's expression as the
 * source says it (see userTerms.ts); the compiler's own words are in the hover.
 */
export function diagnosticMessage(fact: EscapeFact, expression = inWords(fact.expression)): string {
  const reason = headlineReason(fact);
  const why = reason ? `: ${reasonText(reason).short}` : '';
  switch (fact.kind) {
    case 'escape':
      return `${expression} escapes to the heap${why}`;
    case 'moved':
      return `${expression} is moved to the heap${why}`;
    case 'leak':
      return fact.leak?.toResult
        ? `parameter ${expression} leaks to ${resultWords(fact.leak.toResult)}`
        : `parameter ${expression}${fact.leak?.what === 'content' ? ' content' : ''} leaks${why}`;
    default:
      return fact.compilerText[fact.compilerText.length - 1] ?? fact.expression;
  }
}

/**
 * A fact that allocates nothing at run time (nothingAllocated.ts) has its own severity (a hint by default),
 * and is hidden with the other escapes when `escapesToHeap` is `off`.
 */
function severityOf(kind: 'escape' | 'moved' | 'leak', settings: Settings, costsNothing: boolean): DiagnosticSeverity | undefined {
  const { severity } = settings;
  if (kind === 'escape' && costsNothing && severity.escapesToHeap !== 'off') return toDiagnosticSeverity(severity.nothingAllocated);
  const setting: SeveritySetting =
    kind === 'escape' ? severity.escapesToHeap : kind === 'moved' ? severity.movedToHeap : severity.leakingParam;
  return toDiagnosticSeverity(setting);
}

/** A severity setting as LSP's severity; `off` as undefined (no diagnostic). */
export function toDiagnosticSeverity(setting: SeveritySetting): DiagnosticSeverity | undefined {
  switch (setting) {
    case 'error':
      return DiagnosticSeverity.Error;
    case 'warning':
      return DiagnosticSeverity.Warning;
    case 'information':
      return DiagnosticSeverity.Information;
    case 'hint':
      return DiagnosticSeverity.Hint;
    case 'off':
      return undefined;
  }
}

/**
 * Every step of the compiler's explanation, in the hover's plain words ("returned from `NewPoint`",
 * "stored in `s.nextProtos`, which outlives this function"), each at the file and line it happened at.
 * The compiler's flow notation stays in the hover's folded section.
 */
function relatedInformation(fact: EscapeFact, context: DiagnosticContext): DiagnosticRelatedInformation[] {
  const related: DiagnosticRelatedInformation[] = [];
  for (const step of explainFlows(fact, { sourceOf: context.sourceOf }).steps) {
    if (!step.position) continue;
    related.push({
      location: { uri: pathToFileURL(step.position.file).href, range: pointRange(step.position, context) },
      message: step.text,
    });
  }
  return related;
}

/** A zero-width range at the step's position; at the line's start when we do not have that file's text. */
function pointRange(position: CompilerPosition, context: DiagnosticContext) {
  const source = context.sourceOf(position.file);
  const converted = source ? compilerToLspPosition(source, position.line, position.byteColumn) : null;
  const start = converted ?? { line: position.line - 1, character: 0 };
  return { start, end: start };
}
