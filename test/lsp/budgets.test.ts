/**
 * Budgets and the `baseline` setting in the editor, over real stdio: a broken budget is an Error on the
 * function name listing its allocations, a bad directive a Warning, and with a baseline each allocation
 * that is new since it says so.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DiagnosticSeverity } from 'vscode-languageserver-protocol';
import { requireGo } from '../helpers/goOracle';
import { LspTestClient, REPOSITORY_ROOT } from '../helpers/lspClient';

const FIXTURE = path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'budgets');
before(() => requireGo());

describe('budgets in the budgets fixture', () => {
  let client: LspTestClient;
  before(async () => {
    client = await LspTestClient.start(FIXTURE);
  });
  after(() => client.stop());

  test('a broken budget is an Error on the function name listing its allocations; each allocation keeps its own diagnostic', async () => {
    const file = path.join(FIXTURE, 'hot', 'hot.go');
    const published = client.nextDiagnostics(`file://${file}`, (params) => params.diagnostics.some((d) => d.code === 'broken-budget'));
    await client.open(file);
    const { diagnostics } = await published;

    const budgets = diagnostics.filter((diagnostic) => diagnostic.code === 'broken-budget');
    assert.deepEqual(
      budgets.map((diagnostic) => [
        diagnostic.range.start.line,
        diagnostic.range.start.character,
        diagnostic.range.end.character,
        diagnostic.message,
      ]),
      [
        [19, 5, 13, 'NewPoint breaks //escape:none: 1 heap allocation: &Point{...} (line 21)'],
        [26, 5, 9, 'Pair breaks //escape:max 1: 2 heap allocations: make([]int, n) (line 28), &Point{...} (line 28)'],
        [50, 17, 21, '(*Buffer).Grow breaks //escape:none: 1 heap allocation: append (line 52)'],
      ],
    );
    assert.ok(budgets.every((diagnostic) => diagnostic.severity === DiagnosticSeverity.Error));
    assert.deepEqual(
      budgets[0].relatedInformation?.map((info) => info.location.range.start.line),
      [20],
    );
    assert.ok(
      diagnostics.some((diagnostic) => diagnostic.code === 'escapes-to-heap' && diagnostic.range.start.line === 20),
      'the allocation itself still has its squiggle',
    );
  });

  test('every malformed or misplaced directive is a Warning where it is written', async () => {
    const file = path.join(FIXTURE, 'directives', 'directives.go');
    const published = client.nextDiagnostics(`file://${file}`, (params) => params.diagnostics.length > 0);
    await client.open(file);
    const { diagnostics } = await published;
    const problems = diagnostics.filter((diagnostic) => diagnostic.code === 'invalid-directive');
    assert.deepEqual(
      problems.map((diagnostic) => diagnostic.range.start.line + 1),
      [4, 7, 10, 13, 18, 22, 26, 30],
    );
    assert.ok(problems.every((diagnostic) => diagnostic.severity === DiagnosticSeverity.Warning));
  });
});

describe('the baseline setting', () => {
  const repository = fs.mkdtempSync(path.join(os.tmpdir(), 'gel-lsp-baseline-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repository, encoding: 'utf8' }).trim();
  const file = path.join(repository, 'shapes', 'shapes.go');
  after(() => fs.rmSync(repository, { recursive: true, force: true }));

  before(() => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(path.join(repository, 'go.mod'), 'module example.com/shapes\n\ngo 1.22\n');
    fs.writeFileSync(
      file,
      `package shapes

type Point struct{ X, Y int }

func NewPoint(x, y int) *Point {
	return &Point{X: x, Y: y}
}
`,
    );
    git('init', '-q');
    git('config', 'user.email', 'test@example.com');
    git('config', 'user.name', 'Test');
    git('add', '-A');
    git('commit', '-q', '-m', 'base');
    // Uncommitted: the old allocation moves down two lines, a new one arrives above it.
    fs.writeFileSync(
      file,
      `package shapes

type Point struct{ X, Y int }

func Origin() *Point {
	return &Point{}
}

func NewPoint(x, y int) *Point {
	return &Point{X: x, Y: y}
}
`,
    );
  });

  for (const onlyNew of [false, true]) {
    test(`marks the allocations new since HEAD in their message${onlyNew ? ', and with baselineOnlyNew shows only those' : ''}`, async () => {
      const client = await LspTestClient.start(repository, { settings: { baseline: 'HEAD', baselineOnlyNew: onlyNew } });
      try {
        const published = client.nextDiagnostics(`file://${file}`, (params) => params.diagnostics.length > 0);
        await client.open(file);
        const { diagnostics } = await published;
        const expected: Array<[number, string]> = [[5, '&Point{} escapes to the heap: returned (new since HEAD)']];
        if (!onlyNew) expected.push([9, '&Point{...} escapes to the heap: returned']);
        assert.deepEqual(
          diagnostics.map((diagnostic) => [diagnostic.range.start.line, diagnostic.message]),
          expected,
        );
        assert.equal((diagnostics[0].data as { newSince?: string }).newSince, 'HEAD');
      } finally {
        await client.stop();
      }
      // The temporary checkout of HEAD is gone with the server, and the user's files are as they were.
      assert.equal(
        git('worktree', 'list', '--porcelain')
          .split('\n')
          .filter((line) => line.startsWith('worktree ')).length,
        1,
      );
      assert.equal(git('status', '--porcelain'), 'M shapes/shapes.go');
    });
  }
});
