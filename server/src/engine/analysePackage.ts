/**
 * One analysis of one package: run the compiler, parse what it says, and say plainly what went wrong when
 * it could not run.
 */
import type { PackageFacts } from '../model/facts';
import { type GoSettings, packageAnalysisInvocation } from './goCommand';
import type { PackageSnapshot } from './packageSnapshot';
import { parseCompilerOutput } from './parseCompilerOutput';
import type { GoRunner } from './runGo';
import type { PackageAnalysis } from '../model/analysis';

export interface AnalysisDependencies {
  readonly runGo: GoRunner;
  readonly skipLinkTool: string | null;
  readonly now?: () => number;
}

const NO_FACTS: PackageFacts = { importPaths: [], facts: [], errors: [], unrecognised: [] };

export interface AnalysisRun {
  readonly signal?: AbortSignal;
  /** A `-overlay` JSON file mapping unsaved editor buffers to temp files. */
  readonly overlayFile?: string;
  /**
   * One file whose facts are wanted first: when the package builds, its lines alone are parsed and handed
   * over before the whole output is parsed (awaited, so the caller can publish them first).
   */
  readonly first?: { readonly file: string; readonly facts: (facts: PackageFacts) => Promise<void> };
}

export async function analysePackage(
  snapshot: PackageSnapshot,
  settings: GoSettings,
  dependencies: AnalysisDependencies,
  run: AnalysisRun = {},
): Promise<PackageAnalysis> {
  const { signal, overlayFile } = run;
  const now = dependencies.now ?? (() => performance.now());
  const started = now();
  const invocation = packageAnalysisInvocation(
    {
      directory: snapshot.directory,
      hasTestFiles: snapshot.hasTestFiles,
      skipLinkTool: dependencies.skipLinkTool,
      overlayFile,
    },
    settings,
  );
  const commandLine = [invocation.goBinary, ...invocation.args].join(' ');
  const result = await dependencies.runGo(invocation, signal);
  const base = { directory: snapshot.directory, commandLine, durationMilliseconds: now() - started };

  if (result.spawnError) {
    const message =
      result.spawnError.code === 'ENOENT'
        ? `The go command was not found ("${settings.goBinary}"). Install Go or set goEscapeLens.goPath.`
        : `The go command could not be started: ${result.spawnError.message}`;
    return { ...base, status: 'goMissing', facts: NO_FACTS, message };
  }
  if (result.cancelled) return { ...base, status: 'cancelled', facts: NO_FACTS, message: 'Cancelled by a newer analysis.' };
  if (result.truncated) {
    return { ...base, status: 'failed', facts: NO_FACTS, message: 'The compiler printed more output than Go Escape Lens reads (256 MB).' };
  }

  const buildSucceeded = result.exitCode === 0;
  const { output } = result;
  const parseOptions = {
    workingDirectory: snapshot.directory,
    packageDirectory: snapshot.directory,
    buildSucceeded,
    annotations: settings.annotations,
  };
  if (buildSucceeded && run.first) await run.first.facts(parseCompilerOutput(output, { ...parseOptions, onlyFile: run.first.file }));
  const parseStarted = now();
  const facts = parseCompilerOutput(output, parseOptions);
  const parse = { milliseconds: now() - parseStarted, bytes: output.length };
  if (buildSucceeded) return { ...base, status: 'ok', facts, parse };
  if (result.exitCode === null) {
    return { ...base, status: 'failed', facts: NO_FACTS, message: 'The go command was killed before it finished.' };
  }
  const firstError = facts.errors[0];
  const message = firstError
    ? `The package does not build: ${firstError.position ? `${relativeName(firstError.position.file, snapshot.directory)}:${firstError.position.line}: ` : ''}${firstError.message.split('\n')[0]}`
    : `The go command failed (exit code ${result.exitCode}).`;
  return { ...base, status: 'buildFailed', facts: { ...NO_FACTS, errors: facts.errors }, message };
}

function relativeName(file: string, directory: string): string {
  return file.startsWith(`${directory}/`) ? file.slice(directory.length + 1) : file;
}
