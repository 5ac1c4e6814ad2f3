/**
 * What a command-line run (check, fix) does when the user interrupts it, with Ctrl-C or a CI job's SIGTERM:
 * it stops the go commands it started and exits as a shell expects of an interrupted command (130, 143).
 * What it left in the temp folder goes at that exit (engine/temporaryDirectory.ts).
 */
import type { GoRunner } from '../engine/runGo';

/**
 * Kills the go commands still running on an interrupt: they run in process groups of their own, so the
 * terminal's signal does not reach them, and without this a `go test` went on running after the prompt
 * came back. (Their work folders, which a killed go command cannot remove, go at exit: runGo.ts.)
 */
export function stopGoOnInterrupt(runGo: GoRunner): { runGo: GoRunner; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    controller.abort(); // kills each running go command's process group, synchronously
    process.exit(signal === 'SIGINT' ? 130 : 143);
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
