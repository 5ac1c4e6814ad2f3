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
import type { GoRunner } from '../engine/runGo';
import { ensureSkipLinkTool } from '../engine/skipLinkTool';
import { baselineLabel, baselineSpec, gitBaselineAllocations, gitTopLevel, readBaselineFile } from './baseline';
import { type AllocationIdentity, matchAgainstBaseline } from './baselineMatching';
import { type Finding, isAllocation } from './findings';
import { formatJson } from './formatJson';
import { formatSarif } from './formatSarif';
import { formatSummary } from './formatSummary';
import { formatText, tally } from './formatText';
import { createProgress, type Progress } from './progress';
import { runCheck } from './runCheck';

export const EXIT = { clean: 0, violations: 1, cannotRun: 2 } as const;

export const FORMATS = ['text', 'json', 'sarif', 'summary'] as const;
export type Format = (typeof FORMATS)[number];

export const TOOL_VERSION = '0.1.0';

export interface CheckCommandOptions {
  readonly format: Format;
  readonly baseline?: string;
  readonly tags?: string;
  /** Each entry is split like a shell would: `--build-flags "-race -mod=vendor"`. */
  readonly buildFlags: readonly string[];
  /** `KEY=VALUE` entries. */
  readonly env: readonly string[];
  readonly go: string;
  readonly jobs?: number;
  readonly violationsOnly: boolean;
  /** Also check `_test.go` files. */
  readonly tests: boolean;
}

export interface CheckIo {
  readonly cwd: string;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly runGo: GoRunner;
  readonly environment: NodeJS.ProcessEnv;
}

export async function runCheckCommand(patterns: readonly string[], options: CheckCommandOptions, io: CheckIo): Promise<number> {
  const fail = (message: string) => {
    io.stderr.write(`go-escape-lens check: ${message}\n`);
    return EXIT.cannotRun;
  };
  const settings = goSettingsFrom(options);
  if (typeof settings === 'string') return fail(settings);

  const progress = createProgress(io.stderr);
  const interrupted = stopGoOnInterrupt(io.runGo);
  try {
    return await check(patterns, options, io, settings, progress, interrupted.runGo);
  } finally {
    interrupted.dispose();
  }
}

async function check(
  patterns: readonly string[],
  options: CheckCommandOptions,
  io: CheckIo,
  settings: GoSettings,
  progress: Progress,
  runGo: GoRunner,
): Promise<number> {
  const fail = (message: string) => {
    io.stderr.write(`go-escape-lens check: ${message}\n`);
    return EXIT.cannotRun;
  };
  const environment = {
    settings,
    runGo,
    skipLinkTool: ensureSkipLinkTool(),
    parallelism: options.jobs ?? Math.max(1, os.availableParallelism()),
    includeTests: options.tests,
    onPackageDone: (pkg: { importPath: string }, done: number, total: number) => progress.update(done, total, pkg.importPath),
  };
  const outcome = await runCheck(patterns.length > 0 ? patterns : ['.'], { ...environment, cwd: io.cwd, root: io.cwd });
  progress.finish();
  if (!outcome.ok) return fail(outcome.message);
  for (const warning of outcome.warnings) io.stderr.write(`go-escape-lens check: ${warning}\n`);
  let findings: Finding[] = outcome.packages.flatMap((report) => report.findings);

  if (options.baseline !== undefined) {
    const spec = baselineSpec(options.baseline, io.cwd);
    let baseline: AllocationIdentity[];
    if (spec.kind === 'file') {
      const loaded = readBaselineFile(spec.file);
      if (!loaded.ok) return fail(loaded.message);
      baseline = loaded.value;
    } else {
      const loaded = await gitBaselineAllocations(spec.ref, outcome.packages, { ...environment, cwd: io.cwd, onPackageDone: undefined });
      if (!loaded.ok) return fail(loaded.message);
      for (const warning of loaded.value.warnings) io.stderr.write(`go-escape-lens check: ${warning}\n`);
      baseline = loaded.value.allocations;
    }
    findings = onlyNewAllocations(findings, baseline, baselineLabel(spec));
  }

  const failed = findings.some((finding) => finding.violation);
  const shown = options.violationsOnly ? findings.filter((finding) => finding.violation) : findings;
  io.stdout.write(
    await render(
      shown,
      outcome.packages.map((report) => report.importPath),
      options.format,
      io,
    ),
  );
  if (options.format === 'text') io.stderr.write(`go-escape-lens check: ${tally(findings, outcome.packages.length)}\n`);
  return failed ? EXIT.violations : EXIT.clean;
}

/**
 * On Ctrl-C (or SIGTERM), kills the go commands still running: they run in process groups of their own, so
 * the terminal's signal does not reach them. A baseline worktree's own handler, registered later, removes
 * the checkout and exits; without one, this exits.
 */
function stopGoOnInterrupt(runGo: GoRunner): { runGo: GoRunner; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    controller.abort();
    setImmediate(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    runGo: (invocation, signal) => runGo(invocation, signal ? AbortSignal.any([signal, controller.signal]) : controller.signal),
    dispose: () => {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    },
  };
}

/**
 * Keeps budgets and directive problems, and of the allocations only those the baseline does not have:
 * each of those is a violation unless an `//escape:ok` accepts it.
 */
export function onlyNewAllocations(findings: readonly Finding[], baseline: readonly AllocationIdentity[], label: string): Finding[] {
  const { added } = matchAgainstBaseline(findings.filter(isAllocation), baseline);
  const isNew = new Set(added);
  return findings.flatMap((finding): Finding[] => {
    if (!isAllocation(finding)) return [finding];
    if (!isNew.has(finding)) return [];
    const accepted = finding.accepted !== undefined;
    return [
      {
        ...finding,
        newSince: label,
        violation: !accepted,
        why: accepted ? [] : [`new since ${label}`],
      },
    ];
  });
}

async function render(findings: readonly Finding[], packages: readonly string[], format: Format, io: CheckIo): Promise<string> {
  switch (format) {
    case 'json':
      return formatJson(findings);
    case 'sarif':
      return formatSarif(findings, { root: io.cwd, sourceRoot: (await gitTopLevel(io.cwd)) ?? io.cwd, toolVersion: TOOL_VERSION });
    case 'summary':
      return formatSummary({ findings, packages });
    case 'text':
      return formatText(findings, { colour: wantsColour(io) });
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
  return { goBinary: options.go, buildFlags, env };
}
