/**
 * A go runner that starts each invocation only once the one before has ended. The benchmarks a user
 * measures and the ones a loop fix's lightbulb runs go through one, so two measurements never share the
 * cores: each would time the other's work. A queued invocation whose signal aborts leaves the queue at once.
 */
import type { GoResult, GoRunner } from './runGo';

export function oneRunAtATime(runGo: GoRunner): GoRunner {
  let previous: Promise<unknown> = Promise.resolve();
  return (invocation, signal) => {
    const turn = previous;
    const result = (async (): Promise<GoResult> => {
      await Promise.race([turn, aborted(signal)]);
      return runGo(invocation, signal);
    })();
    // The next waits for this one's turn too: a run that left the queue early must not let it jump ahead.
    previous = Promise.all([turn, result]).catch(() => undefined);
    return result;
  };
}

/** Settles when `signal` aborts; never without one. */
function aborted(signal?: AbortSignal): Promise<void> {
  if (!signal) return new Promise(() => undefined);
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
