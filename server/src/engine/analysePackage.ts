/**
 * One analysis of one package: run the compiler, parse what it says, and say plainly what went wrong when
 * it could not run.
 */
import { asPrintedByGoCommand, CompileStream, type CompleteEscapeAnalysis } from './compileStream';
import * as path from 'node:path';
import type { PackageFacts } from '../model/facts';
import { type GoSettings, packageAnalysisInvocation } from './goCommand';
import type { PackageSnapshot } from './packageSnapshot';
import { missingModules, missingModulesMessage } from './missingModules';
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
   * One file whose facts are wanted first: its lines alone are parsed and handed over before the whole
   * output is parsed (awaited, so the caller can publish them first). For a plain build they are read from
   * the compile's streamed output as soon as its escape analysis is complete, while the backend still runs;
   * otherwise once the package has built.
   */
  readonly first?: { readonly file: string; readonly facts: (facts: PackageFacts) => Promise<void> };
  /**
   * Stop the compiler once the stream proves its escape analysis complete (a backend line, see
   * compileStream.ts): the facts then come from the stream, and the backend, about two thirds of the
   * compile's CPU, is not run. For when nothing needs the compiled package: the go command's build cache
   * then keeps no entry for it, so an importer's build or an identical compile would compile it again.
   * Asked when escape analysis is complete, so the caller can decide while the compiler runs.
   */
  readonly stopBackend?: () => boolean;
  /** False: leaking parameters without their flow explanations (see ParseOptions). */
  readonly leakExplanations?: boolean;
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
  const parseOptions = {
    workingDirectory: snapshot.directory,
    packageDirectory: snapshot.directory,
    annotations: settings.annotations,
    leakExplanations: run.leakExplanations,
  };
  // Only a plain build is streamed: it has a single compile that prints escape analysis, the package's. Not
  // with the bounds or nil check annotations on: the backend prints those, after the stream is complete.
  const first = run.first;
  const streamable = !snapshot.hasTestFiles && !settings.annotations?.bounds && !settings.annotations?.nil;
  let delivered: Promise<void> | undefined;
  /** The output as the go command would have printed it, when the compiler was stopped after escape analysis. */
  let stoppedOutput: Buffer | undefined;
  const stream =
    first && streamable && dependencies.skipLinkTool
      ? new CompileStream((analysis: CompleteEscapeAnalysis) => {
          if (delivered || signal?.aborted || !compiledHere(analysis, snapshot.directory, overlayFile)) return;
          const output = asPrintedByGoCommand(analysis.output, snapshot.directory);
          if (analysis.signal === 'backend' && run.stopBackend?.() && analysis.pid && stopCompiler(analysis.pid)) {
            stoppedOutput = Buffer.concat([Buffer.from(`# ${packagePath(analysis.args)}\n`), output]);
          }
          const facts = parseCompilerOutput(output, { ...parseOptions, buildSucceeded: true, onlyFile: first.file });
          delivered = first.facts(facts);
        })
      : undefined;
  const invocation = packageAnalysisInvocation(
    {
      directory: snapshot.directory,
      hasTestFiles: snapshot.hasTestFiles,
      namedFiles: snapshot.namedFiles,
      skipLinkTool: dependencies.skipLinkTool,
      overlayFile,
      streamEnvironment: stream?.environment,
    },
    settings,
  );
  const commandLine = [invocation.goBinary, ...invocation.args].join(' ');
  let result: Awaited<ReturnType<GoRunner>>;
  try {
    result = await dependencies.runGo(invocation, signal);
  } finally {
    stream?.close();
  }
  // The early facts are published before the rest: wait for them, so the full result comes after.
  await delivered;
  const base = { directory: snapshot.directory, commandLine, durationMilliseconds: now() - started };

  if (result.spawnError) {
    const message =
      result.spawnError.code === 'ENOENT'
        ? settings.goBinary === 'go'
          ? 'The go command was not found on PATH, in GOROOT or in the usual install folders (the log lists them). Install Go or set goEscapeLens.goPath.'
          : `The go command was not found ("${settings.goBinary}"). Install Go or set goEscapeLens.goPath.`
        : `The go command could not be started: ${result.spawnError.message}`;
    return { ...base, status: 'goMissing', facts: NO_FACTS, message };
  }
  if (result.cancelled) return { ...base, status: 'cancelled', facts: NO_FACTS, message: 'Cancelled by a newer analysis.' };
  if (result.truncated) {
    return { ...base, status: 'failed', facts: NO_FACTS, message: 'The compiler printed more output than Go Escape Lens reads (256 MB).' };
  }

  // A compiler we stopped fails the go command ("signal: killed"); what it printed up to then is complete.
  const buildSucceeded = result.exitCode === 0 || stoppedOutput !== undefined;
  const output = stoppedOutput ?? result.output;
  if (buildSucceeded && first && !delivered) {
    await first.facts(parseCompilerOutput(output, { ...parseOptions, buildSucceeded, onlyFile: first.file }));
  }
  const parseStarted = now();
  const facts = parseCompilerOutput(output, { ...parseOptions, buildSucceeded });
  const parse = { milliseconds: now() - parseStarted, bytes: output.length };
  if (buildSucceeded) return { ...base, status: 'ok', facts, parse };
  if (result.exitCode === null) {
    return { ...base, status: 'failed', facts: NO_FACTS, message: 'The go command was killed before it finished.' };
  }
  // "go: downloading …" is the first line, yet nothing downloads: the modules are simply not in the cache.
  const missing = missingModules(result.stderr);
  if (missing) {
    const errors = facts.errors;
    return {
      ...base,
      status: 'buildFailed',
      facts: { ...NO_FACTS, errors },
      message: missingModulesMessage(missing),
      missingModules: missing,
    };
  }
  const firstError = facts.errors[0];
  const message = firstError
    ? `The package does not build: ${firstError.position ? `${relativeName(firstError.position.file, snapshot.directory)}:${firstError.position.line}: ` : ''}${firstError.message.split('\n')[0]}`
    : `The go command failed (exit code ${result.exitCode}).`;
  return { ...base, status: 'buildFailed', facts: { ...NO_FACTS, errors: facts.errors }, message };
}

/**
 * Whether the streamed compile is the package's own: its Go files are in the package's directory, or are
 * the overlay's stand-ins for them (the go command hands the compiler those instead).
 */
function compiledHere(analysis: CompleteEscapeAnalysis, directory: string, overlayFile?: string): boolean {
  const overlayDirectory = overlayFile && path.dirname(overlayFile);
  return analysis.args.some((arg) => arg.endsWith('.go') && (path.dirname(arg) === directory || path.dirname(arg) === overlayDirectory));
}

/** Kills the compiler process (not the go command, which then reports it killed). False if it had ended. */
function stopCompiler(pid: number): boolean {
  try {
    process.kill(pid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}

/** The import path the compile was given (`-p`): the go command heads a package's output with it. */
function packagePath(args: readonly string[]): string {
  const index = args.indexOf('-p');
  return index >= 0 && index + 1 < args.length ? args[index + 1] : 'command-line-arguments';
}

function relativeName(file: string, directory: string): string {
  return file.startsWith(`${directory}/`) ? file.slice(directory.length + 1) : file;
}
