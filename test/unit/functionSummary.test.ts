/**
 * Per-function aggregation and what is built on it (code lenses, inlay hints), from Go 1.26's output for the
 * article's closure, receiver and size examples and the source it was printed for. Pure: no compiler.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FileAnalysis } from '../../server/src/model/analysis';
import { parseCompilerOutput } from '../../server/src/engine/parseCompilerOutput';
import { codeLenses } from '../../server/src/features/codeLens';
import { inliningLabel, summariseFile, summaryCounts } from '../../server/src/features/functionSummary';
import { inlayHints } from '../../server/src/features/inlayHints';
import { COMMANDS } from '../../server/src/protocol';
import { functionDeclarations } from '../../server/src/syntax/declarations';
import { withGoTree } from '../../server/src/syntax/goParser';
import { locateFact } from '../../server/src/syntax/locateFact';
import type { LocatedFact } from '../../server/src/model/analysis';
import { toSourceText } from '../../server/src/syntax/positions';

const DIRECTORY = '/work/m/p';
const FILE = `${DIRECTORY}/p.go`;

const SOURCE = `package p

type Vector struct{ X, Y float64 }

func (v *Vector) Len() float64 { return v.X*v.X + v.Y*v.Y }

var keep *Vector

func (v *Vector) Remember() { keep = v }

func NewCounter() func() int {
	c := 0
	return func() int {
		c++
		return c
	}
}

func Sizes(n int) int {
	a := make([]byte, 1024)
	b := make([]byte, n)
	return len(a) + len(b)
}

func Complex(n int) int {
	total := 0
	for i := 0; i < n; i++ {
		switch {
		case i%3 == 0:
			total += i * 3
		case i%5 == 0:
			total -= i / 5
		case i%7 == 0:
			total ^= i << 2
		default:
			total += Sizes(i) + NewCounter()()
		}
	}
	return total
}
`;

/** What go1.26.8 prints for SOURCE with -gcflags=-m=2, verbatim. */
const OUTPUT = `# example.com/m/p
./p.go:5:6: can inline (*Vector).Len with cost 12 as: method(*Vector) func() float64 { return v.X * v.X + v.Y * v.Y }
./p.go:9:6: can inline (*Vector).Remember with cost 3 as: method(*Vector) func() { keep = v }
./p.go:11:6: can inline NewCounter with cost 22 as: func() func() int { c := 0; return func literal }
./p.go:13:9: can inline NewCounter.func1 with cost 5 as: func() int { c++; return c }
./p.go:19:6: can inline Sizes with cost 18 as: func(int) int { a := make([]byte, 1024); b := make([]byte, n); return len(a) + len(b) }
./p.go:25:6: cannot inline Complex: function too complex: cost 165 exceeds budget 80
./p.go:36:18: inlining call to Sizes
./p.go:36:34: inlining call to NewCounter
./p.go:13:9: can inline Complex.NewCounter.func1 with cost 5 as: func() int { c++; return c }
./p.go:36:36: inlining call to Complex.NewCounter.func1
./p.go:5:7: v does not escape
./p.go:9:7: parameter v leaks to {heap} for (*Vector).Remember with derefs=0:
./p.go:9:7:   flow: {heap} ← v:
./p.go:9:7:     from keep = v (assign) at ./p.go:9:36
./p.go:9:7: leaking param: v
./p.go:12:2: NewCounter capturing by ref: c (addr=false assign=true width=8)
./p.go:13:9: func literal escapes to heap in NewCounter:
./p.go:13:9:   flow: ~r0 ← &{storage for func literal}:
./p.go:13:9:     from func literal (spill) at ./p.go:13:9
./p.go:13:9:     from return func literal (return) at ./p.go:13:2
./p.go:12:2: c escapes to heap in NewCounter:
./p.go:12:2:   flow: {storage for func literal} ← &c:
./p.go:12:2:     from c (captured by a closure) at ./p.go:14:3
./p.go:12:2:     from c (reference) at ./p.go:14:3
./p.go:12:2: moved to heap: c
./p.go:13:9: func literal escapes to heap
./p.go:20:11: make([]byte, 1024) does not escape
./p.go:21:11: make([]byte, n) does not escape
./p.go:36:34: Complex capturing by ref: c (addr=false assign=true width=8)
./p.go:36:18: make([]byte, 1024) does not escape
./p.go:36:18: make([]byte, n) does not escape
./p.go:36:34: func literal does not escape
`;

async function analysis(): Promise<FileAnalysis> {
  const source = toSourceText(SOURCE);
  const { facts } = parseCompilerOutput(OUTPUT, { workingDirectory: DIRECTORY, packageDirectory: DIRECTORY, buildSucceeded: true });
  const located = await withGoTree(source.text, (tree) =>
    facts.map((fact) => locateFact(tree, source, fact)).filter((item): item is LocatedFact => item !== null),
  );
  return { file: FILE, source, located };
}

