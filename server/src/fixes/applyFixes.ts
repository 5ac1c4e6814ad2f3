/**
 * Applies every verified fix of one package, as `go-escape-lens fix` does, without touching the disk: the
 * package's text lives in memory and the compiler reads it through `-overlay`.
 *
 * Rounds: each round proposes candidates on the current text, verifies a set whose edits do not overlap
 * with one compile (the fmt rewrites, whose removals can be attributed to each one by position), or one
 * other candidate alone, applies what removes heap facts, and starts again on the new text. Overlapping
 * fixes therefore meet in different rounds, each proposed against the text the previous one left.
 *
 * A batch is only trusted when the compiler's total drop equals the sum of the drops attributed to its
 * fixes (the facts inside each rewritten call, before and after); otherwise its fixes are verified one by
 * one. So every fix's `removes` is what the compiler counts, and the package's count falls by their sum.
 */
import * as path from 'node:path';
import { analysePackage, type AnalysisDependencies } from '../engine/analysePackage';
import type { GoSettings } from '../engine/goCommand';
import { withOverlay } from '../engine/overlay';
import { isTestFile, readPackageSnapshot } from '../engine/packageSnapshot';
import { type EscapeFact, isHeapFact } from '../model/facts';
import { countShowsGain, type FixCandidate, type TextEdit } from '../model/fixes';
import type { LspRange, SourceText } from '../model/positions';
import { withGoTree } from '../syntax/goParser';
import { comparePositions, compilerToLspPosition, offsetAt, toSourceText } from '../syntax/positions';
import { collectFixCandidates } from './fixCandidates';
import { factLinesInside } from '../features/fixRanking';
import { importEdits } from './importEdits';
import { followEdit, initialOrigins, type LineOrigins } from './lineOrigins';
import { importPathOf, moduleOf, operandTypesOf } from './fixService';
import { applyToSource, editsOverlap } from './textEdits';
import { mustNotEscapeAfter, newFindings, stillOnHeap, vetFindings } from './verifyFix';

export interface AppliedFix {
  readonly fix: string;
  readonly file: string;
  /** Where the fix applied, in the text as the fixes before it left the file (earlier rounds). */
  readonly range: LspRange;
  readonly title: string;
  /** Heap facts the compiler no longer reports because of it. */
  readonly removes: number;
  readonly round: number;
  /**
   * The 1-based lines, in the file as it was before any fix, of the heap facts the fix is about (inside its
   * trigger ranges): where a measurement of the unfixed code says what it saves.
   */
  readonly factLines: readonly number[];
}

export interface PackageFixRun {
  readonly directory: string;
  readonly heapFactsBefore: number;
  readonly heapFactsAfter: number;
  readonly applied: readonly AppliedFix[];
  /** Every file's final text (with its byte-order mark), for the files that changed. */
  readonly changedFiles: ReadonlyMap<string, string>;
  readonly originalFiles: ReadonlyMap<string, string>;
  /** Why the package could not be fixed at all, when it could not. */
  readonly failure?: string;
}

export interface ApplyOptions extends AnalysisDependencies {
  readonly settings: GoSettings;
  /** Also apply fixes whose callers outside the package are not seen (exported functions). */
  readonly includeRefactors: boolean;
  readonly valueReceiverMaxBytes: number;
  readonly log?: (message: string) => void;
  readonly maxRounds?: number;
}

interface Text {
  readonly files: Map<string, SourceText>;
}

