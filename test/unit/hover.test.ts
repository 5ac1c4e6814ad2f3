/**
 * The hover, on one small package compiled by go1.26.8 (its -m=2 output is below, verbatim): which fact a
 * position is about, what the Markdown says, and that an offered quick-fix is named. Pure: no compiler.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FileAnalysis } from '../../server/src/model/analysis';
import { parseCompilerOutput } from '../../server/src/engine/parseCompilerOutput';
import { hoverAt, type HoverContext } from '../../server/src/features/hover';
import { measuredHoverSection } from '../../server/src/features/measuredHover';
import { withGoTree } from '../../server/src/syntax/goParser';
import { locateFact } from '../../server/src/syntax/locateFact';
import type { LocatedFact } from '../../server/src/model/analysis';
import { toSourceText } from '../../server/src/syntax/positions';

const DIRECTORY = '/work/m/p';
const FILE = `${DIRECTORY}/p.go`;

const SOURCE = `package p

type point struct{ x, y int }

func newPoint(x, y int) *point {
	return &point{x: x, y: y}
}

func Sum(n int) int {
	p := newPoint(n, n)
	return p.x + p.y
}

func Keep(n int) *point {
	return newPoint(n, 1)
}
`;

const OUTPUT = `# example.com/m/p
./p.go:5:6: can inline newPoint with cost 7 as: func(int, int) *point { return &point{...} }
./p.go:9:6: can inline Sum with cost 21 as: func(int) int { p := newPoint(n, n); return p.x + p.y }
./p.go:14:6: can inline Keep with cost 12 as: func(int) *point { return newPoint(n, 1) }
./p.go:10:15: inlining call to newPoint
./p.go:15:17: inlining call to newPoint
./p.go:6:9: &point{...} escapes to heap in newPoint:
./p.go:6:9:   flow: ~r0 ← &{storage for &point{...}}:
./p.go:6:9:     from &point{...} (spill) at ./p.go:6:9
./p.go:6:9:     from return &point{...} (return) at ./p.go:6:2
./p.go:6:9: &point{...} escapes to heap
./p.go:10:15: &point{...} does not escape
./p.go:15:17: &point{...} escapes to heap in Keep:
./p.go:15:17:   flow: ~r0 ← &{storage for &point{...}}:
./p.go:15:17:     from &point{...} (spill) at ./p.go:15:17
./p.go:15:17:     from ~r0 = &point{...} (assign-pair) at ./p.go:15:17
./p.go:15:17:   flow: ~r0 ← ~r0:
./p.go:15:17:     from return ~r0 (return) at ./p.go:15:2
./p.go:15:17: &point{...} escapes to heap
`;

async function context(extra: Partial<HoverContext> = {}): Promise<HoverContext> {
  const source = toSourceText(SOURCE);
  const { facts } = parseCompilerOutput(OUTPUT, { workingDirectory: DIRECTORY, packageDirectory: DIRECTORY, buildSucceeded: true });
  const located = await withGoTree(source.text, (tree) =>
    facts.map((fact) => locateFact(tree, source, fact)).filter((item): item is LocatedFact => item !== null),
  );
  const file: FileAnalysis = { file: FILE, source, located };
  return { file, packageFiles: new Map([[FILE, file]]), ...extra };
}

async function markdownAt(line: number, character: number, extra: Partial<HoverContext> = {}): Promise<string | undefined> {
  const hover = await hoverAt({ line: line - 1, character: character - 1 }, await context(extra));
  return hover ? (hover.contents as { value: string }).value : undefined;
}

test('anywhere on the allocating expression, the hover explains it; elsewhere there is none', async () => {
  const onAmpersand = await markdownAt(6, 9);
  const inside = await markdownAt(6, 20);
  assert.ok(onAmpersand && onAmpersand === inside);
  assert.match(
    onAmpersand,
    /^\*\*`&point\{\.\.\.\}` is allocated on the heap\*\* — a `point`, 16 bytes \(estimated from the declarations, 64-bit\)/,
  );
  assert.match(onAmpersand, /1\. returned from `newPoint` \(\[p\.go:6\]\(file:\/\/\/work\/m\/p\/p\.go#L6,2\)\)/);
  assert.match(
    onAmpersand,
    /<details><summary>The compiler's words<\/summary>\n\n```text\np\.go:6:9: &point\{\.\.\.\} escapes to heap in newPoint:/,
  );
  assert.equal(await markdownAt(11, 2), undefined, 'no fact and no function name at the start of `return`');
  // newPoint is inlinable: its own allocation runs only for calls that are not inlined, and returning by
  // value would not change the inlined ones (Sum keeps its copy on the stack, Keep's escapes).
  assert.match(
    onAmpersand,
    /\*\*Inlined at its calls:\*\* the compiler can inline `newPoint`: each inlined call makes its own copy of this allocation in the caller/,
  );
  assert.match(onAmpersand, /\*\*What usually fixes it:\*\* Look at the callers' own facts/);
  assert.doesNotMatch(onAmpersand, /Return `point` by value instead/);
});

test('an allocation in an inlined call is explained at the call, with the callee named', async () => {
  const text = await markdownAt(15, 9);
  assert.match(
    text ?? '',
    /\*\*`&point\{\.\.\.\}` is allocated on the heap\*\* inside the inlined call to `newPoint` — a `point`, 16 bytes/,
  );
  assert.match(text ?? '', /1\. returned by `newPoint` \(inlined here\)/);
  assert.match(text ?? '', /2\. returned from `Keep`/);
  // The caller's own copy: the advice is the usual one, and there is no inlining note.
  assert.doesNotMatch(text ?? '', /Inlined at its calls/);
  assert.match(text ?? '', /Return `point` by value instead/);
});

test('the same call inlined where the result does not escape: it stays on the stack', async () => {
  const text = await markdownAt(10, 7);
  assert.match(text ?? '', /\*\*`&point\{\.\.\.\}` stays on the stack\*\* inside the inlined call to `newPoint` — a `point`, 16 bytes/);
  assert.match(text ?? '', /The compiler proved it does not outlive `Sum`\./);
});

test('a hover on a function name summarises it', async () => {
  const text = await markdownAt(5, 7);
  assert.match(
    text ?? '',
    /^\*\*`newPoint`\*\* · 1 heap allocation · inlinable \(cost 7\)\n\n\*\*Heap allocations\*\*\n- `&point\{\.\.\.\}`: returned \(\[p\.go:6\]/,
  );
  assert.match(
    (await markdownAt(9, 7)) ?? '',
    /^\*\*`Sum`\*\* · 0 heap allocations · inlinable \(cost 21\)[\s\S]*1 explicit allocation kept on the stack\./,
  );
});

test('a verified quick-fix offered at the allocation is named; none offered, none named', async () => {
  const title = 'Return point by value — removes 1 heap allocation (verified)';
  const asked: number[] = [];
  const named = await markdownAt(6, 9, { offeredFixes: async (located) => (asked.push(located.range.start.line), [title]) });
  assert.match(
    named ?? '',
    /\*\*Quick fix \(verified by the compiler\):\*\* _Return point by value — removes 1 heap allocation \(verified\)_/,
  );
  assert.deepEqual(asked, [5]);
  assert.doesNotMatch((await markdownAt(6, 9, { offeredFixes: async () => [] })) ?? '', /Quick fix/);
});

test('stale facts say so first', async () => {
  const text = await markdownAt(6, 9, { staleReason: 'the package does not build: p.go:3: syntax error' });
  assert.match(
    text ?? '',
    /^_Stale: these are the facts of the last successful analysis \(the package does not build: p\.go:3: syntax error\)\._/,
  );
});

test('measured figures before the file’s first analysis do not claim the compiler reports nothing there', () => {
  const site = { file: '/ws/p.go', line: 3, functionName: 'F', bytes: 64, objects: 1, share: 1, causes: [{ kind: 'new-object' as const }] };
  const measurement = {
    source: { kind: 'profile' as const, file: '/tmp/heap.pb.gz', sampleType: 'alloc_space' as const },
    sites: [site],
    coverage: { attributedSamples: 1, outsideWorkspace: 0, staleDropped: 0, unmatchedFiles: [] },
    totalBytes: 64,
    totalObjects: 1,
    takenAt: 0,
  };
  const context = { file: '/ws/p.go', lines: ['package p', '', 'var sink = make([]byte, 64)'], uriOf: (file: string) => `file://${file}` };
  const before = measuredHoverSection(measurement, { line: 2, character: 4 }, context) ?? '';
  assert.match(before, /Measured in heap\.pb\.gz/);
  assert.doesNotMatch(before, /compiler reports no heap allocation/);
  const analysedWithNothing = measuredHoverSection(
    measurement,
    { line: 2, character: 4 },
    { ...context, analysis: { located: [] } as unknown as FileAnalysis },
  );
  assert.match(analysedWithNothing ?? '', /The compiler reports no heap allocation on this line/);
});
