/**
 * Measuring, without any LSP: runs a benchmark or reads a profile, finds the workspace's modules, and joins
 * the samples to the source as it is now. The language server and the CLI both drive this.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EscapeFact } from './model/facts';
import { decodeAllocationProfile } from './engine/decodeAllocationProfile';
import { analysisEnvironment, type GoSettings } from './engine/goCommand';
import { type BenchmarkRequest, runBenchmark } from './engine/runBenchmark';
import type { GoRunner } from './engine/runGo';
import { type Attribution, attributeSamples } from './measurement/attributeSamples';
import { type CurrentFile, placeMeasurement } from './measurement/placeMeasurement';
import { packagePathOf, pathResolver, type WorkspaceModule } from './measurement/profilePaths';
import type { AllocationProfile, AllocationSampleType, BenchmarkFigures, Measurement, MeasurementSource } from './model/measurement';
import { type FunctionSpan, functionSpans } from './syntax/functionSpans';
import { withGoTree } from './syntax/goParser';
import { splitLines } from './syntax/positions';

export interface MeasureContext {
  readonly modules: readonly WorkspaceModule[];
  readonly goroot?: string;
  readonly moduleCache?: string;
  /** The text of a workspace file as the user sees it now (an open editor's, else the disk's); undefined if gone. */
  readonly textOf: (file: string) => string | undefined;
  /** The facts the compiler reported for a file, when it was analysed: `does not escape` lines explain causes. */
  readonly factsOf?: (file: string) => readonly EscapeFact[] | undefined;
}

export type MeasureResult =
  | {
      readonly ok: true;
      readonly measurement: Measurement;
      readonly figures?: BenchmarkFigures;
      /** The samples by function and offset, before placing: placed again on the source as it changes. */
      readonly attribution: Attribution;
    }
  | { readonly ok: false; readonly cancelled: boolean; readonly message: string };

/** Measures one benchmark and joins its profile to the workspace's source. */
export async function measureBenchmark(
  request: BenchmarkRequest,
  settings: GoSettings,
  runGo: GoRunner,
  context: MeasureContext,
  signal?: AbortSignal,
): Promise<MeasureResult> {
  const run = await runBenchmark(request, settings, runGo, signal);
  if (!run.ok) return run;
  const packagePath = importPathOf(request.directory, context.modules);
  const within = (functionName: string) =>
    functionName.endsWith(`.${request.benchmark}`) &&
    (packagePath === undefined || [packagePath, `${packagePath}_test`].includes(packagePathOf(functionName)));
  const attribution = attribute(run.profile, context, { sampleType: 'alloc_space', within });
  const measurement = await placeOnSource(
    attribution,
    { kind: 'benchmark', benchmark: run.figures, directory: request.directory },
    context,
  );
  return { ok: true, measurement, figures: run.figures, attribution };
}

/** Reads an allocation profile file and joins it to the workspace's source. */
export async function loadProfile(file: string, sampleType: AllocationSampleType, context: MeasureContext): Promise<MeasureResult> {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    return { ok: false, cancelled: false, message: `${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}).` };
  }
  const decoded = await decodeAllocationProfile(bytes, path.basename(file));
  if (!decoded.ok) return { ok: false, cancelled: false, message: decoded.message };
  const attribution = attribute(decoded.profile, context, { sampleType });
  const measurement = await placeOnSource(attribution, { kind: 'profile', file, sampleType }, context);
  if (measurement.sites.length === 0) {
    const unmatched = measurement.coverage.unmatchedFiles;
    return {
      ok: false,
      cancelled: false,
      message: `Nothing in ${path.basename(file)} matches this workspace: none of its allocations is in the workspace's packages${
        unmatched.length > 0 ? ` (it names files such as ${unmatched.slice(0, 3).join(', ')})` : ''
      }${measurement.coverage.staleDropped > 0 ? `, and ${measurement.coverage.staleDropped} lines no longer match the source` : ''}. Is it a profile of another program?`,
    };
  }
  return { ok: true, measurement, attribution };
}

