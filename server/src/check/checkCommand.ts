/**
 * `go-escape-lens check [packages]`: the steps of one run, from options to exit code. cli.ts only declares
 * the options; this is where they meet the engine.
 *
 * Exit codes: 0 no violations, 1 violations (a budget broken, a directive not understood, or an allocation
 * that the baseline does not have), 2 the analysis could not run (the reason goes to stderr).
 */
import * as os from 'node:os';
import { parse as parseShellWords } from 'shell-quote';
import type { GoSettings } from '../engine/goCommand';
import { ANNOTATION_KINDS, type Annotations } from '../model/annotations';
import type { GoRunner } from '../engine/runGo';
import { ensureSkipLinkTool } from '../engine/skipLinkTool';
import { baselineLabel, baselineSpec, gitBaselineAllocations, gitTopLevel, readBaselineFile } from './baseline';
import { type AllocationIdentity, byPackage, matchAgainstBaseline } from './baselineMatching';
import type { AllocationSampleType } from '../model/measurement';
import { type Finding, isAllocation, measuredBytes } from './findings';
import { type Measured, measureForCheck, measurementOptions, withMeasurements } from './measuredFindings';
import { commandGo } from './commandGo';
import { FORMATS, type Format, type FindingWriter } from './findingWriter';
import { githubWriter } from './formatGithub';
import { jsonWriter } from './formatJson';
import { sarifWriter } from './formatSarif';
import { summaryWriter } from './formatSummary';
import { Tally, textWriter } from './formatText';
import { createProgress } from './progress';
import type { ResolvedPackage } from './resolvePackages';
import { analysePackages, InOrder, resolveCheckPackages, type Shard } from './runCheck';

export { FORMATS, type Format };

export const EXIT = { clean: 0, violations: 1, cannotRun: 2 } as const;

export const TOOL_VERSION = '0.1.0';

export interface CheckCommandOptions {
  readonly format: Format;
  readonly baseline?: string;
  readonly tags?: string;
  /** Each entry is split like a shell would: `--build-flags "-race -mod=vendor"`. */
  readonly buildFlags: readonly string[];
  /** `KEY=VALUE` entries. */
  readonly env: readonly string[];
  /** The go command; without it, go is searched for as the editor does (GOROOT, PATH, the install folders). */
  readonly go?: string;
  readonly jobs?: number;
  readonly violationsOnly: boolean;
  /** Also check `_test.go` files. */
  readonly tests: boolean;
  /** Only this shard of the packages (`--shard 2/4`). */
  readonly shard?: Shard;
  /** Optimisation details to report besides the allocations: `bounds,nil,inline`. */
  readonly annotations?: string;
  /** Measure the benchmarks whose names match this regular expression (`--bench`). */
  readonly bench?: string;
  /** `-benchtime` for `--bench`. */
  readonly benchtime?: string;
  /** An allocation profile to join to the findings (`--profile`). */
  readonly profile?: string;
  /** Which figures of the profile count (`--sample-type`). */
  readonly sampleType?: AllocationSampleType;
}

export interface CheckIo {
  readonly cwd: string;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly runGo: GoRunner;
  readonly environment: NodeJS.ProcessEnv;
}

export async function runCheckCommand(patterns: readonly string[], options: CheckCommandOptions, io: CheckIo): Promise<number> {
  const parsed = goSettingsFrom(options);
  if (typeof parsed === 'string') return fail(io, parsed);
  const go = await commandGo(options.go, io.runGo, io.environment);
  if ('problem' in go) return fail(io, go.problem);
  return check(patterns, options, io, { ...parsed, goBinary: go.binary }, io.runGo);
}

function fail(io: CheckIo, message: string): number {
  io.stderr.write(`go-escape-lens check: ${message}\n`);
  return EXIT.cannotRun;
}

/**
 * Resolves the packages, loads the baseline (only allocation identities are kept of it), then analyses
 * the packages, writing each one's findings as soon as it and those before it in the list are done.
 */
