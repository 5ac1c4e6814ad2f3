/**
 * Asks the compiler whether a candidate fix is safe and helps, without writing a byte into the workspace:
 * the edited files go to the go command through `-overlay`, the package (and its tests, with `go test -c`
 * through the skip-link tool, exactly as an analysis runs) is compiled with `-gcflags=-m=2` and the heap
 * facts are counted again; then, for a fix that would be offered, `go vet` runs on the same overlay.
 *
 * Verifications are slow (a compile each), so `FixVerifier` runs them one at a time in the background,
 * caches each verdict by everything it depends on (the package's content, the edits, the settings), and
 * drops queued work for a package whose content has changed since.
 */
import { createHash } from 'node:crypto';
import type { CompilerPosition, EscapeFact } from '../model/facts';
import type { FixCandidate } from '../model/fixes';
import { toSourceText, utf16ToByteColumn } from '../syntax/positions';
import { positionAfterEdits } from './textEdits';
import { analysePackage, type AnalysisDependencies } from '../engine/analysePackage';
import { isHeapFact } from '../model/facts';
import { analysisEnvironment, type GoSettings } from '../engine/goCommand';
import { withOverlay } from '../engine/overlay';
import type { PackageSnapshot } from '../engine/packageSnapshot';
import type { GoRunner } from '../engine/runGo';
import { type BoundsCheckMeasure, type Verification, vetSkipped } from '../model/fixes';
import { isBoundsCheckKind } from '../model/checks';

export interface VerificationRequest {
  readonly directory: string;
  readonly hasTestFiles: boolean;
  /** Absolute path → the file's full text after the edit (with its byte-order mark, if it had one). */
  readonly replacements: ReadonlyMap<string, string>;
  /** How many heap facts the package has as it is. */
  readonly heapFactsBefore: number;
  /**
   * Allocations (in the edited text) the fix is only right without: a heap fact still there breaks it;
   * null when they could not be placed in the edited text (the fix cannot be verified).
   */
  readonly mustNotEscape?: readonly CompilerPosition[] | null;
  /**
   * What `go vet` says about the package as it is: a fix may not add to it. Asked for only when a fix gets
   * as far as vet, so a package whose fixes all remove nothing costs no vet at all.
   */
  readonly vetBefore: () => Promise<readonly string[]>;
  /**
   * The fix is offered even when the count does not fall (errors.New for a constant message, a rewrite whose
   * gain shows only at run time), so vet must judge it whatever the count says. Otherwise a fix that removes
   * nothing is not offered and vet is not asked.
   */
  readonly offeredWithoutGain?: boolean;
  /** For a fix aimed at bounds checks: their count in one function is compared instead of the heap facts. */
  readonly boundsChecks?: BoundsCheckMeasure;
}

/** Thrown when a verification could not run at all (no go binary, cancelled): nothing is learned or cached. */
export class VerificationNotRun extends Error {}

export async function verifyFix(
  request: VerificationRequest,
  settings: GoSettings,
  dependencies: AnalysisDependencies,
  signal?: AbortSignal,
): Promise<Verification> {
  return withOverlay(request.replacements, async (overlayFile) => {
    // The compiler reads the files through the overlay; the snapshot only says how to compile them.
    const snapshot: PackageSnapshot = {
      directory: request.directory,
      files: new Map(),
      hasTestFiles: request.hasTestFiles,
      directoryHasTestFiles: request.hasTestFiles,
      contentHash: '',
    };
    const analysis = await analysePackage(snapshot, settings, dependencies, { signal, overlayFile });
    if (analysis.status === 'buildFailed') return { outcome: 'breaks', reason: analysis.message ?? 'the package no longer builds' };
    if (analysis.status !== 'ok') throw new VerificationNotRun(analysis.message ?? analysis.status);

    if (request.mustNotEscape === null)
      return { outcome: 'breaks', reason: 'the allocation it must remove cannot be found after the edit' };
    const kept = stillOnHeap(analysis.facts.facts, request.mustNotEscape ?? []);
    if (kept)
      return { outcome: 'breaks', reason: `${kept} is still on the heap: something else keeps it, so a copy would not be the same object` };
    const measure = request.boundsChecks;
    const before = measure ? measure.before : request.heapFactsBefore;
    const after = measure ? countBoundsChecks(analysis.facts.facts, measure) : analysis.facts.facts.filter(isHeapFact).length;
    const outcome = after < before ? 'removes' : after === before ? 'noGain' : 'adds';
    // Vet takes longer than the compile; a fix that is not offered needs no verdict from it.
    if (outcome !== 'removes' && !request.offeredWithoutGain) return { outcome, before, after, vetSkipped: true };

    const vet = await vetFindings(request.directory, settings, dependencies.runGo, signal, overlayFile);
    const added = newFindings(await request.vetBefore(), vet);
    if (added.length > 0) return { outcome: 'breaks', reason: `go vet: ${added[0]}`, byVet: true };
    return { outcome, before, after };
  });
}

