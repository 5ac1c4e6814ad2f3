/**
 * `check --bench REGEX` and `check --profile FILE`: measures first (each matching benchmark of the checked
 * packages, one at a time, or one profile), then joins each package's findings to the measurement as the
 * package is reported: a heap allocation on a measured line gets `measured`, a measured line the compiler
 * reports nothing on becomes a `measured` finding with its likely cause, and a benchmark over its
 * `//escape:allocs N` budget is a violation.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { GoSettings } from '../engine/goCommand';
import type { GoRunner } from '../engine/runGo';
import { measurementName, siteFigures } from '../features/measuredFigures';
import type { Attribution } from '../measurement/attributeSamples';
import { causeText } from '../measurement/likelyCause';
import type { WorkspaceModule } from '../measurement/profilePaths';
import { findWorkspaceModules, goPaths, loadProfile, type MeasureContext, measureBenchmark, placeOnSource } from '../measurementService';
import type { AllocationSampleType, BenchmarkFigures, MeasuredSite, Measurement, MeasurementSource } from '../model/measurement';
import { readDirectives } from '../syntax/directives';
import { splitLines, toSourceText } from '../syntax/positions';
import { benchmarkDeclarations } from '../features/measuredLenses';
import { compareFindings, FINDING_RULES, type Finding, isAllocation, type MeasuredFigures, relativePath } from './findings';
import type { PackageReport } from './runCheck';

export interface CheckMeasurementOptions {
  readonly bench?: string;
  readonly benchtime: string;
  readonly profile?: string;
  readonly sampleType: AllocationSampleType;
}

/** The options as `check` and `fix` take them from the command line, with their defaults: 1s, alloc_space. */
export function measurementOptions(given: {
  readonly bench?: string;
  readonly benchtime?: string;
  readonly profile?: string;
  readonly sampleType?: AllocationSampleType;
}): CheckMeasurementOptions {
  return { bench: given.bench, benchtime: given.benchtime ?? '1s', profile: given.profile, sampleType: given.sampleType ?? 'alloc_space' };
}

/** One benchmark run or one profile, kept as samples by function and offset until a package is reported. */
interface Taken {
  readonly attribution: Attribution;
  readonly source: MeasurementSource;
  readonly figures?: BenchmarkFigures;
}

export type Measured =
  | { readonly ok: true; readonly taken: readonly Taken[]; readonly context: MeasureContext }
  | { readonly ok: false; readonly message: string };