test("facts are grouped by the function whose text holds them; a method's decision at its receiver is its own", async () => {
  const file = await analysis();
  const { functions } = await withGoTree(file.source.text, (tree) => summariseFile(functionDeclarations(tree), file.located));
  const byName = new Map(functions.map((summary) => [summary.declaration.compilerName, summary]));
  assert.deepEqual([...byName.keys()], ['(*Vector).Len', '(*Vector).Remember', 'NewCounter', 'Sizes', 'Complex']);

  const len = byName.get('(*Vector).Len')!;
  assert.equal(len.inlining[0]?.compilerName, '(*Vector).Len');
  assert.deepEqual(len.closures, []);

  const counter = byName.get('NewCounter')!;
  assert.deepEqual(
    counter.heap.map((item) => item.fact.expression),
    ['c', 'func literal'],
  );
  assert.deepEqual(
    counter.inlining.map((decision) => decision.compilerName),
    ['NewCounter'],
  );
  // The copy of the closure inlined into Complex is reported at the closure's own position, so it is listed here.
  assert.deepEqual(
    counter.closures.map((decision) => decision.compilerName),
    ['NewCounter.func1', 'Complex.NewCounter.func1'],
  );
  assert.equal(summaryCounts(counter), '2 heap allocations · inlinable (cost 22)');

  const remember = byName.get('(*Vector).Remember')!;
  assert.equal(summaryCounts(remember), '0 heap allocations · 1 leaking param · inlinable (cost 3)');

  assert.deepEqual(
    byName.get('Sizes')!.stack.map((item) => item.fact.expression),
    ['make([]byte, 1024)', 'make([]byte, n)'],
  );
  assert.equal(summaryCounts(byName.get('Complex')!), '0 heap allocations · not inlinable: cost 165 > 80');
  assert.equal(inliningLabel(byName.get('Complex')!.inlining[0]), 'not inlinable: cost 165 > 80');
});

test('a code lens above each function with heap allocations or leaks, whose click lists the sites', async () => {
  const file = await analysis();
  const lenses = await codeLenses(file, 'file:///work/m/p/p.go', true);
  assert.deepEqual(
    lenses.map((lens) => [lens.range.start.line + 1, lens.command?.title]),
    [
      [9, '0 heap allocations · 1 leaking param · inlinable (cost 3)'],
      [11, '2 heap allocations · inlinable (cost 22)'],
    ],
  );
  const counter = lenses[1].command!;
  assert.equal(counter.command, COMMANDS.showSites);
  const [uri, position, sites] = counter.arguments as [string, { line: number }, { range: { start: { line: number } } }[]];
  assert.equal(uri, 'file:///work/m/p/p.go');
  assert.equal(position.line, 10);
  assert.deepEqual(
    sites.map((site) => site.range.start.line + 1),
    [12, 13],
  );
  assert.deepEqual(await codeLenses(file, 'file:///work/m/p/p.go', false), [], 'switched off, no lenses');
});

test('each kind of inlay hint follows its own setting', async () => {
  const file = await analysis();
  const everything = { start: { line: 0, character: 0 }, end: { line: 40, character: 0 } };
  const labels = async (settings: Parameters<typeof inlayHints>[2]) =>
    (await inlayHints(file, everything, settings)).map(
      (hint) => `${hint.position.line + 1}:${hint.position.character + 1} ${String(hint.label)}`,
    );

  const defaults = { heapAllocations: true, stackAllocations: false, leakingParameters: true, inliningDecisions: false };
  assert.deepEqual(await labels(defaults), ['9:8 leaks', '12:3 heap', '13:13 heap']);
  assert.deepEqual(await labels({ ...defaults, heapAllocations: false, leakingParameters: false }), []);
  assert.deepEqual(await labels({ ...defaults, heapAllocations: false, leakingParameters: false, stackAllocations: true }), [
    '20:25 stack',
    '21:22 stack',
    // Sizes inlined into Complex: both of its makes stay on the stack there, reported at the call.
    '36:21 stack',
  ]);
  const inlining = await labels({ heapAllocations: false, stackAllocations: false, leakingParameters: false, inliningDecisions: true });
  assert.deepEqual(inlining, [
    '5:32 inlinable, cost 12',
    '9:29 inlinable, cost 3',
    '11:30 inlinable, cost 22',
    '19:23 inlinable, cost 18',
    '25:25 not inlinable: cost 165 > 80',
  ]);
});

test('a variable-size make that stays on the stack says it may still allocate at run time', async () => {
  const file = await analysis();
  const hints = await inlayHints(
    file,
    { start: { line: 20, character: 0 }, end: { line: 20, character: 99 } },
    {
      heapAllocations: true,
      stackAllocations: true,
      leakingParameters: true,
      inliningDecisions: false,
    },
  );
  assert.equal(hints.length, 1);
  const tooltip = hints[0].tooltip as { value: string };
  assert.match(tooltip.value, /32 bytes.*heap at run time/);
});