/** The expression of a heap fact at one of `positions`, if the compiler still reports one there. */
export function stillOnHeap(facts: readonly EscapeFact[], positions: readonly CompilerPosition[]): string | undefined {
  for (const position of positions) {
    const fact = facts.find(
      (candidate) =>
        isHeapFact(candidate) &&
        candidate.position.file === position.file &&
        candidate.position.line === position.line &&
        candidate.position.byteColumn === position.byteColumn,
    );
    if (fact) return fact.expression;
  }
  return undefined;
}

/**
 * Where the allocations a candidate must remove stand in its edited text, as the compiler reports positions;
 * undefined when one cannot be placed (then the candidate cannot be verified and is not offered).
 */
export function mustNotEscapeAfter(candidate: FixCandidate, edited: (file: string) => string | undefined): CompilerPosition[] | undefined {
  const positions: CompilerPosition[] = [];
  for (const position of candidate.mustNotEscape ?? []) {
    const moved = positionAfterEdits(position, candidate.edits.get(candidate.file) ?? []);
    const text = edited(candidate.file);
    if (!moved || text === undefined) return undefined;
    const lineText = toSourceText(text).lines[moved.line] ?? '';
    positions.push({ file: candidate.file, line: moved.line + 1, byteColumn: utf16ToByteColumn(lineText, moved.character) });
  }
  return positions;
}

/** The bounds checks the compiler kept in a file's lines (each position once). */
export function countBoundsChecks(facts: readonly EscapeFact[], where: Omit<BoundsCheckMeasure, 'before'>): number {
  return facts.filter(
    (fact) =>
      isBoundsCheckKind(fact.kind) &&
      fact.position.file === where.file &&
      fact.position.line >= where.fromLine &&
      fact.position.line <= where.toLine,
  ).length;
}

/**
 * `go vet`'s findings for a package, each without its position (positions move when a fix adds a line), so
 * findings before and after a fix can be compared.
 */
export async function vetFindings(
  directory: string,
  settings: GoSettings,
  runGo: GoRunner,
  signal?: AbortSignal,
  overlayFile?: string,
): Promise<string[]> {
  const args = ['vet', ...settings.buildFlags, ...(overlayFile ? [`-overlay=${overlayFile}`] : []), '.'];
  const result = await runGo({ goBinary: settings.goBinary, args, cwd: directory, env: analysisEnvironment(settings) }, signal);
  if (result.spawnError || result.cancelled) throw new VerificationNotRun(result.spawnError?.message ?? 'cancelled');
  if (result.exitCode === 0) return [];
  return (result.stderr + result.stdout)
    .split(/\r?\n/)
    .filter((line) => line.length > 0 && !line.startsWith('#'))
    .map((line) => line.replace(/^.*?\.go:\d+(?::\d+)?: /, '').trim());
}

