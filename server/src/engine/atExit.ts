/**
 * What must not outlive the process: the go commands it started (each in a process group of its own, which
 * no signal to this process reaches) and the temporary folders it made. Run when the process exits,
 * whatever ends it: the end of the work, an LSP exit, or a Ctrl-C or SIGTERM turned into an exit
 * (exitOnInterrupt, below). An exit cuts short any `finally` that awaits; these run synchronously, as an exit
 * handler must.
 */
/** Stops first (the go commands), so that no folder is removed while a go command still writes into it. */
const phases = { stop: new Set<() => void>(), remove: new Set<() => void>() };
let hooked = false;

/** Runs `cleanup` if the process exits before the returned function is called. */
export function onExit(cleanup: () => void, phase: keyof typeof phases = 'remove'): () => void {
  if (!hooked) {
    hooked = true;
    process.on('exit', () => {
      for (const each of [...phases.stop, ...phases.remove]) {
        try {
          each();
        } catch {
          // Best effort, and one failure does not keep the others from running: the process is ending.
        }
      }
    });
  }
  phases[phase].add(cleanup);
  return () => phases[phase].delete(cleanup);
}

/**
 * Turns Ctrl-C (SIGINT) and SIGTERM into an exit with the code a shell expects of an interrupted command
 * (130, 143), so that the cleanups run: Node's own handling ends the process without them, and the go
 * commands it started went on running (a `go test` after the prompt came back). For each entry point.
 */
export function exitOnInterrupt(): void {
  process.on('SIGINT', () => process.exit(130));
  process.on('SIGTERM', () => process.exit(143));
}
