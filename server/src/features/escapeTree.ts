/**
 * The escape tree's data: every analysed package's heap allocations (and, with their annotations on, the
 * bounds and nil checks the compiler keeps), package → file → function → site, each level sorted by count
 * so the hot spots come first (features/measuredTree.ts re-ranks it by measured bytes when there is a
 * measurement). The client renders it as it is.
 *
 * The tree is built from every fact the analysis has, then `shownTree` keeps the kinds whose annotations
 * are on: the tree counts what the editor shows, and a package kept from the workspace command follows a
 * setting changed after it was analysed.
 */
import * as nodePath from 'node:path';
import type { FileAnalysis, LocatedFact, PackageResult } from '../model/analysis';
import type { Annotations } from '../model/annotations';
import { isBoundsCheckKind } from '../model/checks';
import type {
  EscapeTreeCounts,
  EscapeTreeFile,
  EscapeTreeFunction,
  EscapeTreePackage,
  EscapeTreePackageWithFiles,
  EscapeTreeSite,
} from '../protocol';
import { rangeText } from './diagnostics';
import { fileFunctions } from './fileSyntax';
import { compareRanges, contains, summariseFile } from './functionSummary';
import { allocatesAtRunTime } from './nothingAllocated';
import { headlineReason, reasonText } from './reasonText';
import { shownExpression } from './userTerms';

export const PACKAGE_LEVEL = '(package level)';

/**
 * `results` may hold two variants of a package (compiled without and with its tests); each file is shown
 * once, with the newest facts any variant has for it (`newestFacts`: the analysis service's per-file view).
 * Every kind the facts hold is counted; `shownTree` keeps those that are on.
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
      if (file?.located.some((item) => siteKind(item) !== undefined)) files.push(await fileNode(file, uriOf(file.file)));
    }
    if (files.length === 0) continue;
    const stale = variants.find((variant) => variant.stale);
    packages.push({
      directory,
      name: packageName(
        variants.flatMap((variant) => variant.analysis.facts.importPaths),
        directory,
      ),
      ...sum(files),
      ...(stale ? { staleReason: stale.analysis.message ?? 'the last analysis failed' } : {}),
      files: byCount(files),
    });
  }
  return byCount(packages);
}

async function fileNode(file: FileAnalysis, uri: string): Promise<EscapeTreeFile> {
  const summary = summariseFile(await fileFunctions(file), file.located);
  const sitesOf = (items: readonly LocatedFact[]) =>
    items
      .filter((item) => siteKind(item) !== undefined)
      .sort((a, b) => compareRanges(a.range, b.range))
      .map((item) => site(item, uri, file));
  const functions: EscapeTreeFunction[] = summary.functions
    .map((item) => ({
      name: ownCopy(item.declaration.compilerName),
      uri,
      range: item.declaration.nameRange,
      leakingParameters: item.leaks.length,
      sites: sitesOf([...item.heap, ...item.boundsChecks, ...item.nilChecks]),
    }))
    .filter((item) => item.sites.length > 0)
    .map((item) => ({ ...item, ...countSites(item.sites) }));
  // Facts outside every function: package-level variable initialisers.
  const packageLevel = sitesOf(
    file.located.filter((item) => !summary.functions.some((summarised) => contains(summarised.declaration.range, item.range.start))),
  );
  if (packageLevel.length > 0) {
    functions.push({
      name: PACKAGE_LEVEL,
      uri,
      range: packageLevel[0].range,
      leakingParameters: 0,
      sites: packageLevel,
      ...countSites(packageLevel),
    });
  }
  return { uri, ...sum(functions), functions: byCount(functions) };
}

/**
 * The text as a string of its own. Names and expressions are slices of the file's source (or of a compiler
 * line), and V8 keeps the whole parent string alive for a slice: the workspace command keeps tree nodes of
 * hundreds of packages, which held every one of their source files (22 MB on the standard library).
 */
function ownCopy(text: string): string {
  // Flattening the concatenation makes a new string; slicing it refers to that one, not the old parent.
  return ` ${text}`.slice(1);
}

function siteKind(located: LocatedFact): EscapeTreeSite['kind'] | undefined {
  const { kind } = located.fact;
  // A heap fact that allocates nothing (a constant's box) is no site of the tree, which lists allocations.
  if (kind === 'escape' || kind === 'moved') return allocatesAtRunTime(located) ? kind : undefined;
  if (isBoundsCheckKind(kind)) return 'bounds';
  return kind === 'nilCheck' ? 'nil' : undefined;
}

