/**
 * The quick-fixes of the language server, between the LSP handlers and the pure parts: after each analysis
 * it proposes candidates for the package and has the compiler verify those in open files in the background;
 * a code-action request moves the candidates under the cursor to the front of the queue and waits, a bounded
 * time, for their verdicts, so the first Ctrl+. shows them.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { CodeAction } from 'vscode-languageserver';
import type { PackageResult } from '../model/analysis';
import { isHeapFact } from '../model/facts';
import type { GoSettings } from '../engine/goCommand';
import { loadOperandTypes } from '../engine/operandTypes';
import { typeInfoTool } from '../engine/typeInfoTool';
import type { GoRunner } from '../engine/runGo';
import type { PackageOperandTypes } from '../model/operandTypes';
import { isTestFile, readPackageSnapshot } from '../engine/packageSnapshot';
import { candidatesAt, codeAction, type CodeActionRequest, fixCodeActions } from '../features/codeActions';
import { toSourceText } from '../syntax/positions';
import type { SourceText } from '../model/positions';
import { AnswerFollowUps } from './answerFollowUps';
import { collectFixCandidates, type FixProposals } from './fixCandidates';
import { countShowsGain, type FixCandidate } from '../model/fixes';
import { applyToSource } from './textEdits';
import { FixVerifier, type FixVerifierOptions, mustNotEscapeAfter, type VerificationJob, verificationKey } from './verifyFix';
import type { Verification } from '../model/fixes';

/** The settings the fixes read, beside the go command's. */
export interface FixSettings {
  readonly valueReceiverMaxBytes: number;
  readonly quickFixes: boolean;
}

/** A code-action request, plus what the service needs to check the edits still apply. */
export interface CodeActionQuery extends CodeActionRequest {
  /** The editor's current text of a file, when it is open: edits are only offered against the analysed text. */
  readonly openText: (file: string) => string | undefined;
}

/** One offered action with what it was derived from, for tests and the CLI. */
export interface OfferedFix {
  readonly candidate: FixCandidate;
  readonly verdict: Verification;
  readonly action: CodeAction;
}

/** What the fixes of one package were proposed from: the analysis and the settings it ran with. */
interface PackageState {
  readonly result: PackageResult;
  readonly go: GoSettings;
  readonly fix: FixSettings;
  /** The analysed files, plus the test files from disk when the analysis left them out (their call sites count). */
  readonly files: ReadonlyMap<string, SourceText>;
  readonly key: string;
  readonly proposals: Promise<FixProposals>;
}

/** Candidates verified in the background after one analysis; more wait for a lightbulb request. */
const BACKGROUND_LIMIT = 10;
/**
 * Each verification compiles the package (with its tests) about three times. On a large package (net/http
 * has 2.5 MB of Go) verifying ten candidates after every save would keep the cores busy for minutes, so
 * there candidates are verified only when a lightbulb asks for them. Size, not time, decides: the same
 * package behaves the same on a busy and an idle machine.
 */
const BACKGROUND_PACKAGE_LIMIT_CHARACTERS = 400_000;

export class QuickFixService {
  private readonly verifier: FixVerifier;
  /** The newest analysis of each package, set synchronously so a request right after an analysis finds it. */
  private readonly packages = new Map<
    string,
    { readonly result: PackageResult; readonly settings: string; readonly state: Promise<PackageState> }
  >();

  /** Answers given before their verdicts were in, followed up so the editor is asked again. */
  private readonly followUps: AnswerFollowUps;

  /** Packages whose candidates will be proposed again with types once the type checker is built. */
  private readonly typesArriving = new Map<string, Promise<void>>();

  constructor(
    private readonly options: FixVerifierOptions & {
      readonly onVerified?: (directory: string, offered: number) => void;
      /** More actions are verified at a place than a code-action request there was answered with. */
      readonly onAnswerGrown?: (file: string) => void;
    },
  ) {
    this.verifier = new FixVerifier(options);
    this.followUps = new AnswerFollowUps({
      answer: (result, query) => this.answer(result, query, { cancelled: () => false }),
      isCurrent: (result) => this.packages.get(result.directory)?.result === result,
      grown: (file) => options.onAnswerGrown?.(file),
      log: options.log,
      verbose: options.verbose,
    });
  }

