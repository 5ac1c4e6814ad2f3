/**
 * Inlay hints: a `heap` mark after each allocating expression (`const` after a constant converted to an
 * interface and `not run` after fmt.Errorf's unused fallback, which allocate nothing; and, when asked,
 * `stack` after a `new`, `&T{}` or `make` that stays on the stack), `leaks` / `leaks to result` /
 * `content leaks` after parameters, and, when asked, the inlining decision before a function's body. Each
 * kind has its own setting, and each hint a tooltip that says what it means.
 *
 * Pure but for parsing (only when inlining hints are on: they need the declarations' positions).
 */
import { type InlayHint, InlayHintKind, MarkupKind } from 'vscode-languageserver';
import type { FileAnalysis } from '../model/analysis';
import { type Annotations, DEFAULT_ANNOTATIONS } from '../model/annotations';
import type { EscapeFact } from '../model/facts';
import type { Settings } from '../settings';
import { fileSyntax } from './fileSyntax';
import type { LocatedFact } from '../model/analysis';
import type { LspPosition, LspRange } from '../model/positions';
import { NOTHING_ALLOCATED_LABELS, NOTHING_ALLOCATED_WHY, nothingAllocated } from './nothingAllocated';
import { code } from './explanation';
import { inliningLabel, isStackAllocation, summariseFile } from './functionSummary';
import { optimisationHints } from './optimisationHints';
import { headlineReason, reasonText } from './reasonText';
import { expressionMarkdown, resultWords, shownExpression } from './userTerms';

export type InlayHintSettings = Settings['inlayHints'];

/**
 * The hints of `file` within `range`. The heap, leak and stack marks are escape annotations: with
 * `annotations.escape` off none is shown, whatever the inlay hint settings say. With `annotations.inline`
 * on, inlined calls and the compiler's other good news are hints too (optimisationHints.ts).
 */
export async function inlayHints(
  file: FileAnalysis,
  range: LspRange,
  settings: InlayHintSettings,
  annotations: Annotations = DEFAULT_ANNOTATIONS,
): Promise<InlayHint[]> {
  const hints: InlayHint[] = [];
  const seen = new Set<string>();
  const add = (hint: InlayHint) => {
    const key = `${hint.position.line}:${hint.position.character}:${String(hint.label)}`;
    if (seen.has(key) || !withinLines(range, hint.position)) return;
    seen.add(key);
    hints.push(hint);
  };
  if (annotations.escape) {
    for (const located of file.located) {
      const hint = factHint(located, settings);
      if (hint) add(hint);
    }
  }
  if (annotations.inline) for (const hint of optimisationHints(file.located, file.source)) add(hint);
  if (settings.inliningDecisions && file.located.some((item) => item.fact.kind === 'canInline' || item.fact.kind === 'cannotInline')) {
    const summaries = summariseFile((await fileSyntax(file)).functions, file.located).functions;
    for (const summary of summaries) {
      const decision = summary.inlining[0];
      const position = summary.declaration.bodyStart;
      if (!decision || !position) continue;
      add({
        position,
        label: inliningLabel(decision),
        paddingRight: true,
        tooltip: markdown(
          decision.inlinable
            ? `The compiler can inline ${code(decision.compilerName)}${decision.cost === undefined ? '' : ` (its cost is ${decision.cost}; functions up to the inlining budget, 80 by default, are inlined)`}: calls to it are replaced by its body, and its allocations are reported, and may stay on the stack, in each caller.`
            : `The compiler cannot inline ${code(decision.compilerName)}: ${decision.reason ?? 'no reason given'}. Every call pays for a call, and pointers passed to it are judged by its parameters' leaks.`,
        ),
      });
    }
  }
  return hints.sort((a, b) => a.position.line - b.position.line || a.position.character - b.position.character);
}

function factHint(located: LocatedFact, settings: InlayHintSettings): InlayHint | undefined {
  const { fact } = located;
  const position = located.range.end;
  const shown = shownExpression(located);
  const subject = shown === fact.expression ? code(shown) : expressionMarkdown(shown);
  const nothing = nothingAllocated(located);
  if (nothing && settings.heapAllocations) {
    return {
      position,
      label: NOTHING_ALLOCATED_LABELS[nothing],
      paddingLeft: true,
      tooltip: markdown(`${subject} ${NOTHING_ALLOCATED_WHY[nothing]}`),
    };
  }
  if ((fact.kind === 'escape' || fact.kind === 'moved') && settings.heapAllocations) {
    const reason = headlineReason(fact);
    return {
      position,
      label: 'heap',
      paddingLeft: true,
      tooltip: markdown(
        `${subject} ${fact.kind === 'moved' ? 'is moved to the heap' : 'is allocated on the heap'}${reason ? `: ${reasonText(reason).sentence}` : ''}. Hover it for the compiler's reasoning, step by step.`,
      ),
    };
  }
  if (fact.kind === 'leak' && settings.leakingParameters) {
    return { position, label: leakLabel(fact), kind: InlayHintKind.Parameter, paddingLeft: true, tooltip: markdown(leakTooltip(fact)) };
  }
  if (isStackAllocation(fact) && settings.stackAllocations) {
    const variableSize = /^make\(/.test(fact.expression) && !hasConstantSize(fact.expression);
    return {
      position,
      label: 'stack',
      paddingLeft: true,
      tooltip: markdown(
        variableSize
          ? `${subject} stays on the stack when it fits in 32 bytes; its size is not a constant, so a larger one is allocated on the heap at run time.`
          : `${subject} stays on the stack: the compiler proved it does not outlive the function.`,
      ),
    };
  }
  return undefined;
}

export function leakLabel(fact: EscapeFact): string {
  const content = fact.leak?.what === 'content';
  if (fact.leak?.toResult) return content ? 'content leaks to result' : 'leaks to result';
  return content ? 'content leaks' : 'leaks';
}

function leakTooltip(fact: EscapeFact): string {
  const name = code(fact.leak?.parameter ?? fact.expression);
  if (fact.leak?.toResult) return `${name} leaks to ${resultWords(fact.leak.toResult)}: the function returns it (or what it points to).`;
  if (fact.leak?.what === 'content')
    return `What ${name} points to may be kept after the call, so a caller's argument must point to the heap.`;
  return `${name} may be kept after the call, so what a caller passes here must live on the heap.`;
}

/** `make([]byte, 1024)`: the compiler prints propagated constants, so digits mean a constant size. */
function hasConstantSize(expression: string): boolean {
  return /^make\(.*?(?:,\s*\d+)+\)$/.test(expression);
}

function withinLines(range: LspRange, position: LspPosition): boolean {
  return position.line >= range.start.line && position.line <= range.end.line;
}

function markdown(value: string) {
  return { kind: MarkupKind.Markdown, value };
}
