/**
 * A code lens above each function with something counted: "3 heap allocations · 1 leaking param ·
 * inlinable (cost 27)", and with bounds or nil annotations on, "· 4 bounds checks". Only the kinds whose
 * annotations are on count (escapes off: no heap allocations in the title, and no lens for them). Clicking
 * it runs the client's `showSites` command with the sites as LSP locations (VS Code shows them in a peek;
 * any other client can list them).
 */
import type { CodeLens, Location } from 'vscode-languageserver';
import type { FileAnalysis } from '../model/analysis';
import { type Annotations, DEFAULT_ANNOTATIONS } from '../model/annotations';
import { isBoundsCheckKind } from '../model/checks';
import type { FactKind } from '../model/facts';
import { COMMANDS } from '../protocol';
import { fileSyntax } from './fileSyntax';
import { countedSites, type FunctionSummary, summariseFile, summaryCounts } from './functionSummary';

export async function codeLenses(
  file: FileAnalysis,
  uri: string,
  enabled: boolean,
  annotations: Annotations = DEFAULT_ANNOTATIONS,
): Promise<CodeLens[]> {
  // Nothing counted in the file: no need to parse it.
  if (!enabled || !file.located.some((item) => isCounted(item.fact.kind, annotations))) return [];
  const summaries = summariseFile((await fileSyntax(file)).functions, file.located).functions;
  return summaries
    .filter((summary) => countedSites(summary, annotations).length > 0)
    .map((summary) => functionLens(summary, uri, annotations));
}

export function functionLens(summary: FunctionSummary, uri: string, annotations: Annotations = DEFAULT_ANNOTATIONS): CodeLens {
  const start = summary.declaration.range.start;
  const sites: Location[] = countedSites(summary, annotations).map((item) => ({ uri, range: item.range }));
  return {
    range: { start, end: start },
    command: { title: summaryCounts(summary, annotations), command: COMMANDS.showSites, arguments: [uri, start, sites] },
  };
}

function isCounted(kind: FactKind, annotations: Annotations): boolean {
  if (kind === 'escape' || kind === 'moved' || kind === 'leak') return annotations.escape;
  if (isBoundsCheckKind(kind)) return annotations.bounds;
  return kind === 'nilCheck' && annotations.nil;
}
