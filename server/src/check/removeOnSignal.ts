/**
 * For what the CLI leaves in the temp folder while it works (a git worktree, a copy of the module): removed
 * when the work ends, and also when the user interrupts it (Ctrl-C, or a CI job's SIGTERM), after which the
 * process exits as a shell expects of an interrupted command (130, 143).
 */
export async function removingOnSignal<T>(remove: () => void, use: () => Promise<T>): Promise<T> {
  const onSignal = (signal: NodeJS.Signals) => {
    remove();
    process.exit(signal === 'SIGINT' ? 130 : 143);
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
