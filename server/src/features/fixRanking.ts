/**
 * Ranks fixes by what they save at run time, once a measurement exists (a benchmark or a loaded profile):
 * a fix is worth the measured bytes on the lines of the heap facts it removes. Shared by the lightbulb and
 * `go-escape-lens fix --dry-run`. Pure.
 *
 * A measured site is a whole source line (pprof records lines, not columns), so a fix gets every byte
 * measured on a line holding a fact it removes, even when the line allocates something else too: the
 * figure is "up to", and the title says it is the line's.
 */
import { type CodeAction, CodeActionKind } from 'vscode-languageserver';
import type { LocatedFact } from '../model/analysis';
import { isHeapFact } from '../model/facts';
import type { Measurement } from '../model/measurement';
import type { LspPosition, LspRange } from '../model/positions';
import { comparePositions } from '../syntax/positions';
import { formatBytes, measurementName, roundFigure } from './measuredFigures';

/** What was measured on the lines of the facts one fix removes. */
export interface MeasuredSaving {
  /** Per op for a benchmark, else the profile's totals in its sample type's units. */
  readonly bytes: number;
  /** Allocations per op for a benchmark, objects for a profile. */
  readonly allocations: number;
  readonly perOp: boolean;
  /** `BenchmarkSum` or `heap.pb.gz`. */
  readonly from: string;
}

/**
 * The 1-based lines of the heap facts inside a fix's trigger ranges: the allocations it is about (the
 * rewritten call's arguments, the returned `&T{}`, the captured variable).
 */
export function removedFactLines(triggerRanges: readonly LspRange[], located: readonly Pick<LocatedFact, 'fact' | 'range'>[]): number[] {
  return factLinesInside(
    triggerRanges,
    located.filter(({ fact }) => isHeapFact(fact)).map(({ range }) => range.start),
  );
}

/** The 1-based lines of those `positions` that lie inside one of `ranges`, each once, in order. */
export function factLinesInside(ranges: readonly LspRange[], positions: readonly LspPosition[]): number[] {
  const lines = new Set<number>();
  for (const position of positions) {
    if (ranges.some((range) => comparePositions(position, range.start) >= 0 && comparePositions(position, range.end) < 0)) {
      lines.add(position.line + 1);
    }
  }
  return [...lines].sort((a, b) => a - b);
}

/** The measured bytes and allocations on `lines` (1-based) of `file`; undefined when none was measured there. */
export function measuredSaving(measurement: Measurement, file: string, lines: readonly number[]): MeasuredSaving | undefined {
  const wanted = new Set(lines);
  let bytes = 0;
  let allocations = 0;
  let found = false;
  for (const site of measurement.sites) {
    if (site.file !== file || !wanted.has(site.line)) continue;
    found = true;
    bytes += site.perOp ? site.perOp.bytes : site.bytes;
    allocations += site.perOp ? site.perOp.allocs : site.objects;
  }
  if (!found) return undefined;
  return { bytes, allocations, perOp: measurement.source.kind === 'benchmark', from: measurementName(measurement) };
}

/** "1.6 KB/op measured on its lines in BenchmarkSum", "96 KB measured on its lines in heap.pb.gz". */
export function savingText(saving: MeasuredSaving): string {
  return `${formatBytes(saving.bytes)}${saving.perOp ? '/op' : ''} measured on its lines in ${saving.from}`;
}

/** The same, with the allocations: "1.6 KB/op, 100 allocs/op". */
export function savingFigures(saving: MeasuredSaving): string {
  const unit = saving.perOp ? 'allocs/op' : 'objects';
  return `${formatBytes(saving.bytes)}${saving.perOp ? '/op' : ''}, ${roundFigure(saving.allocations)} ${unit}`;
}

/** Most measured bytes first; the unmeasured after them, each group in its original order. */
export function rankByMeasuredBytes<T>(items: readonly T[], savingOf: (item: T) => MeasuredSaving | undefined): T[] {
  return items
    .map((item, index) => ({ item, index, bytes: savingOf(item)?.bytes ?? -1 }))
    .sort((a, b) => b.bytes - a.bytes || a.index - b.index)
    .map((entry) => entry.item);
}

/**
 * Code actions of one file ranked by what was measured on their facts' lines (`data.factLines`, set by
 * features/codeActions.ts): measured titles end with the figure, and only the first quick-fix is preferred.
 */
export function rankedFixActions(
  actions: readonly CodeAction[],
  measurement: Measurement,
  file: string,
  /** Savings measured by running the fix itself (their titles say so already). */
  measuredByRun: ReadonlyMap<CodeAction, MeasuredSaving> = new Map(),
): CodeAction[] {
  const savings = new Map<CodeAction, MeasuredSaving | undefined>();
  for (const action of actions) {
    const lines = (action.data as { factLines?: readonly number[] } | undefined)?.factLines;
    savings.set(action, measuredByRun.get(action) ?? (lines && lines.length > 0 ? measuredSaving(measurement, file, lines) : undefined));
  }
  let preferred = false;
  return rankByMeasuredBytes(actions, (action) => savings.get(action)).map((action) => {
    const saving = savings.get(action);
    const titled: CodeAction =
      saving && !measuredByRun.has(action) ? { ...action, title: `${action.title} · ${savingText(saving)}` } : { ...action };
    if (titled.kind === CodeActionKind.QuickFix && titled.isPreferred && !preferred) preferred = true;
    else delete titled.isPreferred;
    return titled;
  });
}
