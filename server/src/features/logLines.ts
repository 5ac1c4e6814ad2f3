/**
 * The heap facts of a fresh analysis as log lines: the compiler's own words, with the file's absolute path
 * so the output channel's link detection makes each position clickable, and the reason in plain words.
 *
 *   /home/me/app/pointers/pointers.go:10:9: &Point{...} escapes to heap — returned
 */
import type { PackageResult } from '../model/analysis';
import type { PackageAnalysis } from '../model/analysis';
import { headlineReason, reasonText } from './reasonText';

/** A package with thousands of allocations should not flood the log on every save. */
export const MAX_LOGGED_FACTS = 200;

export function heapFactLogLines(result: PackageResult, limit = MAX_LOGGED_FACTS): string[] {
  const lines: string[] = [];
  let total = 0;
  for (const file of result.files.values()) {
    for (const { fact } of file.located) {
      if (fact.kind !== 'escape' && fact.kind !== 'moved') continue;
      total++;
      if (lines.length >= limit) continue;
      const words = (fact.compilerText[fact.compilerText.length - 1] ?? fact.expression).replace(/^.*?\.go:\d+:\d+: /, '');
      const reason = headlineReason(fact);
      lines.push(
        `${fact.position.file}:${fact.position.line}:${fact.position.byteColumn}: ${words}${reason ? ` — ${reasonText(reason).short}` : ''}`,
      );
    }
  }
  if (total > lines.length)
    lines.push(`… and ${total - lines.length} more heap allocations (hover them in the editor, or see the escape tree)`);
  return lines;
}

/**
 * How long a fresh analysis took, for the log line after the heap count: "go 4035 ms, parsed 2.9 MB in
 * 61 ms". The benchmark reads these to split the server's latency into the compiler's and ours.
 */
export function analysisTimes(analysis: PackageAnalysis): string {
  const go = `go ${Math.round(analysis.durationMilliseconds)} ms`;
  if (!analysis.parse) return go;
  const megabytes = (analysis.parse.bytes / 1e6).toFixed(1);
  return `${go}, parsed ${megabytes} MB in ${Math.round(analysis.parse.milliseconds)} ms`;
}
