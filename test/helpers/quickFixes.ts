/**
 * What the quick-fix tests share: the fixtures, a service that verifies every candidate of a package, and
 * the independent check of an offered fix in a fresh copy of its module (gofmt, vet, tests, the compiler's
 * count).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before } from 'node:test';
import { pathToFileURL } from 'node:url';
import { AnalysisService } from '../../server/src/analysisService';
import type { GoSettings } from '../../server/src/engine/goCommand';
import { runGo } from '../../server/src/engine/runGo';
import { ensureSkipLinkTool } from '../../server/src/engine/skipLinkTool';
import type { FixProposals } from '../../server/src/fixes/fixCandidates';
import { type OfferedFix, QuickFixService } from '../../server/src/fixes/fixService';
import { applyToSource } from '../../server/src/fixes/textEdits';
import type { EscapeFact } from '../../server/src/model/facts';
import type { Verification } from '../../server/src/model/fixes';
import { toSourceText } from '../../server/src/syntax/positions';
import { heapFactsFromCompiler, requireGo } from './goOracle';
import { REPOSITORY_ROOT } from './lspClient';

export const FIXES = path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'fixes');
export const ARTICLE = path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'article');
export const GO: GoSettings = { goBinary: 'go', buildFlags: [], env: {} };
export const FIX_SETTINGS = { quickFixes: true, valueReceiverMaxBytes: 64 };

export const temporary = fs.mkdtempSync(path.join(os.tmpdir(), 'gel-fixes-'));
after(() => fs.rmSync(temporary, { recursive: true, force: true }));

export const dependencies = { runGo, skipLinkTool: ensureSkipLinkTool() };
export const analyses = new AnalysisService({ ...dependencies, parallelism: 2 });
export const quickFixes = new QuickFixService(dependencies);

before(() => requireGo());

export interface PackageFixes {
  readonly offered: OfferedFix[];
  readonly proposals: FixProposals;
  readonly verdicts: Map<string, Verification>;
  /** The analysis's facts the candidates were proposed from. */
  readonly facts: readonly EscapeFact[];
}

export async function fixesOf(packageDirectory: string): Promise<PackageFixes> {
  const result = await analyses.analyseDirectory(packageDirectory, GO, { includeTests: true });
  assert.ok(result && result.analysis.status === 'ok', `analysis of ${packageDirectory}: ${result?.analysis.message}`);
  const verified = await quickFixes.verifiedFixes(result, GO, FIX_SETTINGS, (file) => pathToFileURL(file).href);
  return { ...verified, facts: result.analysis.facts.facts };
}

export function offeredIds(fixes: PackageFixes): string[] {
  return fixes.offered.map((fix) => fix.candidate.id).sort();
}

export function go(directory: string, args: readonly string[]): { status: number | null; output: string } {
  const result = spawnSync('go', args, { cwd: directory, encoding: 'utf8', env: { ...process.env, GOPROXY: 'off', GOFLAGS: '-count=1' } });
  return { status: result.status, output: result.stdout + result.stderr };
}

/** gofmt's verdict on a file's text, ignoring the CRLF endings and the byte-order mark gofmt would drop. */
export function assertGofmtClean(file: string): void {
  const text = fs
    .readFileSync(file, 'utf8')
    .replace(/^\uFEFF/, '')
    .replace(/\r\n/g, '\n');
  const formatted = spawnSync('gofmt', [], { input: text, encoding: 'utf8' });
  assert.equal(formatted.status, 0, `gofmt failed on ${file}:\n${formatted.stderr}`);
  assert.equal(formatted.stdout, text, `${file} is not gofmt-clean after the fix`);
}

/**
 * Applies one offered fix to a fresh copy of the module and checks it there: gofmt, vet, tests, and the
 * oracle's count of heap allocations. Returns the number of allocations it removed.
 */
export function checkInCopy(
  moduleRoot: string,
  packageDirectory: string,
  fix: OfferedFix,
  /** For fixes whose gain only a run shows: the compiler's count is not compared. */
  options: { readonly countUnchecked?: boolean } = {},
): number {
  const copy = fs.mkdtempSync(path.join(temporary, `${path.basename(packageDirectory)}-`));
  fs.cpSync(moduleRoot, copy, { recursive: true });
  const inCopy = (file: string) => path.join(copy, path.relative(moduleRoot, file));
  const changes = fix.action.edit?.changes ?? {};
  assert.deepEqual(
    Object.keys(changes).sort(),
    [...fix.candidate.edits.keys()].map((file) => pathToFileURL(file).href).sort(),
    'the action carries the edits of every file it changes',
  );
  for (const [file, edits] of fix.candidate.edits) {
    const target = inCopy(file);
    fs.writeFileSync(target, applyToSource(toSourceText(fs.readFileSync(target, 'utf8')), edits));
    assertGofmtClean(target);
  }
  const packageCopy = inCopy(packageDirectory);
  const vet = go(packageCopy, ['vet', '.']);
  assert.equal(vet.status, 0, `go vet after "${fix.action.title}":\n${vet.output}`);
  const tests = go(packageCopy, ['test', '.']);
  assert.equal(tests.status, 0, `go test after "${fix.action.title}":\n${tests.output}`);

  // A fix whose count falls for nothing at run time claims nothing: what it says is checked by a run
  // (fixesInlined.test.ts), not by the count.
  if (options.countUnchecked || fix.candidate.noGainAtRunTime) return 0;
  const before = heapFactsFromCompiler(packageDirectory).length;
  const afterFix = heapFactsFromCompiler(packageCopy);
  const removed = before - afterFix.length;
  const promised = /removes (\d+) heap allocation/.exec(fix.action.title);
  assert.equal(removed, promised ? Number(promised[1]) : 0, `"${fix.action.title}" removed ${removed} allocations by the oracle's count`);
  return removed;
}

export function oracleMessages(directory: string): string[] {
  return heapFactsFromCompiler(directory).map((fact) => `${path.basename(fact.file)}:${fact.line}: ${fact.message}`);
}

export function refusalOf(fixes: PackageFixes, subject: string): string {
  const refused = fixes.proposals.refused.find((item) => item.subject === subject);
  assert.ok(refused, `${subject} was not refused: ${JSON.stringify(fixes.proposals.refused.map((item) => item.subject))}`);
  return refused.reason;
}
