/**
 * Matching allocations across versions with the real compiler: two versions of one package, compiled
 * and matched as `check --baseline` does.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { onlyNewAllocations } from '../../server/src/check/checkCommand';
import { type Finding, isAllocation } from '../../server/src/check/findings';
import { analysePackages, resolveCheckPackages } from '../../server/src/check/runCheck';
import { runGo } from '../../server/src/engine/runGo';
import { requireGo } from '../helpers/goOracle';

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
