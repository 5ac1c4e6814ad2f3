/**
 * The `heap` inlay hint with what was measured on its line: `heap · 4 KB/op` from a benchmark, `heap · 96 KB`
 * from a profile. Pure.
 */
import type { InlayHint } from 'vscode-languageserver';
import type { Measurement } from '../model/measurement';
import { measurementName, siteFigures, siteHintFigure, sitesOnLine } from './measuredFigures';

export function withMeasuredHints(hints: InlayHint[], measurement: Measurement | undefined, file: string): InlayHint[] {
  if (!measurement) return hints;
  const labelled = new Set<number>();
  return hints.map((hint) => {
    if (hint.label !== 'heap' || labelled.has(hint.position.line)) return hint;
    const site = sitesOnLine(measurement, file, hint.position.line + 1)[0];
    if (!site) return hint;
    // One figure per line: the line's measurement covers every allocation on it.
    labelled.add(hint.position.line);
    const tooltip = `Measured in ${measurementName(measurement)}: ${siteFigures(site, measurement)} (the whole line).`;
    return { ...hint, label: `heap · ${siteHintFigure(site)}`, tooltip };
  });
}
