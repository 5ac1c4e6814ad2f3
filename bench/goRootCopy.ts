/**
 * What the scale benchmarks share: a private copy of the installed Go to analyse (nothing is written into
 * the installed one, and no other benchmark editing its shared copy changes the packages between runs), the
 * environment that runs the copy's go command, the load average to print beside each figure, and the lines
 * a benchmark prints and then writes to its results file.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Copies `installed` (a GOROOT) to `copy` unless a copy is there already; returns the copy's `src`. */
export function copyGoRoot(installed: string, copy: string): string {
  if (!fs.existsSync(path.join(copy, 'bin', 'go'))) execFileSync('cp', ['-a', installed, copy], { stdio: 'inherit' });
  return path.join(copy, 'src');
}

/** Runs the copy's go command (first on PATH, no GOROOT from outside) with its own build cache. */
export function goRootCopyEnvironment(copy: string, cache: string): NodeJS.ProcessEnv {
  const { GOROOT: _installedGoroot, ...inherited } = process.env;
  return {
    ...inherited,
    PATH: `${path.join(copy, 'bin')}${path.delimiter}${process.env.PATH ?? ''}`,
    GOCACHE: cache,
    GOFLAGS: '',
    GOTOOLCHAIN: 'local',
  };
}

export function loadAverage(): string {
  return os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
}

/** Prints each line as it is said and keeps it, for the results file. */
export function resultLines(): { lines: string[]; say: (line: string) => void } {
  const lines: string[] = [];
  return {
    lines,
    say: (line: string) => {
      console.log(line);
      lines.push(line);
    },
  };
}