async function check(
  patterns: readonly string[],
  options: CheckCommandOptions,
  io: CheckIo,
  settings: GoSettings,
  runGo: GoRunner,
): Promise<number> {
  const environment = {
    settings,
    runGo,
    skipLinkTool: ensureSkipLinkTool(),
    parallelism: options.jobs ?? Math.max(1, os.availableParallelism()),
    includeTests: options.tests,
  };
  const resolved = await resolveCheckPackages(patterns.length > 0 ? patterns : ['.'], {
    ...environment,
    cwd: io.cwd,
    shard: options.shard,
  });
  if (!resolved.ok) return fail(io, resolved.message);
  for (const warning of resolved.warnings) io.stderr.write(`go-escape-lens check: ${warning}\n`);
  const { packages } = resolved;

  let baseline: { readonly label: string; readonly byPackage: Map<string, AllocationIdentity[]> } | undefined;
  if (options.baseline !== undefined) {
    const loaded = await loadBaseline(options.baseline, packages, { ...environment, cwd: io.cwd }, io);
    if (!loaded.ok) return fail(io, loaded.message);
    baseline = loaded.value;
  }

  const measuring = options.bench !== undefined || options.profile !== undefined;
  let measured: Extract<Measured, { ok: true }> | undefined;
  if (measuring) {
    const progress = createProgress(io.stderr);
    const result = await measureForCheck(packages, measurementOptions(options), {
      settings,
      runGo,
      cwd: io.cwd,
      onProgress: (message) => progress.update(0, 1, message),
    });
    progress.finish();
    if (!result.ok) return fail(io, result.message);
    measured = result;
  }

  const writer = await findingWriter(options.format, io, settings, measuring);
  const tally = new Tally();
  // The writer sees the packages in list order; only findings that arrive ahead of their turn wait here.
  const output = new InOrder<{ importPath: string; findings: readonly Finding[] }>((item) => {
    const text = writer.package(item.importPath, item.findings);
    if (text) io.stdout.write(text);
  });
  const progress = createProgress(io.stderr);
  io.stdout.write(writer.begin());
  const report = (index: number, importPath: string, reported: readonly Finding[]) => {
    const findings = baseline ? onlyNewAllocations(reported, baseline.byPackage.get(importPath) ?? [], baseline.label) : reported;
    tally.add(findings);
    const shown = options.violationsOnly ? findings.filter((finding) => finding.violation) : findings;
    // With a measurement, text and summary read the most measured bytes first.
    const ranked = measured && (options.format === 'text' || options.format === 'summary') ? rankByMeasuredBytes(shown) : shown;
    output.put(index, { importPath, findings: ranked });
  };
  const joining: Promise<void>[] = [];
  const outcome = await analysePackages(packages, {
    ...environment,
    root: io.cwd,
    onPackageDone: (pkg, done, total) => progress.update(done, total, pkg.importPath),
    onReport: (index, packageReport) => {
      if (!packageReport) return output.put(index, undefined);
      if (!measured) return report(index, packageReport.importPath, packageReport.findings);
      const joined = withMeasurements(packageReport, measured, io.cwd).then(
        (findings) => report(index, packageReport.importPath, findings),
        (error: unknown) => {
          io.stderr.write(`go-escape-lens check: joining the measurement to ${packageReport.importPath} failed: ${String(error)}\n`);
          report(index, packageReport.importPath, packageReport.findings);
        },
      );
      joining.push(joined);
    },
  });
  await Promise.all(joining);
  progress.finish();
  // Even when a package failed, JSON and SARIF are closed: what was found still parses.
  io.stdout.write(writer.end());
  if (!outcome.ok) return fail(io, outcome.message);
  if (options.format === 'text') io.stderr.write(`go-escape-lens check: ${tally.line(packages.length)}\n`);
  return tally.failed ? EXIT.violations : EXIT.clean;
}

type BaselineLoad = { ok: true; value: { label: string; byPackage: Map<string, AllocationIdentity[]> } } | { ok: false; message: string };

async function loadBaseline(
  argument: string,
  packages: readonly ResolvedPackage[],
  environment: Parameters<typeof gitBaselineAllocations>[2],
  io: CheckIo,
): Promise<BaselineLoad> {
  const spec = baselineSpec(argument, io.cwd);
  if (spec.kind === 'file') {
    const loaded = readBaselineFile(spec.file);
    return loaded.ok ? { ok: true, value: { label: baselineLabel(spec), byPackage: byPackage(loaded.value) } } : loaded;
  }
  const loaded = await gitBaselineAllocations(spec.ref, packages, environment);
  if (!loaded.ok) return loaded;
  for (const warning of loaded.value.warnings) io.stderr.write(`go-escape-lens check: ${warning}\n`);
  return { ok: true, value: { label: baselineLabel(spec), byPackage: byPackage(loaded.value.allocations) } };
}