/** Findings in `after` that `before` does not account for (as a multiset). */
export function newFindings(before: readonly string[], after: readonly string[]): string[] {
  const remaining = new Map<string, number>();
  for (const finding of before) remaining.set(finding, (remaining.get(finding) ?? 0) + 1);
  return after.filter((finding) => {
    const left = remaining.get(finding) ?? 0;
    if (left === 0) return true;
    remaining.set(finding, left - 1);
    return false;
  });
}

/**
 * A verdict for the log: "builds and passes vet; heap allocations 4 → 3", "not offered: go vet: …". Whether a
 * fix whose count did not fall is offered depends on the fix (a loop rewrite whose gain only a run shows is),
 * so only a refusal says "not offered".
 */
export function verdictWords(verdict: Verification): string {
  if (verdict.outcome === 'breaks') return `not offered: ${verdict.reason}`;
  const vetted = vetSkipped(verdict) ? 'builds (vet not asked)' : 'builds and passes vet';
  return `${vetted}; heap allocations ${verdict.before} → ${verdict.after}`;
}

/** Whether the verification went as far as `go vet`, as every fix that is offered does. */
export function askedVet(verdict: Verification): boolean {
  if (verdict.outcome === 'breaks') return verdict.byVet === true;
  return !vetSkipped(verdict);
}

/** The cache key of one verification: everything its verdict depends on. */
export function verificationKey(packageKey: string, candidateEdits: unknown): string {
  return createHash('sha256').update(packageKey).update('\0').update(JSON.stringify(candidateEdits)).digest('hex');
}

export interface VerificationJob {
  readonly key: string;
  /** What is verified, for the log: the candidate's id, e.g. `valueReceiver:Vector.Length`. */
  readonly subject?: string;
  readonly directory: string;
  /** The package content the job was made for; a job for older content is dropped. */
  readonly packageKey: string;
  readonly request: () => Omit<VerificationRequest, 'vetBefore'>;
  /** The package's files as analysed, without the fix: what `go vet` said before the fix is asked of them. */
  readonly unedited: () => ReadonlyMap<string, string>;
  readonly settings: GoSettings;
}

export interface FixVerifierOptions extends AnalysisDependencies {
  readonly log?: (message: string) => void;
  /** Lines only a `verbose` log level shows. */
  readonly verbose?: (message: string) => void;
  /** Cached verdicts kept; the oldest go first. */
  readonly capacity?: number;
}

export class FixVerifier {
  private readonly verdicts = new Map<string, Verification>();
  private readonly vetBaselines = new Map<string, Promise<string[]>>();
  private readonly queue: VerificationJob[] = [];
  private readonly queued = new Set<string>();
  /** The newest package content per directory: jobs for anything else are stale. */
  private readonly current = new Map<string, string>();
  private running: { job: VerificationJob; controller: AbortController } | undefined;
  private idleWaiters: (() => void)[] = [];
  /** Called after each job, run or dropped: requests waiting for particular verdicts look again. */
  private readonly progressListeners = new Set<() => void>();
  /** How long the latest verifications took (ms), newest last: how long a lightbulb may wait for one. */
  private readonly durations: number[] = [];

  constructor(private readonly options: FixVerifierOptions) {}

  verdict(key: string): Verification | undefined {
    return this.verdicts.get(key);
  }

  /** True while `key` waits in the queue or runs. */
  isPending(key: string): boolean {
    return this.queued.has(key) || this.running?.job.key === key;
  }

  /** Says which content of a package is current; queued and running work for other content is dropped. */
  packageChanged(directory: string, packageKey: string): void {
    if (this.current.get(directory) === packageKey) return;
    this.current.set(directory, packageKey);
    for (let index = this.queue.length - 1; index >= 0; index--) {
      const job = this.queue[index];
      if (job.directory === directory && job.packageKey !== packageKey) {
        this.queue.splice(index, 1);
        this.queued.delete(job.key);
      }
    }
    if (this.running && this.running.job.directory === directory && this.running.job.packageKey !== packageKey)
      this.running.controller.abort();
    this.notifyProgress();
  }

