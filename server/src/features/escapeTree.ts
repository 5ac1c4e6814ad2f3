/**
 * The escape tree's data: every analysed package's heap allocations, package → file → function → site,
 * each level sorted by count so the hot spots come first. The client renders it as it is.
 */
import * as nodePath from 'node:path';
import type { FileAnalysis, PackageResult } from '../model/analysis';
import type { EscapeTreeFile, EscapeTreeFunction, EscapeTreePackage, EscapeTreePackageWithFiles, EscapeTreeSite } from '../protocol';
import { fileSyntax } from './fileSyntax';
import type { LocatedFact } from '../model/analysis';
import { summariseFile } from './functionSummary';
import { headlineReason, reasonText } from './reasonText';
import { shownExpression } from './userTerms';

export const PACKAGE_LEVEL = '(package level)';

/**
 * `results` may hold two variants of a package (compiled without and with its tests); each file is shown
 * once, with the newest facts any variant has for it (`newestFacts`: the analysis service's per-file view).
 */
export async function escapeTree(
  results: readonly PackageResult[],
  uriOf: (file: string) => string,
  newestFacts: (file: string) => FileAnalysis | undefined = () => undefined,
): Promise<EscapeTreePackageWithFiles[]> {
  const byDirectory = new Map<string, PackageResult[]>();
  for (const result of results) byDirectory.set(result.directory, [...(byDirectory.get(result.directory) ?? []), result]);
  const packages: EscapeTreePackageWithFiles[] = [];
  for (const [directory, variants] of byDirectory) {
    const paths = [...new Set(variants.flatMap((variant) => [...variant.files.keys()]))].sort();
    const files: EscapeTreeFile[] = [];
    for (const path of paths) {
      const file = newestFacts(path) ?? variants.map((variant) => variant.files.get(path)).find((found) => found !== undefined);
      if (file?.located.some(isHeap)) files.push(await fileNode(file, uriOf(file.file)));
    }
    if (files.length === 0) continue;
    const stale = variants.find((variant) => variant.stale);
    packages.push({
      directory,
      name: packageName(
        variants.flatMap((variant) => variant.analysis.facts.importPaths),
        directory,
      ),
      heapAllocations: total(files),
      ...(stale ? { staleReason: stale.analysis.message ?? 'the last analysis failed' } : {}),
      files: byCount(files),
    });
  }
  return byCount(packages);
}

async function fileNode(file: FileAnalysis, uri: string): Promise<EscapeTreeFile> {
  const summary = summariseFile((await fileSyntax(file)).functions, file.located);
  const functions: EscapeTreeFunction[] = summary.functions
    .filter((item) => item.heap.length > 0)
    .map((item) => ({
      name: item.declaration.compilerName,
      uri,
      range: item.declaration.nameRange,
      heapAllocations: item.heap.length,
      leakingParameters: item.leaks.length,
      sites: item.heap.map((located) => site(located, uri)),
    }));
  if (summary.packageLevelHeap.length > 0) {
    functions.push({
      name: PACKAGE_LEVEL,
      uri,
      range: summary.packageLevelHeap[0].range,
      heapAllocations: summary.packageLevelHeap.length,
      leakingParameters: 0,
      sites: summary.packageLevelHeap.map((located) => site(located, uri)),
    });
  }
  return { uri, heapAllocations: total(functions), functions: byCount(functions) };
}

function isHeap(located: LocatedFact): boolean {
  return located.fact.kind === 'escape' || located.fact.kind === 'moved';
}

function site(located: LocatedFact, uri: string): EscapeTreeSite {
  const reason = headlineReason(located.fact);
  return {
    uri,
    range: located.range,
    expression: shownExpression(located),
    kind: located.fact.kind === 'moved' ? 'moved' : 'escape',
    ...(reason ? { reason: reasonText(reason).short } : {}),
  };
}

/**
 * The tree of the packages with results, and the kept tree nodes of packages analysed only by the
 * workspace command (a package with a result is shown from its result: it is newer).
 */
export function withKeptPackages(
  live: EscapeTreePackageWithFiles[],
  kept: Iterable<EscapeTreePackageWithFiles>,
): EscapeTreePackageWithFiles[] {
  const shown = new Set(live.map((item) => item.directory));
  return byCount([...live, ...[...kept].filter((item) => !shown.has(item.directory))]);
}

/** The tree's top level: the packages and their counts, without their files (asked for on expanding). */
export function packagesOnly(packages: readonly EscapeTreePackageWithFiles[]): EscapeTreePackage[] {
  return packages.map(({ files: _files, ...item }) => item);
}

/**
 * The package's import path. `go test -c` compiles variants (`p [p.test]`, `p_test [p.test]`) and the
 * generated `p.test` main; all name the same directory.
 */
export function packageName(importPaths: readonly string[], directory: string): string {
  const paths = importPaths.map((name) => name.replace(/ \[.*\]$/, '')).filter((name) => !name.endsWith('.test'));
  return paths.map((name) => name.replace(/_test$/, ''))[0] ?? nodePath.basename(directory);
}

function total(items: readonly { heapAllocations: number }[]): number {
  return items.reduce((sum, item) => sum + item.heapAllocations, 0);
}

/** Most allocations first; ties by name (or URI) so the order is stable. */
function byCount<T extends { heapAllocations: number } & ({ name: string } | { uri: string })>(items: T[]): T[] {
  const key = (item: T) => ('name' in item ? item.name : item.uri);
  return items.sort((a, b) => b.heapAllocations - a.heapAllocations || key(a).localeCompare(key(b)));
}