export async function applyPackageFixes(directory: string, options: ApplyOptions): Promise<PackageFixRun> {
  const snapshot = await readPackageSnapshot(directory, { includeTests: true });
  const original = new Map([...snapshot.files].map(([file, text]) => [file, text]));
  const state: Text = { files: new Map([...snapshot.files].map(([file, text]) => [file, toSourceText(text)])) };
  const module = await moduleOf(directory);
  const base = { directory, originalFiles: original };

  const first = await compile(directory, state, options);
  if (typeof first === 'string')
    return { ...base, heapFactsBefore: 0, heapFactsAfter: 0, applied: [], changedFiles: new Map(), failure: first };
  // Asked once, and only when a batch gets as far as vet.
  let vetOfOriginal: Promise<string[]> | undefined;
  const unedited = overlayOf(state);
  const vetBefore = () => {
    vetOfOriginal ??= withOverlay(unedited, (overlay) => vetFindings(directory, options.settings, options.runGo, undefined, overlay));
    return vetOfOriginal;
  };
  const heapFactsBefore = first.filter(isHeapFact).length;
  let facts = first;
  const applied: AppliedFix[] = [];
  const origins = new Map([...state.files].map(([file, source]) => [file, initialOrigins(source.text)]));
  const tried = new Set<string>();

  for (let round = 1; round <= (options.maxRounds ?? 30); round++) {
    const proposals = await collectFixCandidates({
      directory,
      files: state.files,
      facts,
      languageVersion: module?.goVersion,
      importPath: module ? importPathOf(module, directory) : undefined,
      valueReceiverMaxBytes: options.valueReceiverMaxBytes,
      // Typed again each round: the earlier rounds' edits moved the calls.
      operandTypes: await operandTypesOf(directory, state.files, options.settings, module?.goVersion, {
        runGo: options.runGo,
        verbose: options.log,
        waitForBuild: true,
      }),
    });
    const eligible = proposals.candidates.filter(
      (candidate) =>
        !tried.has(keyOf(candidate, state)) &&
        !isTestFile(candidate.file) &&
        // This applies by the compiler's count.
        countShowsGain(candidate) &&
        (!candidate.externalCallersUnseen || options.includeRefactors),
    );
    if (eligible.length === 0) break;
    const batch = chooseBatch(eligible);
    // Only what was applied or failed on its own is not tried again; the rest of the batch comes back next
    // round, on the new text (it may have been left out only because it did not add up with the others).
    const refused = new Set<FixCandidate>();
    const accepted = await verifyLargestPart(batch, (part) => verifyBatch(directory, state, facts, part, vetBefore, options), refused);
    for (const candidate of refused) tried.add(keyOf(candidate, state));
    if (accepted.ok) for (const { candidate } of accepted.fixes) tried.add(keyOf(candidate, state));
    if (!accepted.ok) {
      options.log?.(`${path.basename(directory)}: round ${round}: ${accepted.reason}`);
      continue;
    }
    for (const { candidate, ...fix } of accepted.fixes) {
      const lines = originalFactLines(candidate, facts, state.files.get(candidate.file)!, origins.get(candidate.file) ?? []);
      applied.push({ ...fix, round, factLines: lines });
    }
    for (const [file, text] of accepted.texts) {
      const edited = toSourceText(text);
      origins.set(file, followEdit(origins.get(file) ?? [], state.files.get(file)?.text ?? '', edited.text));
      state.files.set(file, edited);
    }
    facts = accepted.facts;
  }

  const changedFiles = new Map<string, string>();
  for (const [file, source] of state.files) {
    const text = applyToSource(source, []);
    if (text !== original.get(file)) changedFiles.set(file, text);
  }
  return { ...base, heapFactsBefore, heapFactsAfter: facts.filter(isHeapFact).length, applied, changedFiles };
}

/** The original lines of the heap facts inside the candidate's trigger ranges, in the text it was proposed on. */
function originalFactLines(candidate: FixCandidate, facts: readonly EscapeFact[], source: SourceText, origins: LineOrigins): number[] {
  const positions = facts
    .filter((fact) => isHeapFact(fact) && fact.position.file === candidate.file)
    .flatMap((fact) => compilerToLspPosition(source, fact.position.line, fact.position.byteColumn) ?? []);
  return factLinesInside(candidate.triggerRanges, positions).flatMap((line) => origins[line - 1] ?? []);
}