  /** Queues the jobs not already known; `first` puts them ahead of the queue (a lightbulb is waiting). */
  enqueue(jobs: readonly VerificationJob[], first = false): void {
    const fresh = jobs.filter((job) => !this.verdicts.has(job.key) && !this.isPending(job.key));
    for (const job of fresh) this.queued.add(job.key);
    if (first) this.queue.unshift(...fresh);
    else this.queue.push(...fresh);
    void this.drain();
  }

  /**
   * Resolves when none of `keys` is queued or running any more, or after `timeoutMs`, or when `cancelled`
   * says so, whichever comes first. A code-action request waits here for the verdicts at its range.
   */
  whenSettled(keys: readonly string[], timeoutMs: number, cancelled: () => boolean = () => false): Promise<void> {
    const settled = () => cancelled() || keys.every((key) => !this.isPending(key));
    if (settled()) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        clearInterval(poll);
        this.progressListeners.delete(check);
        resolve();
      };
      const check = () => settled() && finish();
      const timer = setTimeout(finish, timeoutMs);
      // A cancellation token has no event here, so it is looked at a few times a second.
      const poll = setInterval(check, 100);
      this.progressListeners.add(check);
    });
  }

  /**
   * About how long one verification takes here (the slowest of the last few that went as far as vet), or
   * undefined before the first: the machine and the package decide, so it is measured, not guessed. One
   * that stopped before vet (it removed nothing, or did not build) takes about half as long, so it would
   * cut short a lightbulb that waits for a fix that is offered.
   */
  typicalDurationMs(): number | undefined {
    return this.durations.length === 0 ? undefined : Math.max(...this.durations);
  }

  /** Resolves when nothing is queued or running (for the CLI and tests). */
  whenIdle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  cancelAll(): void {
    this.queue.length = 0;
    this.queued.clear();
    this.running?.controller.abort();
    this.notifyProgress();
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    for (let job = this.queue.shift(); job; job = this.queue.shift()) {
      this.queued.delete(job.key);
      const current = this.current.get(job.directory);
      if (current !== undefined && current !== job.packageKey) continue;
      const controller = new AbortController();
      this.running = { job, controller };
      const started = performance.now();
      try {
        const verdict = await this.run(job, controller.signal);
        this.remember(job.key, verdict);
        this.options.verbose?.(`quick-fix ${job.subject ?? job.key} verified: ${verdictWords(verdict)}`);
        if (askedVet(verdict)) {
          this.durations.push(performance.now() - started);
          if (this.durations.length > 5) this.durations.shift();
        }
      } catch (error) {
        if (error instanceof VerificationNotRun) this.options.verbose?.(`quick-fix verification did not run: ${error.message}`);
        else this.options.log?.(`quick-fix verification failed: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        this.running = undefined;
        this.notifyProgress();
      }
    }
    this.notifyProgress();
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private notifyProgress(): void {
    for (const listener of [...this.progressListeners]) listener();
  }

  private async run(job: VerificationJob, signal: AbortSignal): Promise<Verification> {
    const vetBefore = () => {
      const baselineKey = `${job.directory}\0${job.packageKey}`;
      let baseline = this.vetBaselines.get(baselineKey);
      if (!baseline) {
        const { runGo } = this.options;
        baseline = withOverlay(job.unedited(), (overlayFile) => vetFindings(job.directory, job.settings, runGo, signal, overlayFile));
        this.vetBaselines.set(baselineKey, baseline);
        baseline.catch(() => this.vetBaselines.delete(baselineKey));
      }
      return baseline;
    };
    return verifyFix({ ...job.request(), vetBefore }, job.settings, this.options, signal);
  }

  private remember(key: string, verdict: Verification): void {
    this.verdicts.set(key, verdict);
    const capacity = this.options.capacity ?? 500;
    while (this.verdicts.size > capacity) this.verdicts.delete(this.verdicts.keys().next().value!);
    while (this.vetBaselines.size > 50) this.vetBaselines.delete(this.vetBaselines.keys().next().value!);
  }
}