function site(located: LocatedFact, uri: string, file: FileAnalysis): EscapeTreeSite {
  const kind = siteKind(located)!;
  if (kind === 'bounds' || kind === 'nil') {
    const inlined = located.nodeType === 'call_expression';
    return {
      uri,
      range: located.range,
      expression: ownCopy(rangeText(file.source, located.range)),
      kind,
      reason: kind === 'nil' ? 'nil check' : inlined ? 'bounds check in the inlined call' : 'bounds check',
    };
  }
  const reason = headlineReason(located.fact);
  return {
    uri,
    range: located.range,
    expression: ownCopy(shownExpression(located)),
    kind,
    ...(reason ? { reason: reasonText(reason).short } : {}),
  };
}

/**
 * The tree as the settings show it: of each package, only the sites of the kinds whose annotations are on
 * (`annotationsOf` its directory), counted again; functions, files and packages left with nothing go.
 */
export function shownTree(
  packages: readonly EscapeTreePackageWithFiles[],
  annotationsOf: (directory: string) => Annotations,
): EscapeTreePackageWithFiles[] {
  const shown: EscapeTreePackageWithFiles[] = [];
  for (const item of packages) {
    const annotations = annotationsOf(item.directory);
    const files: EscapeTreeFile[] = [];
    for (const file of item.files) {
      const functions: EscapeTreeFunction[] = [];
      for (const entry of file.functions) {
        const sites = entry.sites.filter((candidate) => isShown(candidate.kind, annotations));
        if (sites.length === 0) continue;
        const { heapAllocations: _heap, boundsChecks: _bounds, nilChecks: _nil, ...rest } = entry;
        functions.push({
          ...rest,
          leakingParameters: annotations.escape ? entry.leakingParameters : 0,
          sites,
          ...countSites(sites, annotations),
        });
      }
      if (functions.length > 0) files.push({ uri: file.uri, ...sum(functions), functions: byCount(functions) });
    }
    if (files.length === 0) continue;
    const { heapAllocations: _heap, boundsChecks: _bounds, nilChecks: _nil, files: _files, ...rest } = item;
    shown.push({ ...rest, ...sum(files), files: byCount(files) });
  }
  return byCount(shown);
}

function isShown(kind: EscapeTreeSite['kind'], annotations: Annotations): boolean {
  return kind === 'escape' || kind === 'moved' ? annotations.escape : annotations[kind];
}

/** The counts of `sites`; with `annotations`, only of the kinds that are on (the others absent). */
function countSites(sites: readonly EscapeTreeSite[], annotations?: Annotations): EscapeTreeCounts {
  const count = (kinds: readonly EscapeTreeSite['kind'][]) => sites.filter((item) => kinds.includes(item.kind)).length;
  return {
    ...(annotations?.escape !== false ? { heapAllocations: count(['escape', 'moved']) } : {}),
    ...(annotations?.bounds !== false ? { boundsChecks: count(['bounds']) } : {}),
    ...(annotations?.nil !== false ? { nilChecks: count(['nil']) } : {}),
  };
}

/** The counts of a level: the sums of its children's, each kind present when a child has it. */
function sum(items: readonly EscapeTreeCounts[]): EscapeTreeCounts {
  const total = (key: keyof EscapeTreeCounts) =>
    items.some((item) => item[key] !== undefined) ? { [key]: items.reduce((sum, item) => sum + (item[key] ?? 0), 0) } : {};
  return { ...total('heapAllocations'), ...total('boundsChecks'), ...total('nilChecks') };
}

/** Everything a node counts, the key hot spots are sorted by. */
export function totalCount(item: EscapeTreeCounts): number {
  return (item.heapAllocations ?? 0) + (item.boundsChecks ?? 0) + (item.nilChecks ?? 0);
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

/** Most allocations first; ties by name (or URI) so the order is stable. */
export function byCount<T extends EscapeTreeCounts & ({ name: string } | { uri: string })>(items: T[]): T[] {
  const key = (item: T) => ('name' in item ? item.name : item.uri);
  return items.sort((a, b) => totalCount(b) - totalCount(a) || key(a).localeCompare(key(b)));
}
