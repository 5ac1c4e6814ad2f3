/**
 * Remembers the last successful analysis of each package, keyed by everything that decides the compiler's
 * answer: the package's file contents, the Go version, and the settings (flags, environment).
 *
 * What a package's facts depend on also includes the packages it imports (inlining crosses packages), and
 * we do not track imports. So when any package's content changes, every other package's entry is dropped:
 * re-saving unchanged content is answered from here, anything else goes to the compiler, whose own build
 * cache makes unchanged packages cheap.
 */
import { createHash } from 'node:crypto';

export function analysisKey(contentHash: string, goVersion: string, settingsFingerprint: string): string {
  return createHash('sha256').update(contentHash).update('\0').update(goVersion).update('\0').update(settingsFingerprint).digest('hex');
}

export class AnalysisCache<T> {
  private readonly entries = new Map<string, { key: string; value: T }>();

  get(directory: string, key: string): T | undefined {
    const entry = this.entries.get(directory);
    return entry?.key === key ? entry.value : undefined;
  }

  /** Stores a successful analysis; the content of `directory` changed, so every other entry may be stale. */
  store(directory: string, key: string, value: T): void {
    const previous = this.entries.get(directory);
    if (previous && previous.key !== key) this.entries.clear();
    this.entries.set(directory, { key, value });
  }

  /** Called when a package's content changed without a new analysis being stored (e.g. it failed). */
  invalidateAll(): void {
    this.entries.clear();
  }
}
