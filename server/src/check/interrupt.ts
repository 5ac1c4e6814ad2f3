/**
 * What a command-line run (check, fix) does when the user interrupts it, with Ctrl-C or a CI job's SIGTERM:
 * it stops the go commands it started, removes what it left in the temp folder, and exits as a shell
 * expects of an interrupted command (130, 143). The engine's own temporary folders (overlays, type checker
 * configurations) go at that exit too (engine/temporaryDirectory.ts).
 */
import type { GoRunner } from '../engine/runGo';

/**
 * Kills the go commands still running on an interrupt: they run in process groups of their own, so the
 * terminal's signal does not reach them, and without this a `go test` went on running after the prompt
 * came back. A worktree's or module copy's handler (removingOnSignal, registered later) removes it and
 * exits; without one, this exits.
 */
export function stopGoOnInterrupt(runGo: GoRunner): { runGo: GoRunner; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    controller.abort();
    setImmediate(() => process.exit(exitCodeOf(signal)));
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
 * For what the CLI leaves in the temp folder while it works (a git worktree, a copy of the module): removed
 * when the work ends, and also when the user interrupts it, after which the process exits.
 */
export async function removingOnSignal<T>(remove: () => void, use: () => Promise<T>): Promise<T> {
  const onSignal = (signal: NodeJS.Signals) => {
    remove();
    process.exit(exitCodeOf(signal));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await use();
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    remove();
  }
}

function exitCodeOf(signal: NodeJS.Signals): number {
  return signal === 'SIGINT' ? 130 : 143;
}