/** Identifies a candidate across rounds, whose positions move: its fix, file and the text it is about. */
function keyOf(candidate: FixCandidate, state: Text): string {
  const source = state.files.get(candidate.file);
  const range = candidate.triggerRanges[0];
  const text = source && range ? source.text.slice(offsetAt(source, range.start), offsetAt(source, range.end)) : candidate.id;
  const sameText = source ? source.text.split(text).length - 1 : 0;
  return `${candidate.fix}\0${candidate.file}\0${text}\0${sameText > 1 ? candidate.id : ''}`;
}

/**
 * The fmt rewrites whose calls do not overlap, all at once (their imports are worked out per file); failing
 * those, the first other candidate alone.
 */
function chooseBatch(candidates: readonly FixCandidate[]): FixCandidate[] {
  const chosen: FixCandidate[] = [];
  for (const candidate of candidates) {
    if (!candidate.imports) continue;
    const overlaps = chosen.some(
      (other) => other.file === candidate.file && editsOverlap([...other.imports!.expressionEdits, ...candidate.imports!.expressionEdits]),
    );
    if (!overlaps) chosen.push(candidate);
  }
  return chosen.length > 0 ? chosen : [candidates[0]];
}

export type BatchOutcome =
  | {
      readonly ok: true;
      readonly fixes: readonly (Omit<AppliedFix, 'round' | 'factLines'> & { readonly candidate: FixCandidate })[];
      readonly texts: ReadonlyMap<string, string>;
      readonly facts: readonly EscapeFact[];
    }
  | {
      readonly ok: false;
      readonly reason: string;
      /**
       * When the batch built but some of its fixes removed nothing by their own position: the ones that did,
       * worth verifying again without the others (vet is asked only about a batch that would be applied).
       */
      readonly gaining?: readonly FixCandidate[];
    };

/**
 * The largest part of `batch` that holds together, found with few compiles: the whole batch first; when it
 * builds but some fixes gain nothing, the others again; when it does not build (or its removals do not add
 * up), each half on its own and then the two halves' survivors together, so one rewrite that does not
 * compile costs about two compiles per halving instead of one compile per fix. `refused` collects the
 * candidates that failed on their own or removed nothing: the others may be tried again.
 */
export async function verifyLargestPart(
  batch: readonly FixCandidate[],
  verify: (part: readonly FixCandidate[]) => Promise<BatchOutcome>,
  refused: Set<FixCandidate> = new Set(),
): Promise<BatchOutcome> {
  const outcome = await verify(batch);
  if (outcome.ok) return outcome;
  if (batch.length === 1) {
    refused.add(batch[0]);
    return outcome;
  }
  if (outcome.gaining && outcome.gaining.length < batch.length) {
    for (const candidate of batch) if (!outcome.gaining.includes(candidate)) refused.add(candidate);
    if (outcome.gaining.length > 0) return verifyLargestPart(outcome.gaining, verify, refused);
    return outcome;
  }
  const middle = Math.ceil(batch.length / 2);
  const halves = [
    await verifyLargestPart(batch.slice(0, middle), verify, refused),
    await verifyLargestPart(batch.slice(middle), verify, refused),
  ];
  const held = halves.filter((half): half is Extract<BatchOutcome, { ok: true }> => half.ok);
  if (held.length === 0) return halves[0];
  if (held.length === 1) return held[0];
  const survivors = batch.filter((candidate) => held.some((half) => half.fixes.some((fix) => fix.candidate === candidate)));
  const together = await verify(survivors);
  if (together.ok) return together;
  const removes = (half: (typeof held)[number]) => half.fixes.reduce((sum, fix) => sum + fix.removes, 0);
  return removes(held[0]) >= removes(held[1]) ? held[0] : held[1];
}