  /**
   * Proposes the package's candidates from a new analysis and verifies, in the background, those in files
   * `isOpen` accepts that may become quick-fixes (at most `BACKGROUND_LIMIT`). The rest can only ever be
   * refactors (value receivers, which rarely remove an allocation; exported functions, whose callers we do
   * not see): they are verified when code actions are asked for where they apply.
   * `go` must be the settings the analysis ran with, so the counts compare. Never throws: it runs unawaited.
   */
  async afterAnalysis(result: PackageResult, go: GoSettings, fix: FixSettings, isOpen: (file: string) => boolean): Promise<void> {
    try {
      if (!fix.quickFixes || !usable(result)) return;
      const state = await this.remember(result, go, fix);
      const proposals = await state.proposals;
      const jobs = proposals.candidates
        .filter((candidate) => isOpen(candidate.file) && mayBeQuickFix(candidate))
        .slice(0, packageSize(result) > BACKGROUND_PACKAGE_LIMIT_CHARACTERS ? 0 : BACKGROUND_LIMIT)
        .map((candidate) => this.job(state, candidate))
        // Verdicts already known (the same content from the cache) are not verified, nor reported, again.
        .filter((job) => !this.verifier.verdict(job.key) && !this.verifier.isPending(job.key));
      if (jobs.length === 0) return;
      this.verifier.enqueue(jobs);
      await this.reportWhenIdle(state, proposals);
    } catch (error) {
      this.options.log?.(
        `quick-fixes for ${result.directory} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    }
  }

  /**
   * A new analysis of `directory` has started: its content changed, so verification of the old content
   * stops now rather than competing with the compiler for the cores.
   */
  packageChanging(directory: string): void {
    this.verifier.packageChanged(directory, '(being analysed again)');
  }

  /**
   * The verified actions at a position. Unverified candidates there go to the front of the queue; with
   * `wait`, the answer waits for their verdicts (at most about as long as one verification takes, and never
   * past the request's cancellation), so the first Ctrl+. shows them. Without it (a hover listing the fixes)
   * it answers with what is verified now.
   */
  async codeActions(
    result: PackageResult | undefined,
    query: CodeActionQuery,
    wait?: { readonly cancelled: () => boolean },
  ): Promise<CodeAction[]> {
    const { actions, complete } = await this.answer(result, query, wait);
    if (result && wait && !complete && !wait.cancelled()) this.followUps.follow(result, query, actions.length);
    return actions;
  }

  /**
   * `codeActions`' answer, and whether it is complete: false when the wait's bound ended before the
   * verdicts at `range`, or the candidates proposed with types, were in.
   */
  private async answer(
    result: PackageResult | undefined,
    query: CodeActionQuery,
    wait?: { readonly cancelled: () => boolean },
  ): Promise<{ actions: CodeAction[]; complete: boolean }> {
    // A first Ctrl+. while the type checker is built waits for the candidates proposed with types, as it
    // waits for a verification, rather than answering with those the declarations alone allowed.
    const typesArriving = result && wait && this.typesArriving.get(result.directory);
    if (typesArriving) await settledWithin(typesArriving, waitBound(this.verifier.typicalDurationMs()));
    const entry = result && this.packages.get(result.directory);
    if (!result || !entry || entry.result !== result) {
      if (result && wait) this.options.verbose?.(`code actions: no quick-fixes proposed yet for ${path.basename(result.directory)}`);
      return { actions: [], complete: true };
    }
    const state = await entry.state;
    const proposals = await state.proposals;
    const current = proposals.candidates.filter((candidate) =>
      [...candidate.edits.keys()].every((file) => matchesAnalysedText(state, file, query.openText)),
    );
    const changedHere = candidatesAt(proposals.candidates, query.file, query.range).filter((candidate) => !current.includes(candidate));
    for (const candidate of changedHere)
      this.options.verbose?.(`quick-fix ${candidate.id} not offered: a file it edits has changed since the analysis; save it`);
    const verdictOf = (candidate: FixCandidate) => this.verifier.verdict(this.jobKey(state, candidate));
    const unverified = candidatesAt(current, query.file, query.range).filter(
      (candidate) => !verdictOf(candidate) && !this.verifier.isPending(this.jobKey(state, candidate)),
    );
    if (unverified.length > 0) {
      this.verifier.enqueue(
        unverified.map((candidate) => this.job(state, candidate)),
        true,
      );
      void this.reportWhenIdle(state, proposals);
    }
    const pending = candidatesAt(current, query.file, query.range)
      .map((candidate) => this.jobKey(state, candidate))
      .filter((key) => this.verifier.isPending(key));
    if (wait && pending.length > 0) {
      const bound = waitBound(this.verifier.typicalDurationMs());
      const started = performance.now();
      await this.verifier.whenSettled(pending, bound, wait.cancelled);
      const still = pending.filter((key) => this.verifier.isPending(key)).length;
      if (still > 0 && !wait.cancelled()) {
        this.options.verbose?.(
          `code actions: ${still} quick-fix${still === 1 ? '' : 'es'} still being verified after ${Math.round(performance.now() - started)} ms; ask again for ${still === 1 ? 'it' : 'them'}`,
        );
      }
    }
    // A newer analysis of the package (with its tests, once a test file is open) or the candidates proposed
    // again with types replaced these while we waited, and cancelled their verification: answer from those.
    const newest = this.packages.get(result.directory);
    if (wait && !wait.cancelled() && newest && newest !== entry && newest.result.files.has(query.file)) {
      return this.answer(newest.result, query, wait);
    }
    const locatedIn = (file: string) => result.files.get(file)?.located;
    const complete = !this.typesArriving.has(result.directory) && pending.every((key) => !this.verifier.isPending(key));
    return { actions: fixCodeActions(current, verdictOf, { ...query, locatedIn }), complete };
  }

  /** Verifies every candidate of the package and returns what is offered (for tests and the CLI). */
  async verifiedFixes(
    result: PackageResult,
    go: GoSettings,
    fix: FixSettings,
    uriOf: (file: string) => string,
  ): Promise<{ offered: OfferedFix[]; proposals: FixProposals; verdicts: Map<string, Verification> }> {
    // Every candidate is wanted here, so the type checker's first build is waited for.
    await typeInfoTool(go, this.options.runGo);
    const state = await this.remember(result, go, fix);
    const proposals = await state.proposals;
    this.verifier.enqueue(proposals.candidates.map((candidate) => this.job(state, candidate)));
    await this.verifier.whenIdle();
    const offered: OfferedFix[] = [];
    const verdicts = new Map<string, Verification>();
    for (const candidate of proposals.candidates) {
      const verdict = this.verifier.verdict(this.jobKey(state, candidate));
      if (!verdict) continue;
      verdicts.set(candidate.id, verdict);
      const action = codeAction(candidate, verdict, { diagnostics: [], uriOf });
      if (action) offered.push({ candidate, verdict, action });
    }
    return { offered, proposals, verdicts };
  }

  whenIdle(): Promise<void> {
    return this.verifier.whenIdle();
  }

  /** Says, once the queue is empty, how many of the package's fixes are offered (if its content is still current). */
  private async reportWhenIdle(state: PackageState, proposals: FixProposals): Promise<void> {
    await this.verifier.whenIdle();
    if (this.packages.get(state.result.directory)?.result !== state.result) return;
    const offered = proposals.candidates.filter((candidate) => {
      const verdict = this.verifier.verdict(this.jobKey(state, candidate));
      return verdict && codeAction(candidate, verdict, { diagnostics: [], uriOf: String });
    });
    this.options.onVerified?.(state.result.directory, offered.length);
  }

  cancelAll(): void {
    this.verifier.cancelAll();
  }

  private remember(result: PackageResult, go: GoSettings, fix: FixSettings): Promise<PackageState> {
    const settings = JSON.stringify([go, fix]);
    const previous = this.packages.get(result.directory);
    if (previous?.result === result && previous.settings === settings) return previous.state;
    const state = this.prepare(result, go, fix);
    this.packages.set(result.directory, { result, settings, state });
    return state;
  }

  private async prepare(result: PackageResult, go: GoSettings, fix: FixSettings): Promise<PackageState> {
    const module = await moduleOf(result.directory);
    const files = new Map([...result.files].map(([file, analysis]) => [file, analysis.source]));
    if (!result.includesTests) {
      const onDisk = await readPackageSnapshot(result.directory, { includeTests: true });
      for (const [file, text] of onDisk.files) if (isTestFile(file)) files.set(file, toSourceText(text));
    }
    const key = packageKey(result, files, go, fix, module);
    this.verifier.packageChanged(result.directory, key);
    const dependencies = { ...this.options, waitForBuild: false };
    const proposals = operandTypesOf(result.directory, files, go, module?.goVersion, dependencies).then((operandTypes) => {
      if (operandTypes.status === 'unavailable' && operandTypes.building) this.proposeAgainWhenTypesBuilt(result, go, fix);
      return collectFixCandidates({
        directory: result.directory,
        files,
        facts: result.analysis.facts.facts,
        languageVersion: module?.goVersion,
        importPath: module ? importPathOf(module, result.directory) : undefined,
        valueReceiverMaxBytes: fix.valueReceiverMaxBytes,
        operandTypes,
      });
    });
    proposals.then(
      (resolved) => {
        for (const refused of resolved.refused)
          this.options.verbose?.(`quick-fix not proposed: ${refused.fix} ${refused.subject}: ${refused.reason}`);
      },
      () => undefined,
    );
    return { result, go, fix, files, key, proposals };
  }

  /**
   * The first proposals of a session come before the type checker is built (it compiles go/types once per
   * toolchain): the fmt rewrites then had the declarations alone. Once it is built, the package's
   * candidates are proposed again with types, unless a newer analysis has replaced them meanwhile.
   */
  private proposeAgainWhenTypesBuilt(result: PackageResult, go: GoSettings, fix: FixSettings): void {
    const proposed = typeInfoTool(go, this.options.runGo).then(async (tool) => {
      const entry = this.packages.get(result.directory);
      if (typeof tool !== 'string' || entry?.result !== result) return;
      const state = this.prepare(result, go, fix);
      this.packages.set(result.directory, { ...entry, state });
      await (await state).proposals;
    });
    this.typesArriving.set(result.directory, proposed);
    void proposed.finally(() => {
      if (this.typesArriving.get(result.directory) === proposed) this.typesArriving.delete(result.directory);
    });
  }

  private jobKey(state: PackageState, candidate: FixCandidate): string {
    return verificationKey(state.key, [...candidate.edits]);
  }

  private job(state: PackageState, candidate: FixCandidate): VerificationJob {
    const { result } = state;
    return {
      key: this.jobKey(state, candidate),
      subject: candidate.id,
      directory: result.directory,
      packageKey: state.key,
      settings: state.go,
      unedited: () => new Map([...state.files].map(([file, source]) => [file, applyToSource(source, [])])),
      request: () => {
        // Every file goes through the overlay, so the compiler sees exactly the text that was analysed
        // (which may be unsaved), with the candidate's edits applied.
        const replacements = new Map<string, string>();
        for (const [file, source] of state.files) replacements.set(file, applyToSource(source, candidate.edits.get(file) ?? []));
        return {
          directory: result.directory,
          hasTestFiles: result.includesTests,
          replacements,
          heapFactsBefore: result.analysis.facts.facts.filter(isHeapFact).length,
          offeredWithoutGain: candidate.worthWithoutGain || candidate.runtimeOnly !== undefined,
          ...(candidate.mustNotEscape ? { mustNotEscape: mustNotEscapeAfter(candidate, (file) => replacements.get(file)) ?? null } : {}),
          ...(candidate.boundsChecks ? { boundsChecks: candidate.boundsChecks } : {}),
        };
      },
    };
  }
}

/** Waits for `promise`, at most `ms`; never throws. */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([promise.catch(() => undefined), bound]);
  clearTimeout(timer);
}

/**
 * How long a code-action request waits for verdicts: about one verification and a half as measured here
 * (the candidate may queue behind one already running), 20 s before anything was measured.
 */
function waitBound(typicalMs: number | undefined): number {
  return Math.min(120_000, Math.max(2_000, 1.5 * (typicalMs ?? 20_000)));
}

/**
 * Aims at a heap allocation the editor shows, and all its callers are in view. A fix whose gain only a
 * run shows is a refactor until a benchmark measures it, and one that removes nothing at run time is a
 * refactor: verified when asked for, like the refactors.
 */
function mayBeQuickFix(candidate: FixCandidate): boolean {
  return candidate.fix !== 'valueReceiver' && !candidate.externalCallersUnseen && countShowsGain(candidate);
}

function usable(result: PackageResult): boolean {
  return result.analysis.status === 'ok' && !result.stale;
}

function matchesAnalysedText(state: PackageState, file: string, openText: (file: string) => string | undefined): boolean {
  const text = openText(file);
  return text === undefined || text === state.files.get(file)?.text;
}

function packageKey(
  result: PackageResult,
  files: ReadonlyMap<string, SourceText>,
  go: GoSettings,
  fix: FixSettings,
  module: GoModule | undefined,
): string {
  const hash = createHash('sha256')
    .update(result.directory)
    .update(result.includesTests ? '\0tests' : '\0');
  for (const [file, source] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    hash
      .update('\0')
      .update(file)
      .update('\0')
      .update(source.hadByteOrderMark ? 'bom' : '')
      .update(source.text);
  }
  hash.update('\0').update(JSON.stringify([go, fix.valueReceiverMaxBytes, module ?? null]));
  return hash.digest('hex');
}

export interface GoModule {
  readonly root: string;
  readonly path: string;
  readonly goVersion?: string;
}

/**
 * go/types' operand types of a package's non-test files as given, for the fmt rewrites. When they cannot be
 * had (an old toolchain, a package that does not list), the reason is logged at the verbose level and the
 * rewrites use the declarations alone.
 */
export async function operandTypesOf(
  directory: string,
  files: ReadonlyMap<string, SourceText>,
  settings: GoSettings,
  languageVersion: string | undefined,
  dependencies: { readonly runGo: GoRunner; readonly verbose?: (message: string) => void; readonly waitForBuild: boolean },
): Promise<PackageOperandTypes> {
  const texts = new Map([...files].filter(([file]) => !isTestFile(file)).map(([file, source]) => [file, source.text]));
  const { runGo, waitForBuild } = dependencies;
  // Only the fmt rewrites read the types: a package that does not import fmt costs no go command. The
  // type checker is still built now, so it is ready when a package that does is opened.
  if (![...texts.values()].some((text) => /^\s*(import\s*\(?\s*)?(\w+\s+)?"fmt"/m.test(text))) {
    if (!waitForBuild) void typeInfoTool(settings, runGo);
    return { status: 'unavailable', reason: 'the package does not import fmt' };
  }
  const types = await loadOperandTypes({ directory, files: texts, settings, languageVersion, runGo, waitForBuild });
  if (types.status !== 'ok') dependencies.verbose?.(`operand types for ${directory} unavailable: ${types.reason}`);
  return types;
}

/** The nearest go.mod above `directory`: its module path and `go` directive. */
export async function moduleOf(directory: string): Promise<GoModule | undefined> {
  for (let current = directory; ; current = path.dirname(current)) {
    const text = await fs.readFile(path.join(current, 'go.mod'), 'utf8').catch(() => undefined);
    if (text !== undefined) {
      const modulePath = /^\s*module\s+("?)([^\s"]+)\1/m.exec(text)?.[2];
      const goVersion = /^\s*go\s+(\d+\.\d+(?:\.\d+)?)/m.exec(text)?.[1];
      return modulePath ? { root: current, path: modulePath, ...(goVersion ? { goVersion } : {}) } : undefined;
    }
    if (path.dirname(current) === current) return undefined;
  }
}

export function importPathOf(module: GoModule, directory: string): string {
  const relative = path.relative(module.root, directory).split(path.sep).join('/');
  return relative ? `${module.path}/${relative}` : module.path;
}

function packageSize(result: PackageResult): number {
  let characters = 0;
  for (const file of result.files.values()) characters += file.source.text.length;
  return characters;
}
