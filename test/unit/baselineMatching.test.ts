/**
 * Matching allocations across versions of the code: by package, function, kind and expression, counted as
 * a multiset, with renames recognised by shape. The last tests run the real compiler on two versions of a
 * package and check what the CLI's matching calls new.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { type AllocationIdentity, expressionShape, matchAgainstBaseline } from '../../server/src/check/baselineMatching';
import { onlyNewAllocations } from '../../server/src/check/checkCommand';
import { type Finding, isAllocation } from '../../server/src/check/findings';
import { analysePackages, resolveCheckPackages } from '../../server/src/check/runCheck';
import { runGo } from '../../server/src/engine/runGo';
import { requireGo } from '../helpers/goOracle';

const fact = (fn: string, kind: string, expression: string, pkg = 'example.com/m'): AllocationIdentity => ({
  package: pkg,
  function: fn,
  kind,
  expression,
});

test('the same allocations in another order, at other lines, are all known', () => {
  const baseline = [fact('F', 'escape', '&Point{...}'), fact('G', 'moved', 'x'), fact('H', 'escape', 'make([]int, n)')];
  const current = [baseline[2], baseline[0], baseline[1]];
  const { known, added } = matchAgainstBaseline(current, baseline);
  assert.equal(known.length, 3);
  assert.deepEqual(added, []);
});

test('a second identical allocation in the same function is new: matching counts', () => {
  const baseline = [fact('F', 'escape', '&Point{...}')];
  const current = [fact('F', 'escape', '&Point{...}'), fact('F', 'escape', '&Point{...}')];
  const { known, added } = matchAgainstBaseline(current, baseline);
  assert.equal(known.length, 1);
  assert.equal(added.length, 1);
});

test('the same allocation in another function, package or of another kind is new', () => {
  const baseline = [fact('F', 'escape', '&Point{...}')];
  for (const moved of [
    fact('G', 'escape', '&Point{...}'),
    fact('F', 'moved', '&Point{...}'),
    fact('F', 'escape', '&Point{...}', 'example.com/other'),
  ]) {
    assert.deepEqual(matchAgainstBaseline([moved], baseline).added, [moved]);
  }
});

test('a renamed variable is the same allocation; a different construct in its place is not', () => {
  const baseline = [fact('F', 'moved', 'buf'), fact('F', 'escape', 'make([]byte, n)')];
  const renamed = [fact('F', 'moved', 'buffer'), fact('F', 'escape', 'make([]byte, size)')];
  assert.deepEqual(matchAgainstBaseline(renamed, baseline).added, []);

  const different = [fact('F', 'moved', 'buf'), fact('F', 'escape', 'new(T)')];
  assert.deepEqual(matchAgainstBaseline(different, baseline).added, [different[1]]);
});

test('a rename is only recognised where the baseline has an allocation left over to pair it with', () => {
  const baseline = [fact('F', 'moved', 'a')];
  const current = [fact('F', 'moved', 'a'), fact('F', 'moved', 'b')];
  assert.deepEqual(matchAgainstBaseline(current, baseline).added, [current[1]]);
});

test('expression shapes keep Go keywords and builtins and blank every other name', () => {
  assert.equal(expressionShape('make([]byte, n)'), 'make([]byte, _)');
  assert.equal(expressionShape('&Point{...}'), '&_{...}');
  assert.equal(expressionShape('func literal'), 'func literal');
  assert.equal(expressionShape('&Box[go.shape.int_0]{...}'), '&_[go._._]{...}');
  assert.equal(expressionShape('string(héllo)'), 'string(_)');
});

test('property: the number of new allocations does not depend on order, and covers what the baseline lacks', () => {
  const identity = fc.record({
    package: fc.constantFrom('a', 'b'),
    function: fc.constantFrom('F', 'G', '(*T).M'),
    kind: fc.constantFrom('escape', 'moved'),
    expression: fc.constantFrom('x', 'y', '&T{...}', 'make([]int, n)', 'new(int)'),
  });
  fc.assert(
    fc.property(fc.array(identity, { maxLength: 12 }), fc.array(identity, { maxLength: 12 }), fc.integer(), (current, baseline, seed) => {
      const shuffled = [...current].sort(() => ((seed = (seed * 1103515245 + 12345) | 0) & 1 ? 1 : -1));
      const first = matchAgainstBaseline(current, baseline);
      const second = matchAgainstBaseline(shuffled, [...baseline].reverse());
      assert.equal(first.added.length, second.added.length);
      assert.equal(first.known.length + first.added.length, current.length);
      assert.ok(first.added.length >= current.length - baseline.length);
      assert.deepEqual(matchAgainstBaseline(current, current).added, []);
    }),
  );
});

// With the real compiler: two versions of one package, compiled and matched as `check --baseline` does.

const temporary = fs.mkdtempSync(path.join(os.tmpdir(), 'gel-matching-'));
after(() => fs.rmSync(temporary, { recursive: true, force: true }));

function writeModule(name: string, files: Record<string, string>): string {
  const root = path.join(temporary, name);
  fs.mkdirSync(path.join(root, 'shapes'), { recursive: true });
  fs.writeFileSync(path.join(root, 'go.mod'), 'module example.com/m\n\ngo 1.22\n');
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(root, 'shapes', file), text);
  return root;
}

async function allocations(root: string): Promise<Finding[]> {
  const environment = {
    settings: { goBinary: 'go', buildFlags: [], env: {} },
    runGo,
    skipLinkTool: null,
    parallelism: 1,
    includeTests: false,
  };
  const resolved = await resolveCheckPackages(['./...'], { ...environment, cwd: root });
  assert.ok(resolved.ok, resolved.ok ? '' : resolved.message);
  const findings: Finding[] = [];
  const outcome = await analysePackages(resolved.packages, {
    ...environment,
    root,
    onReport: (_index, report) => findings.push(...(report?.findings ?? [])),
  });
  assert.ok(outcome.ok, outcome.ok ? '' : outcome.message);
  return findings.filter(isAllocation);
}

const VERSION_1 = {
  'a.go': `package shapes

type Point struct{ X, Y int }

var last *Point

func NewPoint(x, y int) *Point {
	return &Point{X: x, Y: y}
}

func Remember(p Point) {
	snapshot := p
	last = &snapshot
}
`,
  'b.go': `package shapes

func Grid(n int) [][]int {
	rows := make([][]int, n)
	for i := range rows {
		rows[i] = make([]int, n)
	}
	return rows
}
`,
};

test('with the compiler: renamed variables, a function moved to another file and renamed files add nothing', async () => {
  requireGo();
  const before = await allocations(writeModule('v1', VERSION_1));
  assert.ok(before.length >= 4, `expected the compiler to report the four allocations of version 1: ${JSON.stringify(before)}`);

  // Same code, rearranged: NewPoint moved into another file (now first), the files renamed, variables renamed,
  // blank lines added so every line number changes.
  const after = await allocations(
    writeModule('v2', {
      'grid.go': `package shapes


func NewPoint(x, y int) *Point {
	return &Point{X: x, Y: y}
}

func Grid(size int) [][]int {
	table := make([][]int, size)
	for i := range table {
		table[i] = make([]int, size)
	}
	return table
}
`,
      'points.go': `package shapes

type Point struct{ X, Y int }

var last *Point

func Remember(p Point) {
	saved := p
	last = &saved
}
`,
    }),
  );
  assert.equal(after.length, before.length);
  assert.notDeepEqual(
    after.map((item) => item.line),
    before.map((item) => item.line),
  );
  assert.deepEqual(onlyNewAllocations(after, before, 'v1'), []);
});

test('with the compiler: one added allocation is new, and it is the only one', async () => {
  requireGo();
  const before = await allocations(writeModule('v3', VERSION_1));
  const after = await allocations(
    writeModule('v4', {
      ...VERSION_1,
      'a.go': VERSION_1['a.go'].replace('func Remember(p Point) {', 'func Remember(p Point) {\n\tlast = &Point{X: p.Y}'),
    }),
  );
  const added = onlyNewAllocations(after, before, 'v3');
  assert.deepEqual(
    added.map((item) => [item.function, item.kind, item.expression, item.line, item.newSince, item.violation]),
    [['Remember', 'escape', '&Point{...}', 12, 'v3', true]],
  );
});
