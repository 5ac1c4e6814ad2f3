/**
 * Runs at most one analysis per package and at most `parallelism` at once.
 *
 * A newer request for a package aborts the older one (its process tree is killed through the signal) and
 * the older one's result is reported as superseded, so an older content version never overwrites a newer
 * one. Waiting requests are served the preferred one first (the package in the active editor), then most
 * recent first: that is the package the user just touched.
 */
export type Superseded = { readonly superseded: true };

interface Waiter {
  readonly key: string;
  readonly start: () => void;
}

export class PackageScheduler {
  private readonly running = new Map<string, { controller: AbortController; generation: number }>();
  private readonly generations = new Map<string, number>();
  private readonly waiting: Waiter[] = [];
  private active = 0;

  /**
   * `preferred` says which key to serve first among waiting ones, asked each time a slot frees up; a key
   * prefers itself when it is, or starts with, the preferred key (`dir#tests` for `dir`).
   */
  constructor(
    private readonly parallelism: number,
    private readonly preferred: () => string | undefined = () => undefined,
  ) {}

  /** Runs `task` for `key` unless a newer request for the same key arrives first. */
  async schedule<T>(key: string, task: (signal: AbortSignal) => Promise<T>): Promise<T | Superseded> {
    const generation = (this.generations.get(key) ?? 0) + 1;
    this.generations.set(key, generation);
    this.running.get(key)?.controller.abort();

    await this.acquire(key);
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

  private acquire(key: string): Promise<void> {
    if (this.active < this.parallelism) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.waiting.push({
        key,
        start: () => {
          this.active++;
          resolve();
        },
      });
    });
  }

  private release(): void {
    this.active--;
    const preferred = this.preferred();
    let index = -1;
    for (let candidate = this.waiting.length - 1; preferred !== undefined && candidate >= 0 && index < 0; candidate--) {
      const { key } = this.waiting[candidate];
      if (key === preferred || key.startsWith(`${preferred}#`)) index = candidate;
    }
    // Else most recent first: the newest request is the package the user touched last.
    const [next] = index >= 0 ? this.waiting.splice(index, 1) : this.waiting.splice(-1, 1);
    next?.start();
  }
}

export function isSuperseded(value: unknown): value is Superseded {
  return typeof value === 'object' && value !== null && (value as Superseded).superseded === true;
}
