/**
 * A code lens above each function with heap allocations or leaking parameters:
 * "3 heap allocations · 1 leaking param · inlinable (cost 27)". Clicking it runs the client's
 * `showSites` command with the sites as LSP locations (VS Code shows them in a peek; any other client can
 * list them).
 */
import type { CodeLens, Location } from 'vscode-languageserver';
import type { FileAnalysis } from '../model/analysis';
import { COMMANDS } from '../protocol';
import { fileSyntax } from './fileSyntax';
import { type FunctionSummary, summariseFile, summaryCounts } from './functionSummary';

export async function codeLenses(file: FileAnalysis, uri: string, enabled: boolean): Promise<CodeLens[]> {
  if (!enabled || !file.located.some((item) => ['escape', 'moved', 'leak'].includes(item.fact.kind))) return [];
  const summaries = summariseFile((await fileSyntax(file)).functions, file.located).functions;
  return summaries.filter((summary) => summary.heap.length + summary.leaks.length > 0).map((summary) => functionLens(summary, uri));
}

export function functionLens(summary: FunctionSummary, uri: string): CodeLens {
  const start = summary.declaration.range.start;
  const sites: Location[] = [...summary.heap, ...summary.leaks].map((item) => ({ uri, range: item.range }));
  return {
    range: { start, end: start },
    command: { title: summaryCounts(summary), command: COMMANDS.showSites, arguments: [uri, start, sites] },
  };
}