async function verifyBatch(
  directory: string,
  state: Text,
  factsBefore: readonly EscapeFact[],
  batch: readonly FixCandidate[],
  vetBefore: () => Promise<readonly string[]>,
  options: ApplyOptions,
): Promise<BatchOutcome> {
  const edited = await editedTexts(state, batch);
  if (typeof edited === 'string') return { ok: false, reason: edited };
  const next: Text = { files: new Map(state.files) };
  for (const [file, text] of edited.texts) next.files.set(file, toSourceText(text));
  const facts = await compile(directory, next, options);
  if (typeof facts === 'string') return { ok: false, reason: facts };

  for (const candidate of batch) {
    if (!candidate.mustNotEscape) continue;
    const positions = mustNotEscapeAfter(candidate, (file) => edited.texts.get(file));
    const kept = positions ? stillOnHeap(facts, positions) : 'the allocation';
    if (kept) return { ok: false, reason: `${candidate.title}: ${kept} is still on the heap` };
  }
  const before = factsBefore.filter(isHeapFact).length;
  const after = facts.filter(isHeapFact).length;
  let fixes: ReturnType<typeof describe>[];
  if (batch.length === 1) {
    fixes = [describe(batch[0], before - after)];
  } else {
    fixes = batch.map((candidate, index) => {
      const range = candidate.triggerRanges[0];
      const removedHere =
        countInside(factsBefore, state.files.get(candidate.file)!, candidate.file, range) -
        countInside(facts, next.files.get(candidate.file)!, candidate.file, edited.newRanges[index]);
      return describe(candidate, removedHere);
    });
    const gaining = batch.filter((_, index) => fixes[index].removes > 0);
    if (gaining.length < batch.length) return { ok: false, reason: 'a fix in the batch removes no heap fact', gaining };
    const claimed = fixes.reduce((sum, fix) => sum + fix.removes, 0);
    if (claimed !== before - after)
      return { ok: false, reason: `the batch removed ${before - after} heap facts, not the ${claimed} its fixes account for` };
  }
  if (fixes.some((fix) => fix.removes <= 0)) return { ok: false, reason: 'a fix in the batch removes no heap fact' };
  // Last, as it takes longer than the compile: only a batch that would be applied needs its verdict.
  const vet = await withOverlay(overlayOf(next), (overlay) => vetFindings(directory, options.settings, options.runGo, undefined, overlay));
  const added = newFindings(await vetBefore(), vet);
  if (added.length > 0) return { ok: false, reason: `go vet: ${added[0]}` };
  return { ok: true, fixes, texts: edited.texts, facts };
}

function describe(
  candidate: FixCandidate,
  removes: number,
): Omit<AppliedFix, 'round' | 'factLines'> & { readonly candidate: FixCandidate } {
  return { fix: candidate.fix, file: candidate.file, range: candidate.triggerRanges[0], title: candidate.title, removes, candidate };
}

/** Heap facts the compiler placed inside `range` of `file`. */
function countInside(facts: readonly EscapeFact[], source: SourceText, file: string, range: LspRange): number {
  let count = 0;
  for (const fact of facts) {
    if (!isHeapFact(fact) || fact.position.file !== file) continue;
    const at = compilerToLspPosition(source, fact.position.line, fact.position.byteColumn);
    if (at && comparePositions(at, range.start) >= 0 && comparePositions(at, range.end) < 0) count++;
  }
  return count;
}

/**
 * The batch's files after its edits: a lone candidate's own edits; several fmt rewrites' expression edits
 * with the imports worked out once per file. Also where each candidate's rewritten call ends up.
 */
