/**
 * Runs the last of a burst of calls per key, once the calls have stopped for `delay` milliseconds: typing
 * in a package analyses it once the user pauses, not on every keystroke.
 */
export class KeyedDebouncer {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  schedule(key: string, delay: number, run: () => void): void {
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        run();
      }, delay),
    );
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
