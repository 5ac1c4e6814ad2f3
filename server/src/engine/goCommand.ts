/**
 * Chooses the go command line and environment for analysing one package. Pure.
 */
import * as os from 'node:os';
import { type Annotations, annotationDebugFlags } from '../model/annotations';
import type { GoInvocation } from './runGo';

export interface GoSettings {
  /** The go binary: a name on PATH or an absolute path. */
  readonly goBinary: string;
  /** Extra build flags, e.g. ["-tags=integration"]. */
  readonly buildFlags: readonly string[];
  /** Extra environment, e.g. { GOOS: "linux", CGO_ENABLED: "0" }. */
  readonly env: Readonly<Record<string, string>>;
  /** Which optimisation details to ask the compiler for; escapes only when absent. */
  readonly annotations?: Annotations;
}

export interface PackageCommandInput {
  readonly directory: string;
  readonly hasTestFiles: boolean;
  /** The `-toolexec` wrapper that skips linking; without one, test packages pay for a link. */
  readonly skipLinkTool: string | null;
  /** A `-overlay` JSON file mapping unsaved editor buffers to temp files. */
  readonly overlayFile?: string;
  /**
   * Set to have the compile's output streamed (compileStream.ts): the environment that names the folder.
   * A plain build then also goes through the wrapper, whose tool queries keep the build cache's keys.
   */
  readonly streamEnvironment?: Readonly<Record<string, string>>;
  /** File names to build instead of the directory's package (`go build main.go`, as `go run` does). */
  readonly namedFiles?: readonly string[];
}

export const ESCAPE_GCFLAGS = '-gcflags=-m=2';

/**
 * `-gcflags=-m=2`, plus the debug flags of the annotations that are on, in the same compile: one run of
 * the compiler answers every kind. (Applied to the named package only, as `-gcflags` without a pattern is.)
 */
export function analysisGcflags(annotations: Annotations | undefined): string {
  const debug = annotations ? annotationDebugFlags(annotations) : [];
  return debug.length === 0 ? ESCAPE_GCFLAGS : `${ESCAPE_GCFLAGS} ${debug.join(' ')}`;
}

export function packageAnalysisInvocation(input: PackageCommandInput, settings: GoSettings): GoInvocation {
  const common = [analysisGcflags(settings.annotations), '-buildvcs=false', ...settings.buildFlags];
  if (input.overlayFile) common.push(`-overlay=${input.overlayFile}`);
  // Test files are only compiled by `go test`; it also covers the package itself (as `p [p.test]`) and its
  // external tests (`p_test`), so one run is enough either way.
  const stream = input.streamEnvironment && input.skipLinkTool ? input.streamEnvironment : undefined;
  const toolexec = input.skipLinkTool && (input.hasTestFiles || stream) ? [`-toolexec=${input.skipLinkTool}`] : [];
  // Files named on the command line (outside any module) are built as `go run` builds them, tests aside.
  const args =
    input.hasTestFiles && !input.namedFiles
      ? ['test', '-c', '-vet=off', '-o', os.devNull, ...toolexec, ...common, '.']
      : ['build', '-o', os.devNull, ...toolexec, ...common, ...(input.namedFiles ?? ['.'])];
  const env = analysisEnvironment(settings);
  return { goBinary: settings.goBinary, args, cwd: input.directory, env: stream ? { ...env, ...stream } : env };
}

/**
 * The user's environment and settings, with the two guards we never let go: no module downloads
 * (GOPROXY=off) and no toolchain downloads (GOTOOLCHAIN=local). A missing module is then a clear error.
 */
export function analysisEnvironment(settings: GoSettings, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, ...settings.env, GOPROXY: 'off', GOTOOLCHAIN: 'local' };
}
