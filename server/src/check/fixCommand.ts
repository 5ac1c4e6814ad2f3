/**
 * `go-escape-lens fix [packages]`: applies every verified fix, like `go fix` or `golangci-lint --fix`.
 *
 * Each package is fixed in memory (fixes/applyFixes.ts: every fix compiled, vetted and counted by the
 * compiler). Then the whole result is checked once more (finalCheck.ts): the packages must build and
 * `go test -short` must fail no package that passed before. Only then are files written; otherwise nothing
 * is. `--dry-run` writes nothing and lists what would be applied.
 *
 * Exit codes: 0 done (or nothing to do), 1 the fixes did not hold or a file of a package to fix changed
 * meanwhile (nothing written), 2 could not run, 130 or 143 interrupted (engine/atExit.ts).
 */
import { writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import type { GoRunner } from '../engine/runGo';
import { readFileIfExists } from '../engine/readFileIfExists';
import { ensureSkipLinkTool } from '../engine/skipLinkTool';
import { typeInfoTool } from '../engine/typeInfoTool';
import { type AppliedFix, applyPackageFixes, type PackageFixRun } from '../fixes/applyFixes';
import { type CheckCommandOptions, EXIT, goSettingsFrom } from './checkCommand';
import { commandGo } from './commandGo';
import { forEachAtMost } from './forEachAtMost';
import { checkFixedPackages } from './finalCheck';
import { type MeasuredSaving, measuredSaving, rankByMeasuredBytes, savingFigures } from '../features/fixRanking';
import { placeOnSource } from '../measurementService';
import type { Measurement } from '../model/measurement';
import { type Measured, measureForCheck, measurementOptions } from './measuredFindings';
import { resolvePackages } from './resolvePackages';

export const FIX_FORMATS = ['text', 'json', 'diff'] as const;
export type FixFormat = (typeof FIX_FORMATS)[number];

export interface FixCommandOptions
  extends Pick<CheckCommandOptions, 'tags' | 'buildFlags' | 'env' | 'go' | 'bench' | 'benchtime' | 'profile' | 'sampleType'> {
  readonly dryRun: boolean;
  readonly format: FixFormat;
  readonly includeRefactors: boolean;
  readonly valueReceiverMaxBytes?: number;
  /** Packages fixed at once (default: one for every 4 CPUs, `defaultFixJobs`). */
  readonly jobs?: number;
}

export interface FixIo {
  readonly cwd: string;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly runGo: GoRunner;
  /** Where the go command is looked for (GOROOT, PATH, HOME) when --go is not given. */
  readonly environment: NodeJS.ProcessEnv;
}

/** One applied fix as `--format json` lists it. */
export interface FixReport {
  readonly package: string;
  readonly file: string;
  /** 0-based LSP range (UTF-16 columns) in the file as the fixes listed before it in that file left it. */
  readonly range: AppliedFix['range'];
  readonly fix: string;
  readonly title: string;
  /** Heap facts the compiler no longer reports because of this fix. */
  readonly removes: number;
  /**
   * With `--bench` or `--profile`: what was measured, before the fixes, on the lines of the facts this fix
   * removes (per op from a benchmark, totals from a profile). The list is ranked by its bytes.
   */
  readonly measured?: MeasuredFixFigures;
}

export type MeasuredFixFigures =
  | { readonly benchmark: string; readonly bytesPerOp: number; readonly allocsPerOp: number }
  | { readonly profile: string; readonly bytes: number; readonly objects: number };

export async function runFixCommand(patterns: readonly string[], options: FixCommandOptions, io: FixIo): Promise<number> {
  const say = sayTo(io);
  const parsed = goSettingsFrom({ ...options, format: 'text', violationsOnly: false, tests: false });
  if (typeof parsed === 'string') {
    say(parsed);
    return EXIT.cannotRun;
  }
  const go = await commandGo(options.go, io.runGo, io.environment);
  if ('problem' in go) {
    say(go.problem);
    return EXIT.cannotRun;
  }
  const settings = { ...parsed, goBinary: go.binary };
  const resolution = await resolvePackages(patterns.length > 0 ? patterns : ['.'], { cwd: io.cwd, settings, runGo: io.runGo });
  if (!resolution.ok) {
    say(resolution.message);
    return EXIT.cannotRun;
  }
  const packages = resolution.packages.filter((pkg) => pkg.hasNonTestFiles !== false);
  if (packages.length === 0) {
    say(`no packages matched ${patterns.join(' ')}`);
    return EXIT.cannotRun;
  }
  // Measured first, on the code as it is: the figures say what each fix's lines cost before it.
  let measured: Extract<Measured, { ok: true }> | undefined;
  if (options.bench !== undefined || options.profile !== undefined) {
    const result = await measureForCheck(packages, measurementOptions(options), {
      settings,
      runGo: io.runGo,
      cwd: io.cwd,
      onProgress: say,
    });
    if (!result.ok) {
      say(result.message);
      return EXIT.cannotRun;
    }
    measured = result;
  }
  const dependencies = { runGo: io.runGo, skipLinkTool: ensureSkipLinkTool() };
  // Said once, not per package: without the type checker the fmt rewrites reach much less.
  const typeChecker = await typeInfoTool(settings, io.runGo);
  if (typeof typeChecker !== 'string') say(`the fmt rewrites use the declarations alone: ${typeChecker.failure}`);
  // Each package is fixed on its own text (the others are read from disk, unchanged until the end), so
  // several run at once; the results are kept in package order, so the output does not depend on timing.
  // After a failure no package is started, and those under way finish (their go commands and temporary
  // overlays are not left behind); the first failing package in package order is reported.
  const results: PackageFixRun[] = new Array(packages.length);
  const failures = new Map<number, string>();
  await forEachAtMost(packages, options.jobs ?? defaultFixJobs(), async (pkg, index) => {
    if (failures.size > 0) return;
    say(`[${index + 1}/${packages.length}] ${pkg.importPath}`);
    try {
      const run = await applyPackageFixes(pkg.directory, {
        ...dependencies,
        settings,
        includeRefactors: options.includeRefactors,
        valueReceiverMaxBytes: options.valueReceiverMaxBytes ?? 64,
      });
      if (run.failure) failures.set(index, run.failure);
      results[index] = run;
    } catch (error) {
      failures.set(index, error instanceof Error ? error.message : String(error));
    }
  });
  if (failures.size > 0) {
    const first = Math.min(...failures.keys());
    say(`${packages[first].importPath}: ${failures.get(first)}`);
    return EXIT.cannotRun;
  }
  const runs = packages.map((pkg, index) => ({ importPath: pkg.importPath, run: results[index] }));

  const savingOf = measured ? await measuredSavings(measured) : () => undefined;
  const listed: FixReport[] = runs.flatMap(({ importPath, run }) =>
    run.applied.map((fix) => {
      const saving = savingOf(fix.file, fix.factLines);
      return {
        package: importPath,
        file: path.relative(io.cwd, fix.file),
        range: fix.range,
        fix: fix.fix,
        title: fix.title,
        removes: fix.removes,
        ...(saving ? { measured: figuresOf(saving) } : {}),
      };
    }),
  );
  // With a measurement, the fixes that save the most measured bytes come first.
  const reports = measured ? rankByMeasuredBytes(listed, (report) => bytesOf(report.measured)) : listed;
  const changed = new Map(runs.flatMap(({ run }) => [...run.changedFiles]));
  const removed = reports.reduce((sum, report) => sum + report.removes, 0);
  const before = runs.reduce((sum, { run }) => sum + run.heapFactsBefore, 0);
  const after = runs.reduce((sum, { run }) => sum + run.heapFactsAfter, 0);

  if (changed.size > 0) {
    const touched = runs.filter(({ run }) => run.changedFiles.size > 0).map(({ run }) => run.directory);
    const problem = await checkFixedPackages(touched, changed, { settings, runGo: io.runGo, cwd: io.cwd, say });
    if (problem) {
      say(`the fixes did not hold, so nothing was written: ${problem}`);
      return 1;
    }
  }

  // The run takes minutes on a large module: a file the user saved meanwhile is not overwritten with fixes
  // made to the text it had before, which would lose the edit; and the fixes were built and tested with the
  // package's other files as they were, so a save to one of those voids the check too. Nothing is written
  // then, as when a fix fails.
  if (!options.dryRun) {
    const edited = runs
      .filter(({ run }) => run.changedFiles.size > 0)
      .flatMap(({ run }) => [...run.originalFiles].filter(([file, text]) => readFileIfExists(file) !== text).map(([file]) => file));
    if (edited.length > 0) {
      const names = edited.map((file) => path.relative(io.cwd, file)).join(', ');
      say(`${names} changed while fix ran, so nothing was written; run fix again`);
      return 1;
    }
  }

  switch (options.format) {
    case 'json':
      io.stdout.write(`${JSON.stringify({ fixes: reports, heapFactsBefore: before, heapFactsAfter: after }, null, 2)}\n`);
      break;
    case 'diff':
      for (const run of runs.map((item) => item.run)) {
        for (const [file, text] of run.changedFiles) {
          const name = path.relative(io.cwd, file).split(path.sep).join('/');
          const patch = createTwoFilesPatch(`a/${name}`, `b/${name}`, run.originalFiles.get(file) ?? '', text, '', '', { context: 3 });
          // jsdiff writes an Index/=== preamble and a tab after each name (for the empty dates): git's format has neither.
          io.stdout.write(patch.replace(/^=+\n/m, '').replace(/^(---|\+\+\+) (.*)\t$/gm, '$1 $2'));
        }
      }
      break;
    case 'text':
      for (const report of reports) {
        io.stdout.write(
          `${report.file}:${report.range.start.line + 1}:${report.range.start.character + 1}: ${report.title} — removes ${report.removes}${
            report.measured ? `; ${measuredText(report.measured)}` : ''
          }\n`,
        );
      }
      break;
  }
  if (!options.dryRun) {
    // Written synchronously: an interrupt (Ctrl-C) is handled between turns of the event loop, so it comes
    // before all of the files are written or after, never between two of them.
    for (const [file, text] of changed) writeFileSync(file, text);
  }
  say(
    `${reports.length} fix${reports.length === 1 ? '' : 'es'} ${options.dryRun ? 'would remove' : 'removed'} ${removed} of ${before} heap facts in ${packages.length} package${packages.length === 1 ? '' : 's'}` +
      `${options.dryRun ? ' (dry run: nothing written)' : `; ${changed.size} file${changed.size === 1 ? '' : 's'} written`}`,
  );
  return EXIT.clean;
}

/** Progress and problems, on stderr: stdout is the list (or JSON, or diff) a script reads. */
function sayTo(io: FixIo): (message: string) => void {
  return (message) => io.stderr.write(`go-escape-lens fix: ${message}\n`);
}

/**
 * One package at a time for every four CPUs: each verification's compile already uses up to four (the
 * compiler's backend runs `-c=4` functions at once), and on 2 CPUs two packages at once made client_golang's
 * `fix --dry-run` slower, 415 s against 344 s.
 */
function defaultFixJobs(): number {
  return Math.max(1, Math.floor(os.availableParallelism() / 4));
}

/**
 * Per fix (its file and the original lines of its facts), what the measurements placed on the source as it
 * is now (the fixes are not written yet) say about those lines: the biggest of the measurements.
 */
async function measuredSavings(
  measured: Extract<Measured, { ok: true }>,
): Promise<(file: string, lines: readonly number[]) => MeasuredSaving | undefined> {
  const placed: Measurement[] = [];
  for (const taken of measured.taken) placed.push(await placeOnSource(taken.attribution, taken.source, measured.context));
  return (file, lines) => {
    let best: MeasuredSaving | undefined;
    for (const measurement of placed) {
      const saving = lines.length > 0 ? measuredSaving(measurement, file, lines) : undefined;
      if (saving && (!best || saving.bytes > best.bytes)) best = saving;
    }
    return best;
  };
}

/** Rounded as `check`'s JSON rounds its per-op figures. */
function figuresOf(saving: MeasuredSaving): MeasuredFixFigures {
  const round = (value: number) => Math.round(value * 100) / 100;
  return saving.perOp
    ? { benchmark: saving.from, bytesPerOp: round(saving.bytes), allocsPerOp: round(saving.allocations) }
    : { profile: saving.from, bytes: saving.bytes, objects: saving.allocations };
}

function bytesOf(figures: MeasuredFixFigures | undefined): MeasuredSaving | undefined {
  if (!figures) return undefined;
  return 'benchmark' in figures
    ? { bytes: figures.bytesPerOp, allocations: figures.allocsPerOp, perOp: true, from: figures.benchmark }
    : { bytes: figures.bytes, allocations: figures.objects, perOp: false, from: figures.profile };
}

function measuredText(figures: MeasuredFixFigures): string {
  return `${savingFigures(bytesOf(figures)!)} measured on its lines in ${'benchmark' in figures ? figures.benchmark : figures.profile}`;
}
