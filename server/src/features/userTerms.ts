/**
 * The compiler's names for what it invents, said in the user's terms. Escape analysis runs after inlining,
 * so its messages name the inlined callee's result (`~r0`, `~R0`), the compiler's temporaries
 * (`.autotmp_6`) and the storage of an allocation (`{storage for &Point{...}}`): gin's
 * `"Basic realm=" + ~r0 escapes to heap` is about `"Basic realm=" + strconv.Quote(realm)`. Pure.
 *
 * Where the fact is placed on the source (the located range), its text says it best: the compiler's
 * expression with the invented names matches it, or the range is the inlined call whose result it is.
 * Elsewhere (a step of an explanation) the names become words: "the result of an inlined call",
 * "a temporary". The compiler's exact words stay in the hover's folded section and in JSON's
 * `compilerMessage`.
 */

import type { LocatedFact } from '../model/analysis';
import { namesCompilerInternals } from '../model/facts';

/** The invented names that stand for a piece of source: results and temporaries. */
const INTERNAL_PARTS = /(~[rR]\d+|\.autotmp_\d+)/;

/** How long a piece of source may be in a message before it is abbreviated. */
const MAX_SOURCE_LENGTH = 80;

/** A located fact's expression in the user's terms, from the source it is placed on. */
export function shownExpression(located: LocatedFact): string {
  const placedOn =
    located.placedText === undefined ? undefined : { text: located.placedText, isCall: located.nodeType === 'call_expression' };
  return expressionInUserTerms(located.fact.expression, placedOn);
}

/** Markdown for a compiler expression: inline code, or words where it is only an invented name. */
export function expressionMarkdown(text: string): string {
  const words = inWords(text);
  if (words === text) return inlineCode(text);
  return /^(the|a) /.test(words) ? words : inlineCode(words);
}

/** `~r0` → "the result", `~r1` → "result 2": what a parameter leaks to. */
export function resultWords(name: string): string {
  const index = /^~[rR](\d+)$/.exec(name)?.[1];
  if (index === undefined) return inWords(name);
  return index === '0' ? 'the result' : `result ${Number(index) + 1}`;
}

function inlineCode(text: string): string {
  const fence = text.includes('`') ? '``' : '`';
  return `${fence}${text}${fence}`;
}

/** The source a fact is placed on: its text, and whether it is a call (an inlined call's result lands there). */
export interface PlacedSource {
  readonly text: string;
  readonly isCall: boolean;
}

/**
 * The compiler's `expression` in the user's terms: unchanged when it names nothing invented; else the
 * source it is placed on, when that is what it means; else with the invented names said in words.
 */
export function expressionInUserTerms(expression: string, placedOn?: PlacedSource): string {
  if (!namesCompilerInternals(expression)) return expression;
  if (placedOn) {
    const placed = oneLine(placedOn.text);
    if (isResultName(expression)) {
      if (placedOn.isCall) return `the result of ${abbreviate(placed)}`;
    } else if (matchesWithInternals(expression, placedOn.text)) {
      return abbreviate(placed);
    } else if (placedOn.isCall) {
      // `string(~r0)` placed on the inlined call `a.QueryString()`: that call is the result it converts.
      const results = new Set(expression.match(/~[rR]\d+/g) ?? []);
      if (results.size === 1 && !/\.autotmp_\d+|\{/.test(expression)) return expression.replace(/~[rR]\d+/g, () => abbreviate(placed));
    }
  }
  return inWords(expression);
}

/** The invented names said in words, for text that is not placed on the source (a step, a flow's end). */
export function inWords(text: string): string {
  if (!namesCompilerInternals(text)) return text;
  const storage = /^&?\{storage for (.*)\}$/.exec(text);
  if (storage) return storage[1] === 'func literal' ? 'the closure' : `the storage for ${inWords(storage[1])}`;
  if (text === '{heap}') return 'the heap';
  if (text === '{temp}') return 'a temporary';
  if (isResultName(text)) return 'the result of an inlined call';
  if (/^\.autotmp_\d+$/.test(text)) return 'a temporary';
  return text
    .replace(/\{storage for ([^}]*)\}/g, (_, owner: string) => `(the storage for ${owner})`)
    .replace(/\{heap\}/g, '(the heap)')
    .replace(/\{temp\}|\.autotmp_\d+/g, '(a temporary)')
    .replace(/~[rR]\d+/g, '(the result of an inlined call)');
}

function isResultName(text: string): boolean {
  return /^~[rR]\d+$/.test(text);
}

/** True when `source` is `expression` with each invented name standing for some source text. */
function matchesWithInternals(expression: string, source: string): boolean {
  const pattern = compact(expression)
    .split(INTERNAL_PARTS)
    .map((part) => (INTERNAL_PARTS.test(part) ? '.+' : escapeRegExp(part).replace(/\\\{\\\.\\\.\\\.\\\}/g, '\\{.*\\}')))
    .join('');
  return new RegExp(`^${pattern}$`, 's').test(compact(source));
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function abbreviate(text: string): string {
  return text.length <= MAX_SOURCE_LENGTH ? text : `${text.slice(0, MAX_SOURCE_LENGTH - 1)}…`;
}

function compact(text: string): string {
  return text.replace(/\s+/g, '');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