/**
 * Keeps budgets and directive problems, and of the allocations only those the baseline does not have:
 * each of those is a violation unless an `//escape:ok` accepts it, or it allocates nothing at run time
 * (a new `panic("x")` must not fail a pull request).
 */
export function onlyNewAllocations(findings: readonly Finding[], baseline: readonly AllocationIdentity[], label: string): Finding[] {
  const { added } = matchAgainstBaseline(findings.filter(isAllocation), baseline);
  const isNew = new Set(added);
  return findings.flatMap((finding): Finding[] => {
    if (!isAllocation(finding)) return [finding];
    if (!isNew.has(finding)) return [];
    const violation = finding.accepted === undefined && finding.allocatesNothing === undefined;
    return [
      {
        ...finding,
        newSince: label,
        violation,
        why: violation ? [`new since ${label}`] : [],
      },
    ];
  });
}

/** Most measured bytes first; the rest keep their file and line order. */
export function rankByMeasuredBytes(findings: readonly Finding[]): Finding[] {
  return findings
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => measuredBytes(b.finding) - measuredBytes(a.finding) || a.index - b.index)
    .map((entry) => entry.finding);
}

async function findingWriter(format: Format, io: CheckIo, settings: GoSettings, measured = false): Promise<FindingWriter> {
  switch (format) {
    case 'json':
      return jsonWriter();
    case 'sarif':
      return sarifWriter({
        root: io.cwd,
        sourceRoot: (await gitTopLevel(io.cwd)) ?? io.cwd,
        toolVersion: TOOL_VERSION,
        annotationKinds: (['bounds', 'nil', 'inline'] as const).filter((kind) => settings.annotations?.[kind]),
        measured,
      });
    case 'github':
      return githubWriter({ root: io.cwd, repositoryRoot: (await gitTopLevel(io.cwd)) ?? io.cwd });
    case 'summary':
      return summaryWriter();
    case 'text':
      return textWriter({ colour: wantsColour(io) });
  }
}

/** Colour on a terminal, unless NO_COLOR is set; FORCE_COLOR forces it (https://no-color.org). */
function wantsColour(io: CheckIo): boolean {
  const force = io.environment.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0') return true;
  if (io.environment.NO_COLOR) return false;
  return io.stdout.isTTY === true;
}

/** The CLI's options as the engine's settings, or the reason they are not valid. */
export function goSettingsFrom(options: CheckCommandOptions): GoSettings | string {
  const env: Record<string, string> = {};
  for (const entry of options.env) {
    const separator = entry.indexOf('=');
    if (separator <= 0) return `--env expects KEY=VALUE, got "${entry}"`;
    env[entry.slice(0, separator)] = entry.slice(separator + 1);
  }
  // `$NAME` stays as written: the shell that ran us has already expanded what it meant to.
  const words = options.buildFlags.flatMap((flags) => parseShellWords(flags, (name) => `$${name}`));
  const operator = words.find((word) => typeof word !== 'string');
  if (operator) return `--build-flags takes flags, not shell syntax (found ${JSON.stringify(operator)})`;
  const buildFlags = words as string[];
  const gcflags = buildFlags.find((flag) => /^--?gcflags\b/.test(flag));
  if (gcflags) return `${gcflags}: the analysis sets -gcflags itself; pass other build flags`;
  if (options.tags !== undefined) buildFlags.unshift(`-tags=${options.tags}`);
  const annotations = options.annotations === undefined ? undefined : parseAnnotationList(options.annotations);
  if (typeof annotations === 'string') return annotations;
  return { goBinary: options.go ?? 'go', buildFlags, env, ...(annotations ? { annotations } : {}) };
}

/** `bounds,nil,inline`: the kinds shown besides the allocations (which `check` always reports). */
export function parseAnnotationList(list: string): Annotations | string {
  const names = list
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  const unknown = names.filter((name) => !(ANNOTATION_KINDS as readonly string[]).includes(name));
  if (unknown.length > 0) return `--annotations: unknown kind ${unknown.join(', ')} (the kinds are ${ANNOTATION_KINDS.join(', ')})`;
  return {
    escape: true,
    inline: names.includes('inline'),
    bounds: names.includes('bounds'),
    nil: names.includes('nil'),
  };
}
