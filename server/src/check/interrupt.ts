/**
 * What a command-line run (check, fix) does when the user interrupts it, with Ctrl-C or a CI job's SIGTERM:
 * it stops the go commands it started and exits as a shell expects of an interrupted command (130, 143).
 * What it left in the temp folder goes at that exit (engine/temporaryDirectory.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { GoRunner } from '../engine/runGo';
import { removeAtExit } from '../engine/temporaryDirectory';

/**
 * Kills the go commands still running on an interrupt: they run in process groups of their own, so the
 * terminal's signal does not reach them, and without this a `go test` went on running after the prompt
 * came back. Killed, a go command cannot remove its work folder (`go-build…`, with the test binary in it),
 * so the go commands of this run keep theirs in one folder (GOTMPDIR), removed with the rest at exit.
 */
export function stopGoOnInterrupt(runGo: GoRunner): { runGo: GoRunner; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    controller.abort(); // kills each running go command's process group, synchronously
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let workFolder: { readonly path: string; readonly forget: () => void } | undefined | null;
  const workFolderFor = (env: NodeJS.ProcessEnv): string | undefined => {
    if (workFolder === undefined) {
      try {
        const made = fs.mkdtempSync(path.join(env.GOTMPDIR || os.tmpdir(), 'go-escape-lens-gotmp-'));
        workFolder = { path: made, forget: removeAtExit(made) };
      } catch {
        workFolder = null; // the go command's own choice, then
      }
    }
    return workFolder?.path;
  };
  return {
    runGo: (invocation, signal) => {
      const folder = workFolderFor(invocation.env);
      const env = folder ? { ...invocation.env, GOTMPDIR: folder } : invocation.env;
      return runGo({ ...invocation, env }, signal ? AbortSignal.any([signal, controller.signal]) : controller.signal);
    },
    dispose: () => {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      if (workFolder) {
        fs.rmSync(workFolder.path, { recursive: true, force: true });
        workFolder.forget();
      }
    },
  };
}