async function editedTexts(
  state: Text,
  batch: readonly FixCandidate[],
): Promise<{ texts: Map<string, string>; newRanges: LspRange[] } | string> {
  const texts = new Map<string, string>();
  const newRanges: LspRange[] = [];
  if (batch.length === 1) {
    for (const [file, edits] of batch[0].edits) texts.set(file, applyToSource(state.files.get(file)!, edits));
    return { texts, newRanges: [batch[0].triggerRanges[0]] };
  }
  const byFile = new Map<string, FixCandidate[]>();
  for (const candidate of batch) byFile.set(candidate.file, [...(byFile.get(candidate.file) ?? []), candidate]);
  const rangeOf = new Map<FixCandidate, LspRange>();
  for (const [file, candidates] of byFile) {
    const source = state.files.get(file)!;
    const expressionEdits = candidates.flatMap((candidate) => candidate.imports!.expressionEdits);
    const add = [...new Set(candidates.flatMap((candidate) => candidate.imports!.change.add))];
    const maybeUnused = [...new Set(candidates.flatMap((candidate) => candidate.imports!.change.remove))];
    const intermediate = toSourceText(applyToSource(source, expressionEdits));
    const imports = await withGoTree(intermediate.text, (tree) => {
      const stillUsed = maybeUnused.filter((importPath) => usesPackage(intermediate.text, importPath));
      return importEdits(tree.rootNode, intermediate, { add, remove: maybeUnused.filter((item) => !stillUsed.includes(item)) });
    });
    if (typeof imports === 'string') return `${path.basename(file)}: ${imports}`;
    const final = applyToSource(intermediate, imports);
    texts.set(file, final);
    // Where each rewritten call (a candidate's first edit) is now: shifted by every edit before it, a
    // declaration inserted above its function too, then by the import edits.
    const finalSource = toSourceText(final);
    const shiftBefore = (offset: number, edits: readonly TextEdit[], text: SourceText) =>
      edits.reduce((sum, edit) => {
        const start = offsetAt(text, edit.range.start);
        const end = offsetAt(text, edit.range.end);
        return end <= offset ? sum + edit.newText.length - (end - start) : sum;
      }, 0);
    for (const candidate of candidates) {
      const edit = candidate.imports!.expressionEdits[0];
      const start = offsetAt(source, edit.range.start);
      const newStart =
        start +
        shiftBefore(
          start,
          expressionEdits.filter((other) => other !== edit),
          source,
        );
      const newEnd = newStart + edit.newText.length;
      rangeOf.set(candidate, {
        start: positionAt(finalSource, newStart + shiftBefore(newStart, imports, intermediate)),
        end: positionAt(finalSource, newEnd + shiftBefore(newStart, imports, intermediate)),
      });
    }
  }
  for (const candidate of batch) newRanges.push(rangeOf.get(candidate)!);
  return { texts, newRanges };
}

/** True when the text still refers to the package imported from `importPath` by its last element (`fmt.`). */
function usesPackage(text: string, importPath: string): boolean {
  const name = importPath.split('/').pop()!;
  const withoutImports = text.replace(/^import\s*\([\s\S]*?^\)/m, '').replace(/^import\s+"[^"]*"/gm, '');
  return new RegExp(`(^|[^\\p{L}\\p{N}_.])${name}\\.`, 'u').test(withoutImports);
}

/** The LSP position of a UTF-16 offset into the (BOM-less) text. */
function positionAt(source: SourceText, offset: number): { line: number; character: number } {
  const before = source.text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1) };
}

/** Compiles the package's non-test files as they are in `state`, through an overlay; its facts, or why not. */
async function compile(directory: string, state: Text, options: ApplyOptions): Promise<readonly EscapeFact[] | string> {
  return withOverlay(overlayOf(state), async (overlayFile) => {
    const analysis = await analysePackage(
      { directory, files: new Map(), hasTestFiles: false, directoryHasTestFiles: false, contentHash: '' },
      options.settings,
      options,
      { overlayFile },
    );
    return analysis.status === 'ok' ? analysis.facts.facts : (analysis.message ?? analysis.status);
  });
}

function overlayOf(state: Text): Map<string, string> {
  return new Map([...state.files].map(([file, source]) => [file, applyToSource(source, [])]));
}
