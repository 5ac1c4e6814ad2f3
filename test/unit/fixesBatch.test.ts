/**
 * How `go-escape-lens fix` finds the part of a batch of rewrites that holds together. The compiles are
 * counted through a verifier that answers like the real one (test/integration/fixCommand.test.ts runs the
 * real one): one rewrite that does not build must cost a few compiles per halving, not one per rewrite.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type BatchOutcome, verifyLargestPart } from '../../server/src/fixes/applyFixes';
import type { FixCandidate } from '../../server/src/model/fixes';

function candidates(count: number): FixCandidate[] {
  return Array.from({ length: count }, (_, index) => ({
    fix: 'concatenation',
    id: `concatenation:a.go:${index + 1}:1`,
    title: `fix ${index}`,
    notes: [],
    file: '/m/a.go',
    triggerRanges: [{ start: { line: index, character: 0 }, end: { line: index, character: 1 } }],
    edits: new Map(),
    externalCallersUnseen: false,
    worthWithoutGain: false,
  }));
}

/** Like verifyBatch: a batch with a breaking fix does not build; one whose fixes gain nothing names the others. */
function verifier(breaking: ReadonlySet<number>, gainless: ReadonlySet<number>, all: readonly FixCandidate[]) {
  const calls: number[][] = [];
  const verify = async (part: readonly FixCandidate[]): Promise<BatchOutcome> => {
    const indexes = part.map((candidate) => all.indexOf(candidate));
    calls.push(indexes);
    if (indexes.some((index) => breaking.has(index))) return { ok: false, reason: 'does not build' };
    const gaining = part.filter((_, position) => !gainless.has(indexes[position]));
    if (gaining.length < part.length) return { ok: false, reason: 'a fix in the batch removes no heap fact', gaining };
    const fixes = part.map((candidate) => ({
      fix: candidate.fix,
      file: candidate.file,
      range: candidate.triggerRanges[0],
      title: candidate.title,
      removes: 1,
      candidate,
    }));
    return { ok: true, fixes, texts: new Map(), facts: [] };
  };
  return { calls, verify };
}

const applied = (outcome: BatchOutcome, all: readonly FixCandidate[]) =>
  outcome.ok ? outcome.fixes.map((fix) => all.indexOf(fix.candidate)).sort((a, b) => a - b) : [];

test('a whole batch that holds is verified with one compile', async () => {
  const all = candidates(16);
  const { calls, verify } = verifier(new Set(), new Set(), all);
  assert.equal(applied(await verifyLargestPart(all, verify), all).length, 16);
  assert.equal(calls.length, 1);
});

test('one rewrite that does not build is found by halving: every other one is applied, in far fewer compiles than one each', async () => {
  const all = candidates(32);
  const { calls, verify } = verifier(new Set([13]), new Set(), all);
  const refused = new Set<FixCandidate>();
  const outcome = await verifyLargestPart(all, verify, refused);
  assert.deepEqual(
    applied(outcome, all),
    all.map((_, index) => index).filter((index) => index !== 13),
  );
  // 1 for the batch, then per level one failing half split again and one union: about 3 per halving.
  assert.ok(calls.length <= 3 * Math.log2(32) + 1, `${calls.length} compiles`);
  assert.ok(calls.length < 32);
  // Only the one that failed on its own is not to be tried again.
  assert.deepEqual([...refused], [all[13]]);
});

test('rewrites that gain nothing are dropped and the rest verified again once', async () => {
  const all = candidates(10);
  const { calls, verify } = verifier(new Set(), new Set([2, 7]), all);
  const refused = new Set<FixCandidate>();
  assert.deepEqual(applied(await verifyLargestPart(all, verify, refused), all), [0, 1, 3, 4, 5, 6, 8, 9]);
  assert.equal(calls.length, 2);
  assert.deepEqual([...refused], [all[2], all[7]]);
});

test('when the halves hold alone but not together, the larger is kept and the other is not refused', async () => {
  const all = candidates(6);
  let together = 0;
  const verify = async (part: readonly FixCandidate[]): Promise<BatchOutcome> => {
    // Fixes 0 and 5 do not add up when verified together (an inlined copy of one of them, say).
    if (part.includes(all[0]) && part.includes(all[5])) {
      together++;
      return { ok: false, reason: 'the batch removed 3 heap facts, not the 2 its fixes account for' };
    }
    const fixes = part.map((candidate) => ({ ...candidate, range: candidate.triggerRanges[0], removes: 1, candidate }));
    return { ok: true, fixes, texts: new Map(), facts: [] };
  };
  const refused = new Set<FixCandidate>();
  assert.deepEqual(applied(await verifyLargestPart(all, verify, refused), all), [0, 1, 2]);
  assert.equal(together, 2);
  assert.equal(refused.size, 0);
});

test('a batch of which nothing holds says why', async () => {
  const all = candidates(4);
  const { verify } = verifier(new Set([0, 1, 2, 3]), new Set(), all);
  const outcome = await verifyLargestPart(all, verify);
  assert.equal(outcome.ok, false);
  assert.equal(!outcome.ok && outcome.reason, 'does not build');
});
