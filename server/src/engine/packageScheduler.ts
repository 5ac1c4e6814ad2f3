/**
 * Runs at most one analysis per package and at most `parallelism` at once.
 *
 * A newer request for a package aborts the older one (its process tree is killed through the signal) and
 * the older one's result is reported as superseded, so an older content version never overwrites a newer
 * one. Waiting requests are served most recent first: that is the package the user just touched.
 */
export type Superseded = { readonly superseded: true };

interface Waiter {
  readonly start: () => void;
}

export class PackageScheduler {
  private readonly running = new Map<string, { controller: AbortController; generation: number }>();
  private readonly generations = new Map<string, number>();
  private readonly waiting: Waiter[] = [];
  private active = 0;

  constructor(private readonly parallelism: number) {}

  /** Runs `task` for `key` unless a newer request for the same key arrives first. */
  async schedule<T>(key: string, task: (signal: AbortSignal) => Promise<T>): Promise<T | Superseded> {
    const generation = (this.generations.get(key) ?? 0) + 1;
    this.generations.set(key, generation);
    this.running.get(key)?.controller.abort();

    await this.acquire();
    try {
      if (this.generations.get(key) !== generation) return { superseded: true };
      const controller = new AbortController();
      this.running.set(key, { controller, generation });
      try {
        const result = await task(controller.signal);
        return this.generations.get(key) === generation ? result : { superseded: true };
      } finally {
        if (this.running.get(key)?.generation === generation) this.running.delete(key);
      }
    } finally {
      this.release();
    }
  }

  /** Aborts the running or waiting request for `key`: its content is out of date. */
  cancel(key: string): void {
    if (!this.generations.has(key)) return;
    this.generations.set(key, (this.generations.get(key) ?? 0) + 1);
    this.running.get(key)?.controller.abort();
  }

  /** Aborts everything running; used at shutdown. */
  cancelAll(): void {
    for (const { controller } of this.running.values()) controller.abort();
  }

  private acquire(): Promise<void> {
    if (this.active < this.parallelism) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiting.push({
        start: () => {
          this.active++;
          resolve();
        },
      });
    });
  }

  private release(): void {
    this.active--;
    // Most recent first: the newest request is the package the user is looking at.
    this.waiting.pop()?.start();
  }
}

export function isSuperseded(value: unknown): value is Superseded {
  return typeof value === 'object' && value !== null && (value as Superseded).superseded === true;
}
