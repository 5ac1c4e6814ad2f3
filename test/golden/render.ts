/**
 * Renders what the editor shows for one fixture package — code lenses, inlay hints (every kind on) and the
 * hover at every fact and every function name — as one readable Markdown file per Go file, in the spirit of
 * gopls's marker tests. `npm run update-golden` writes them next to the Go files; the golden test compares.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AnalysisService } from '../../server/src/analysisService';
import type { PackageResult } from '../../server/src/model/analysis';
import { runGo } from '../../server/src/engine/runGo';
import { codeLenses } from '../../server/src/features/codeLens';
import { hoverAt } from '../../server/src/features/hover';
import { inlayHints } from '../../server/src/features/inlayHints';
import { isStackAllocation } from '../../server/src/features/functionSummary';
import { functionDeclarations } from '../../server/src/syntax/declarations';
import { withGoTree } from '../../server/src/syntax/goParser';
import type { LspPosition } from '../../server/src/model/positions';
import { REPOSITORY_ROOT } from '../helpers/lspClient';

export const FIXTURES = path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'article');
/** Every package of the article module; each gets one golden file per Go file with facts. */
export const GOLDEN_PACKAGES = [
  'pointers',
  'closures',
  'channels',
  'config',
  'iface',
  'sizes',
  'generics',
  'vector',
  'unicode',
  'withtests',
];
export const GOLDEN_SUFFIX = '.golden.md';
const VERSION_LINE = /^Recorded from (\S+)/m;

const ALL_HINTS = { heapAllocations: true, stackAllocations: true, leakingParameters: true, inliningDecisions: true };

export function goldenPath(goFile: string): string {
  return goFile.replace(/\.go$/, GOLDEN_SUFFIX);
}

/** The text compared by the test: everything but the Go version the file was recorded with. */
export function comparable(golden: string): string {
  return golden.replace(VERSION_LINE, 'Recorded from <go version>');
}

export function recordedVersion(golden: string): string | undefined {
  return VERSION_LINE.exec(golden)?.[1];
}

export async function analyseFixture(packageName: string): Promise<PackageResult> {
  const service = new AnalysisService({ runGo, skipLinkTool: null, parallelism: Math.min(2, os.cpus().length) });
  const result = await service.analyseDirectory(path.join(FIXTURES, packageName), { goBinary: 'go', buildFlags: [], env: {} });
  if (result?.analysis.status !== 'ok') {
    throw new Error(`analysis of ${packageName} failed: ${result?.analysis.message ?? 'superseded'}`);
  }
  return result;
}

/** One golden text per Go file of the package that has facts. */
export async function renderPackage(result: PackageResult, goVersion: string): Promise<Map<string, string>> {
  const rendered = new Map<string, string>();
  for (const file of [...result.files.values()].sort((a, b) => a.file.localeCompare(b.file))) {
    if (file.located.length === 0) continue;
    const uri = pathToFileURL(file.file).href;
    const name = path.basename(file.file);
    const out: string[] = [
      `# ${name}: what the editor shows`,
      '',
      `Recorded from ${goVersion} by \`npm run update-golden\`; the golden test fails when any of this changes. Positions are 1-based line:column (UTF-16).`,
    ];

    out.push('', '## Code lenses', '');
    const lenses = await codeLenses(file, uri, true);
    if (lenses.length === 0) out.push('(none)');
    for (const lens of lenses) {
      const sites = (lens.command?.arguments?.[2] ?? []) as { range: { start: LspPosition } }[];
      out.push(`- ${at(lens.range.start)} **${lens.command?.title}** → ${sites.map((site) => at(site.range.start)).join(', ')}`);
    }

    out.push('', '## Inlay hints (every kind on)', '');
    const whole = { start: { line: 0, character: 0 }, end: { line: file.source.lines.length, character: 0 } };
    const hints = await inlayHints(file, whole, ALL_HINTS);
    if (hints.length === 0) out.push('(none)');
    for (const hint of hints) {
      const tooltip = typeof hint.tooltip === 'string' ? hint.tooltip : (hint.tooltip?.value ?? '');
      out.push(`- ${at(hint.position)} \`${String(hint.label)}\` — ${tooltip}`);
    }

    const points = new Map<string, LspPosition>();
    for (const located of file.located) {
      const { kind } = located.fact;
      if (kind === 'escape' || kind === 'moved' || kind === 'leak' || isStackAllocation(located.fact)) {
        points.set(at(located.range.start), located.range.start);
      }
    }
    for (const declaration of await withGoTree(file.source.text, functionDeclarations)) {
      points.set(at(declaration.nameRange.start), declaration.nameRange.start);
    }
    const sorted = [...points.values()].sort((a, b) => a.line - b.line || a.character - b.character);
    for (const position of sorted) {
      const hover = await hoverAt(position, { file, packageFiles: result.files });
      if (!hover) continue;
      const value = typeof hover.contents === 'object' && 'value' in hover.contents ? hover.contents.value : String(hover.contents);
      const text = file.source.lines[position.line].slice(position.character).match(/^[^\s(]*/)?.[0] ?? '';
      out.push('', `## Hover at ${at(position)} \`${text}\``, '', value);
    }
    rendered.set(file.file, portable(`${out.join('\n')}\n`));
  }
  return rendered;
}

/** Absolute paths differ between machines: links are written relative to the fixture module. */
function portable(text: string): string {
  return text.split(pathToFileURL(FIXTURES).href).join('file://$FIXTURES');
}

function at(position: LspPosition): string {
  return `${position.line + 1}:${position.character + 1}`;
}

export function readGolden(goFile: string): string | undefined {
  const file = goldenPath(goFile);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
}