export async function measureForCheck(
  packages: readonly { readonly importPath: string; readonly directory: string }[],
  options: CheckMeasurementOptions,
  environment: {
    readonly settings: GoSettings;
    readonly runGo: GoRunner;
    readonly cwd: string;
    readonly onProgress?: (message: string) => void;
  },
): Promise<Measured> {
  const modules = modulesOf(
    packages.map((pkg) => pkg.directory),
    environment.cwd,
  );
  const context: MeasureContext = {
    modules,
    ...(await goPaths(environment.settings, environment.runGo, environment.cwd)),
    textOf: (file) => {
      try {
        return fs.readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
    },
  };
  const taken: Taken[] = [];
  if (options.profile !== undefined) {
    const loaded = await loadProfile(path.resolve(environment.cwd, options.profile), options.sampleType, context);
    if (!loaded.ok) return { ok: false, message: `--profile: ${loaded.message}` };
    taken.push({ attribution: loaded.attribution, source: loaded.measurement.source });
  }
  if (options.bench !== undefined) {
    let pattern: RegExp;
    try {
      pattern = new RegExp(options.bench);
    } catch (error) {
      return { ok: false, message: `--bench ${options.bench}: not a regular expression (${(error as Error).message})` };
    }
    let found = 0;
    for (const pkg of packages) {
      for (const benchmark of packageBenchmarks(pkg.directory).filter((name) => pattern.test(name))) {
        found++;
        environment.onProgress?.(`measuring ${pkg.importPath} ${benchmark}`);
        const result = await measureBenchmark(
          { directory: pkg.directory, benchmark, benchtime: options.benchtime },
          environment.settings,
          environment.runGo,
          context,
        );
        if (!result.ok) return { ok: false, message: `${pkg.importPath}: ${result.message}` };
        taken.push({ attribution: result.attribution, source: result.measurement.source, figures: result.figures });
      }
    }
    if (found === 0) return { ok: false, message: `--bench ${options.bench}: no benchmark of the checked packages matches` };
  }
  return { ok: true, taken, context };
}

/** The report's findings with what was measured on their lines, the measured-only lines, and broken allocs budgets. */
export async function withMeasurements(report: PackageReport, measured: Extract<Measured, { ok: true }>, root: string): Promise<Finding[]> {
  const files = report.files;
  const context: MeasureContext = { ...measured.context, factsOf: (file) => files?.get(file)?.located.map((located) => located.fact) };
  const placed: Measurement[] = [];
  for (const taken of measured.taken) placed.push(await placeOnSource(taken.attribution, taken.source, context));
  const inPackage = (file: string) => path.dirname(file) === report.directory;
  /** Per line of this package, the biggest measured site of any measurement. */
  const byLine = new Map<string, { site: MeasuredSite; measurement: Measurement }>();
  for (const measurement of placed) {
    for (const site of measurement.sites) {
      if (!inPackage(site.file)) continue;
      const key = `${site.file}:${site.line}`;
      const previous = byLine.get(key);
      if (!previous || bytesOf(site) > bytesOf(previous.site)) byLine.set(key, { site, measurement });
    }
  }
  const heapLines = new Set<string>();
  const findings = report.findings.map((finding) => {
    if (!isAllocation(finding)) return finding;
    const key = `${path.join(root, finding.file)}:${finding.line}`;
    heapLines.add(key);
    const hit = byLine.get(key);
    return hit ? { ...finding, measured: figuresOf(hit.site, hit.measurement) } : finding;
  });
  for (const [key, { site, measurement }] of byLine) {
    if (heapLines.has(key)) continue;
    findings.push(measuredFinding(site, measurement, report, root));
  }
  for (const taken of measured.taken) {
    if (taken.source.kind !== 'benchmark' || taken.source.directory !== report.directory || !taken.figures) continue;
    const broken = await brokenAllocsBudget(taken.figures, report, root);
    if (broken) findings.push(broken);
  }
  return findings.sort(compareFindings);
}

function bytesOf(site: MeasuredSite): number {
  return site.perOp ? site.perOp.bytes : site.bytes;
}

/** Rounded as the output shows them: per-op figures to two decimals, the share to three. */
function figuresOf(site: MeasuredSite, measurement: Measurement): MeasuredFigures {
  const share = Math.round(site.share * 1000) / 1000;
  if (site.perOp && measurement.source.kind === 'benchmark') {
    return {
      benchmark: measurement.source.benchmark.name,
      bytesPerOp: Math.round(site.perOp.bytes * 100) / 100,
      allocsPerOp: Math.round(site.perOp.allocs * 100) / 100,
      share,
    };
  }
  return { bytes: site.bytes, objects: site.objects, share };
}

function measuredFinding(site: MeasuredSite, measurement: Measurement, report: PackageReport, root: string): Finding {
  const source = report.files?.get(site.file)?.source;
  const lineText = (source?.lines ?? splitLines(fs.readFileSync(site.file, 'utf8')))[site.line - 1] ?? '';
  const start = lineText.length - lineText.trimStart().length;
  const cause = site.causes.map(causeText).join('; ');
  return {
    kind: 'measured',
    rule: FINDING_RULES.measured,
    package: report.importPath,
    function: site.functionName,
    expression: lineText.trim(),
    message: `measured in ${measurementName(measurement)}: ${siteFigures(site, measurement)}; the compiler reports no heap allocation here (likely cause: ${cause})`,
    file: relativePath(root, site.file),
    line: site.line,
    column: Buffer.byteLength(lineText.slice(0, start), 'utf8') + 1,
    range: { start: { line: site.line - 1, character: start }, end: { line: site.line - 1, character: lineText.trimEnd().length } },
    steps: [],
    related: [],
    violation: false,
    why: [],
    measured: figuresOf(site, measurement),
    cause,
  };
}

/** A benchmark whose measured allocs/op exceed the `//escape:allocs N` above it. */
async function brokenAllocsBudget(figures: BenchmarkFigures, report: PackageReport, root: string): Promise<Finding | undefined> {
  for (const name of fs.readdirSync(report.directory).filter((entry) => entry.endsWith('_test.go'))) {
    const file = path.join(report.directory, name);
    const text = fs.readFileSync(file, 'utf8');
    if (!text.includes(`func ${figures.name}(`) || !text.includes('escape:allocs')) continue;
    const directives = await readDirectives(toSourceText(text));
    const fn = directives.functions.find((candidate) => candidate.name === figures.name);
    if (!fn?.allocsBudget || figures.allocsPerOp <= fn.allocsBudget.max) continue;
    const lineText = splitLines(text)[fn.nameRange.start.line] ?? '';
    return {
      kind: 'budget',
      rule: FINDING_RULES.budget,
      package: report.importPath,
      function: figures.name,
      expression: fn.allocsBudget.text,
      message: `${figures.name} measured ${figures.allocsPerOp} allocs/op where ${fn.allocsBudget.text} allows ${fn.allocsBudget.max}`,
      file: relativePath(root, file),
      line: fn.nameRange.start.line + 1,
      column: Buffer.byteLength(lineText.slice(0, fn.nameRange.start.character), 'utf8') + 1,
      range: fn.nameRange,
      steps: [],
      related: [],
      violation: true,
      why: [`${figures.allocsPerOp} allocs/op measured, ${fn.allocsBudget.max} allowed`],
    };
  }
  return undefined;
}

function packageBenchmarks(directory: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(directory).filter((name) => name.endsWith('_test.go'));
  } catch {
    return [];
  }
  return names
    .sort()
    .flatMap((name) => benchmarkDeclarations(splitLines(fs.readFileSync(path.join(directory, name), 'utf8'))).map((item) => item.name));
}

/** The modules that hold the packages (go.mod found upwards from each), and those under the working directory. */
function modulesOf(directories: readonly string[], cwd: string): WorkspaceModule[] {
  const modules = new Map<string, WorkspaceModule>();
  for (const module of findWorkspaceModules([cwd])) modules.set(module.directory, module);
  for (const start of directories) {
    for (let directory = start; ; directory = path.dirname(directory)) {
      if (modules.has(directory)) break;
      const goMod = path.join(directory, 'go.mod');
      if (fs.existsSync(goMod)) {
        const modulePath = /^module\s+("?)([^\s"]+)\1/m.exec(fs.readFileSync(goMod, 'utf8'))?.[2];
        if (modulePath) modules.set(directory, { path: modulePath, directory });
        break;
      }
      if (path.dirname(directory) === directory) break;
    }
  }
  return [...modules.values()];
}