export function attribute(
  profile: AllocationProfile,
  context: MeasureContext,
  options: { sampleType: AllocationSampleType; within?: (functionName: string) => boolean },
): Attribution {
  const resolve = pathResolver({
    modules: context.modules,
    goroot: context.goroot,
    moduleCache: context.moduleCache,
    exists: (file) => fs.existsSync(file),
  });
  return attributeSamples(profile, { resolve, sampleType: options.sampleType, within: options.within });
}

/** Places attributed samples on the source as it is now (open editors' text first): edits shift them or drop them. */
export async function placeOnSource(
  attribution: Attribution,
  source: MeasurementSource,
  context: MeasureContext,
  takenAt?: number,
): Promise<Measurement> {
  const files = new Map<string, CurrentFile | undefined>();
  for (const site of attribution.sites) {
    if (files.has(site.file)) continue;
    files.set(site.file, await currentFile(site.file, context));
  }
  return placeMeasurement(attribution, { source, currentFile: (file) => files.get(file), takenAt });
}

/** The last parse of each file's functions, by text: hovers and hints place the same text again and again. */
const spansMemo = new Map<string, { text: string; functions: Promise<FunctionSpan[]> }>();

async function currentFile(file: string, context: MeasureContext): Promise<CurrentFile | undefined> {
  const text = context.textOf(file);
  if (text === undefined) return undefined;
  let memo = spansMemo.get(file);
  if (memo?.text !== text) {
    memo = { text, functions: withGoTree(text, functionSpans) };
    memo.functions.catch(() => spansMemo.delete(file));
    spansMemo.set(file, memo);
  }
  const functions = await memo.functions;
  const stackByLine = new Map<number, string[]>();
  for (const fact of context.factsOf?.(file) ?? []) {
    if (fact.kind !== 'noEscape') continue;
    const list = stackByLine.get(fact.position.line) ?? [];
    list.push(fact.expression);
    stackByLine.set(fact.position.line, list);
  }
  return { functions, lines: splitLines(text), stackExpressions: (line) => stackByLine.get(line) ?? [] };
}

/** The import path of a package directory, from the module that holds it. */
export function importPathOf(directory: string, modules: readonly WorkspaceModule[]): string | undefined {
  const module = [...modules]
    .sort((a, b) => b.directory.length - a.directory.length)
    .find((candidate) => directory === candidate.directory || directory.startsWith(`${candidate.directory}${path.sep}`));
  if (!module) return undefined;
  const relative = path.relative(module.directory, directory).split(path.sep).join('/');
  return relative ? `${module.path}/${relative}` : module.path;
}

const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules', 'vendor', 'testdata', '.cache']);

/** The Go modules under the workspace's folders (each go.mod's module path and directory). */
export function findWorkspaceModules(roots: readonly string[], maxDepth = 6): WorkspaceModule[] {
  const modules: WorkspaceModule[] = [];
  const visit = (directory: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(directory, { withFileTypes: true });
    } catch {
      return;
    }
    if (entries.some((entry) => entry.isFile() && entry.name === 'go.mod')) {
      const modulePath = /^module\s+("?)([^\s"]+)\1/m.exec(fs.readFileSync(path.join(directory, 'go.mod'), 'utf8'))?.[2];
      if (modulePath) modules.push({ path: modulePath, directory });
    }
    if (depth >= maxDepth) return;
    for (const entry of entries) {
      if (entry.isDirectory() && !SKIPPED_DIRECTORIES.has(entry.name) && !entry.name.startsWith('.'))
        visit(path.join(directory, entry.name), depth + 1);
    }
  };
  for (const root of roots) visit(root, 0);
  return modules;
}

/** This machine's GOROOT and GOMODCACHE, from `go env`, for links into the standard library and dependencies. */
export async function goPaths(settings: GoSettings, runGo: GoRunner, cwd: string): Promise<{ goroot?: string; moduleCache?: string }> {
  const result = await runGo({
    goBinary: settings.goBinary,
    args: ['env', 'GOROOT', 'GOMODCACHE'],
    cwd,
    env: analysisEnvironment(settings),
  });
  if (result.exitCode !== 0) return {};
  const [goroot, moduleCache] = result.stdout.split('\n').map((line) => line.trim());
  return { ...(goroot ? { goroot } : {}), ...(moduleCache ? { moduleCache } : {}) };
}
