/**
 * fix's last word before it writes: the packages as the fixes would leave them, built and tested once more
 * as a whole (each fix was compiled and vetted alone already). A test that fails through the overlay but
 * passed before runs again in a copy of the module with the fixes written (moduleCopy.ts), and only a
 * failure there stops the fixes.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { analysisEnvironment, type GoSettings } from '../engine/goCommand';
import { withOverlay } from '../engine/overlay';
import type { GoRunner } from '../engine/runGo';
import { withModuleCopy } from './moduleCopy';

export interface FinalCheckContext {
  readonly settings: GoSettings;
  readonly runGo: GoRunner;
  /** Where fix runs: the packages are named relative to it. */
  readonly cwd: string;
  /** Tells the user what was run again and why. */
  readonly say: (message: string) => void;
}

/**
 * The packages as they would be written: they build and pass `go vet` (checked per fix already), and
 * `go test -short` fails no package it did not fail before. Undefined when all holds.
 */
export async function checkFixedPackages(
  directories: readonly string[],
  changed: ReadonlyMap<string, string>,
  { settings, runGo, cwd, say }: FinalCheckContext,
): Promise<string | undefined> {
  const patterns = directories.map((directory) => `./${path.relative(cwd, directory).split(path.sep).join('/') || '.'}`);
  // -count=1: a cached pass proves nothing about the fixed text. Added to the GOFLAGS the analysis had,
  // `--env GOFLAGS=…` included, so the packages are built as they were analysed.
  const environment = analysisEnvironment(settings);
  const run = (args: readonly string[], overlay?: string, where = cwd) =>
    runGo({
      goBinary: settings.goBinary,
      args: [...args.slice(0, 1), ...settings.buildFlags, ...(overlay ? [`-overlay=${overlay}`] : []), ...args.slice(1)],
      cwd: where,
      env: { ...environment, GOFLAGS: `${environment.GOFLAGS ?? ''} -count=1`.trim() },
    });
  return withOverlay(changed, async (overlay) => {
    const build = await run(['build', ...patterns], overlay);
    if (build.exitCode !== 0) return `go build: ${firstLines(build.stderr)}`;
    const tests = await run(['test', '-short', ...patterns], overlay);
    if (tests.exitCode === 0) return undefined;
    const failedAfter = failedTestsAndPackages(tests.stdout + tests.stderr);
    const baseline = await run(['test', '-short', ...patterns]);
    const failedBefore = failedTestsAndPackages(baseline.stdout + baseline.stderr);
    const newlyFailing = [...failedAfter].filter((name) => !failedBefore.has(name));
    if (newlyFailing.length === 0) return undefined;
    // The newly failing tests run once more, with the fixes written into a copy of the module, and only a
    // failure there stops them. Through the overlay a test that reads its package's source from disk sees
    // the unfixed text beside the fixed one it compiled (fasthttp embeds fs.go and serves it from disk); and a
    // test that fails only sometimes (under the load of the whole run, say) may pass on its own. A package
    // that failed with no failing test (its tests did not build, init panicked) is not run again.
    const testNames = [...new Set(newlyFailing.filter((name) => /^(Test|Example|Fuzz)\w*/.test(name)).map((name) => name.split('/')[0]))];
    if (testNames.length === 0) return `go test -short fails in ${newlyFailing.join(', ')}, which passed before`;
    const rerun = ['test', '-short', `-run=^(${testNames.join('|')})$`, ...patterns];
    const inCopy = await withModuleCopy(cwd, changed, { settings, runGo }, (copyCwd) => run(rerun, undefined, copyCwd));
    // Without a copy (a go.work workspace), once more through the overlay: that still tells the flaky apart.
    const copied = typeof inCopy !== 'string';
    if (!copied) say(`running ${testNames.join(', ')} again through the overlay, not in a copy of the module: ${inCopy}`);
    const again = copied ? inCopy.value : await run(rerun, overlay);
    if (again.exitCode !== 0) {
      const failed = failedTestsAndPackages(again.stdout + again.stderr);
      const failedAgain = [...failed].filter((name) => !failedBefore.has(name));
      if (failedAgain.length > 0) return `go test -short fails in ${failedAgain.join(', ')}, which passed before (run twice)`;
      // A run that failed without naming a failure (the go command refused the copy, say) is no pass either.
      if (failed.size === 0) {
        return `go test -short of ${testNames.join(', ')} failed when run again${copied ? ' in a copy of the module' : ''}: ${firstLines(again.stderr || again.stdout)}`;
      }
    }
    say(
      copied
        ? `${testNames.join(', ')} failed with the fixes seen through -overlay and passed in a copy of the module with them written: taken as reading the source from disk, or as flaky`
        : `${testNames.join(', ')} failed once with the fixes and passed when run again: taken as flaky`,
    );
    return undefined;
  });
}

/**
 * What `go test` says failed, by name: tests (`--- FAIL: TestKeys (0.00s)`, subtests indented) and packages
 * (`FAIL	github.com/x/y	0.03s`, also `[build failed]`). The bare `FAIL` line before a package's is not one.
 */
function failedTestsAndPackages(output: string): Set<string> {
  return new Set([...output.matchAll(/^(?:\s*--- FAIL: |FAIL\t)(\S+)/gm)].map((match) => match[1]));
}

function firstLines(text: string): string {
  return text.trim().split('\n').slice(0, 5).join(os.EOL);
}
