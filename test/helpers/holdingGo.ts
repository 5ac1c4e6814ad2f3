/**
 * A go command for tests that end the CLI or the server while one of its go commands runs: a script, given
 * as `--go` or goPath, that logs each run's process id and arguments and runs the real go command. The run
 * whose arguments match `hold` runs with -work, which keeps its go-build… folder as a killed go command
 * leaves it, is logged once it has run (so that folder is there), and then waits on a FIFO, as a long
 * compile or `go test` would still be running, until the test releases it. A script: the go command itself
 * is the real one.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface HoldingGo {
  /** The script to run as go. */
  readonly goPath: string;
  /** Resolves with the held run, once it is logged; undefined if `ended` settles first. */
  held(ended?: Promise<unknown>): Promise<{ readonly pid: number; readonly line: string } | undefined>;
  /** Lets the held run end (exit 0), for a test that does something while it is held and then goes on. */
  release(): void;
}

export function holdingGo(folder: string, hold: RegExp): HoldingGo {
  const log = path.join(folder, 'go.log');
  fs.writeFileSync(log, '');
  const fifo = path.join(folder, 'hold');
  execFileSync('mkfifo', [fifo]);
  const realGo = path.join(execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim(), 'bin', 'go');
  const goPath = path.join(folder, 'go');
  fs.writeFileSync(
    goPath,
    [
      '#!/bin/sh',
      'line="$$ $*"',
      `if echo "$*" | grep -Eq '${hold.source}'; then`,
      // The FIFO is opened (read and write, which does not block) before the run is logged, so a release
      // that comes once the run is logged finds its reader.
      `  exec 3<> '${fifo}'; sub=$1; shift; '${realGo}' "$sub" -work "$@"; echo "$line" >> '${log}'; read held <&3; exit 0`,
      'fi',
      `echo "$line" >> '${log}'`,
      `exec '${realGo}' "$@"`,
    ].join('\n'),
    { mode: 0o755 },
  );
  const find = () => {
    for (const line of fs.readFileSync(log, 'utf8').split('\n')) {
      const match = /^(\d+) (.*)$/.exec(line);
      if (match && hold.test(match[2])) return { pid: Number(match[1]), line: match[2] };
    }
    return undefined;
  };
  return {
    goPath,
    release() {
      // Not blocking: with the held script gone (nothing reads the FIFO) the open fails at once (ENXIO)
      // instead of waiting for ever where no test timeout can end it.
      const descriptor = fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
      try {
        fs.writeSync(descriptor, 'go on\n');
      } finally {
        fs.closeSync(descriptor);
      }
    },
    async held(ended) {
      const watcher = fs.watch(log);
      try {
        return await new Promise((resolve) => {
          const look = () => {
            const found = find();
            if (found) resolve(found);
          };
          watcher.on('change', look);
          void ended?.then(() => resolve(find()));
          look();
        });
      } finally {
        watcher.close();
      }
    },
  };
}
