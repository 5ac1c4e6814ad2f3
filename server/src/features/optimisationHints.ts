/**
 * Inlay hints for the compiler's good news, with `goEscapeLens.annotations.inline` on: `inlined` after each
 * call the compiler inlined, `devirtualized` after an interface call it made direct, `no copy` after a
 * `[]byte(s)` conversion that shares the string's bytes, `not stored` after a self-assignment it ignores.
 * A call that is both devirtualised and inlined gets one hint, `devirtualized, inlined`.
 *
 * They are hints on the construct rather than diagnostics: nothing to act on, and a Hint diagnostic on every
 * inlined call of a hot loop only draws dots. Pure: (located facts) => hints.
 */
import { type InlayHint, MarkupKind } from 'vscode-languageserver';
import type { LocatedFact } from '../model/analysis';
import type { GoodNewsKind } from '../model/checks';
import type { LspRange, SourceText } from '../model/positions';
import { rangeText } from './diagnostics';
import { code } from './explanation';

type HintedKind = 'inlinedCall' | GoodNewsKind;

/** Shorter words first read better when two share a place: `devirtualized, inlined`. */
const ORDER: readonly HintedKind[] = ['devirtualized', 'inlinedCall', 'zeroCopy', 'selfAssignment'];

const LABELS: Record<HintedKind, string> = {
  inlinedCall: 'inlined',
  devirtualized: 'devirtualized',
  zeroCopy: 'no copy',
  selfAssignment: 'not stored',
};

export function isHintedOptimisation(kind: string): kind is HintedKind {
  return (ORDER as readonly string[]).includes(kind);
}

/** One hint per construct, at its end, for the inline annotation's facts of a file. */
export function optimisationHints(located: readonly LocatedFact[], source: SourceText): InlayHint[] {
  const byEnd = new Map<string, LocatedFact[]>();
  for (const item of located) {
    if (!isHintedOptimisation(item.fact.kind)) continue;
    const key = `${item.range.end.line}:${item.range.end.character}`;
    const here = byEnd.get(key) ?? [];
    // The same fact printed twice (a function compiled with its tests too) is one hint.
    if (!here.some((other) => other.fact.kind === item.fact.kind && other.fact.expression === item.fact.expression)) here.push(item);
    byEnd.set(key, here);
  }
  return [...byEnd.values()].map((facts) => {
    const sorted = [...facts].sort((a, b) => rank(a) - rank(b));
    return {
      position: sorted[0].range.end,
      label: [...new Set(sorted.map((item) => LABELS[item.fact.kind as HintedKind]))].join(', '),
      paddingLeft: true,
      tooltip: { kind: MarkupKind.Markdown, value: sorted.map((item) => tooltip(item, source)).join('\n\n') },
    };
  });
}

function rank(item: LocatedFact): number {
  return ORDER.indexOf(item.fact.kind as HintedKind);
}

function tooltip(item: LocatedFact, source: SourceText): string {
  const { fact } = item;
  const text = (range: LspRange) => code(rangeText(source, range));
  switch (fact.kind) {
    case 'inlinedCall':
      return `The compiler inlined ${code(fact.expression)} here: its body is copied into this function, so there is no call, and what it allocates can stay on this function's stack.`;
    case 'devirtualized':
      return `Devirtualized (${code(fact.expression)}): the compiler knows the concrete type behind the interface here and calls the method directly, which also lets it inline the call.`;
    case 'zeroCopy':
      return `${text(item.range)} shares the string's bytes: the compiler proved they are never written or kept, so no copy is allocated.`;
    default:
      return `${code(fact.expression)} assigns a field a re-slice of itself: only the length changes, so the compiler stores no pointer (no write barrier, and nothing escapes through it).`;
  }
}
