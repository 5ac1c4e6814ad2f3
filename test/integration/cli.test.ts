/**
 * `go-escape-lens check`, run as a user runs it: the built dist/cli.js in a child process, on the budgets
 * fixture module, on a go.work workspace and on a temporary git repository, with the real go command.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Log } from 'sarif';
import type { Finding } from '../../server/src/check/findings';
import { desktopLaunch } from '../helpers/desktopLaunch';
import { heapFactsFromCompiler, requireGo } from '../helpers/goOracle';
import { CLI, REPOSITORY_ROOT } from '../helpers/lspClient';
import { parseWorkflowCommand } from '../helpers/workflowCommands';

const FIXTURE = path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'budgets');
const temporary = fs.mkdtempSync(path.join(os.tmpdir(), 'gel-cli-'));
/** The CLI's own temporary directory: the baseline checkouts it leaves (none) are counted here, apart from other processes'. */
const cliTemporary = path.join(temporary, 'tmp');
fs.mkdirSync(cliTemporary);
after(() => fs.rmSync(temporary, { recursive: true, force: true }));
before(() => requireGo());

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function check(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Run {
  const result = spawnSync(process.execPath, [CLI, 'check', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', TMPDIR: cliTemporary, ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function findingsOf(run: Run): Finding[] {
  return JSON.parse(run.stdout) as Finding[];
}

describe('on the budgets fixture', () => {
  test('text: every heap allocation the compiler reports, one go-vet-style line each, and exit 1 for the broken budgets', () => {
    const run = check(FIXTURE, ['./...']);
    assert.equal(run.status, 1, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');

    for (const pkg of ['hot', 'clean', 'directives', 'tagged']) {
      for (const fact of heapFactsFromCompiler(path.join(FIXTURE, pkg))) {
        const location = `${pkg}/${path.basename(fact.file)}:${fact.line}:${fact.byteColumn}: `;
        assert.ok(
          lines.some((line) => line.startsWith(location)),
          `no line for the compiler's "${fact.message}" at ${location}\n${run.stdout}`,
        );
      }
    }
    const brokenBudgets = lines.filter((line) => / breaks \/\/escape:/.test(line));
    assert.deepEqual(brokenBudgets, [
      'hot/hot.go:20:6: NewPoint breaks //escape:none: 1 heap allocation: &Point{...} (line 21)',
      'hot/hot.go:27:6: Pair breaks //escape:max 1: 2 heap allocations: make([]int, n) (line 28), &Point{...} (line 28)',
      'hot/hot.go:51:18: (*Buffer).Grow breaks //escape:none: 1 heap allocation: append (line 52)',
    ]);
    // MustPositive keeps //escape:none: the constant it panics with is listed, as the compiler reports it,
    // but it allocates nothing, so it does not count against the budget.
    assert.ok(
      lines.includes(
        'hot/hot.go:66:9: "negative" escapes to the heap: passed to a function that keeps it; a constant, so nothing is allocated at run time',
      ),
      run.stdout,
    );
    assert.ok(
      lines.includes('hot/hot.go:42:13: make([]int, n) escapes to the heap: returned [accepted: the caller owns the slice]'),
      run.stdout,
    );
    assert.ok(
      lines.includes('hot/hot.go:21:9: &Point{...} escapes to the heap: returned [counts against //escape:none of NewPoint]'),
      run.stdout,
    );
    assert.equal(lines.filter((line) => line.startsWith('directives/')).length, 8, run.stdout);
    assert.ok(!lines.some((line) => line.includes('\x1b[')), 'no colour when stdout is a pipe');
    assert.ok(!run.stderr.includes('\r') && !run.stderr.includes('\x1b['), 'no progress line when stderr is a pipe');
    assert.match(
      run.stderr,
      /4 packages checked, 11 heap allocations reported, 2 more that allocate nothing at run time, 11 violations \(3 broken budgets, 8 invalid directives\)/,
    );
  });

  test('a package without budgets passes (exit 0) and still lists its allocations', () => {
    const run = check(FIXTURE, ['./clean']);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trimEnd().split('\n').length, heapFactsFromCompiler(path.join(FIXTURE, 'clean')).length);
    assert.equal(check(FIXTURE, ['--violations-only', './clean']).stdout, '');
  });

  test('json: an array of findings with relative file, LSP range, kind, message and flow steps', () => {
    const run = check(FIXTURE, ['--format', 'json', './hot']);
    assert.equal(run.status, 1, run.stderr);
    const findings = findingsOf(run);
    assert.deepEqual(
      findings.filter((finding) => finding.kind === 'budget').map((finding) => finding.function),
      ['NewPoint', 'Pair', '(*Buffer).Grow'],
    );
    const newPoint = findings.find((finding) => finding.function === 'NewPoint' && finding.kind === 'escape');
    assert.ok(newPoint);
    assert.equal(newPoint.file, 'hot/hot.go');
    assert.equal(newPoint.package, 'example.com/budgets/hot');
    assert.deepEqual(newPoint.range, { start: { line: 20, character: 8 }, end: { line: 20, character: 26 } });
    assert.equal(newPoint.expression, '&Point{...}');
    assert.match(newPoint.message, /escapes to the heap: returned/);
    assert.ok(
      newPoint.steps.some((step) => step.reason === 'return' && step.location?.line === 21),
      JSON.stringify(newPoint.steps),
    );
    const grow = findings.find((finding) => finding.kind === 'budget' && finding.function === '(*Buffer).Grow');
    assert.deepEqual(
      grow?.related.map((related) => related.location.line),
      [52],
    );
  });

  test('github: one workflow command per finding, at the JSON range, paths from the repository root', () => {
    const run = check(FIXTURE, ['--format', 'github', './...']);
    assert.equal(run.status, 1, run.stderr);
    const findings = findingsOf(check(FIXTURE, ['--format', 'json', './...']));
    const commands = run.stdout
      .trimEnd()
      .split('\n')
      .map((line) => parseWorkflowCommand(line));
    assert.equal(commands.length, findings.length);
    commands.forEach((command, index) => {
      const finding = findings[index];
      assert.ok(command, run.stdout);
      assert.equal(command.name, finding.violation ? 'error' : finding.countsAgainst ? 'warning' : 'notice');
      assert.equal(command.properties.file, `test/fixtures/budgets/${finding.file}`);
      assert.equal(command.properties.line, String(finding.range.start.line + 1));
      assert.equal(command.properties.title, `go-escape-lens ${finding.rule}`);
      assert.ok(command.message.startsWith(finding.message), command.message);
    });
    assert.deepEqual(
      commands.map((command) => command!.name).sort(),
      [...Array(11).fill('error'), ...Array(4).fill('warning'), ...Array(9).fill('notice')].sort(),
    );
  });

  test('summary: counts per package and per function, the biggest first', () => {
    const run = check(FIXTURE, ['--format', 'summary', './...']);
    assert.equal(run.status, 1, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^\s+8\s+example\.com\/budgets\/hot\s+\(3 violations\)$/);
    assert.match(lines[1], /^\s+2\s+Pair\s+\(1 violation\)$/);
    assert.match(lines[lines.length - 1], /^11 heap allocations in 4 packages; 11 violations$/);
  });

  test('-tags, --tags and --env reach go list and the compiler', () => {
    const without = check(FIXTURE, ['./tagged']);
    assert.equal(without.status, 0, without.stderr);
    for (const args of [['-tags', 'heavy'], ['-tags=heavy'], ['--tags', 'heavy'], ['--env', 'GOFLAGS=-tags=heavy']]) {
      const run = check(FIXTURE, [...args, './tagged']);
      assert.equal(run.status, 1, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stdout, /^tagged\/heavy\.go:8:6: Heavy breaks \/\/escape:none: 2 heap allocations/m, args.join(' '));
    }
  });

  test('FORCE_COLOR colours the text; --help documents the exit codes', () => {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the escape character is what colour output starts with
    assert.match(check(FIXTURE, ['./hot'], { FORCE_COLOR: '1' }).stdout, /\x1b\[31m/);
    const help = check(FIXTURE, ['--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Exit codes:\n\s+0\s+no violations\n\s+1\s+violations/);
    assert.match(help.stdout, /--baseline <ref\|file>/);
  });
});

test('no go on PATH: found where the editor finds it (its default install folder, else GOROOT), not a failure', () => {
  const onPath = check(FIXTURE, ['./hot']);
  const run = check(FIXTURE, ['./hot'], desktopLaunch().env);
  assert.equal(run.status, onPath.status, run.stderr);
  assert.ok(run.stdout.length > 0 && run.stdout === onPath.stdout, run.stdout);
});

describe('when the analysis cannot run, exit 2 with the reason on stderr', () => {
  test('no go command', () => {
    const run = check(FIXTURE, ['--go', path.join(temporary, 'no-such-go'), './...']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /the go command was not found/);
    assert.equal(run.stdout, '');
  });

  test('a package that does not build', () => {
    const module = path.join(temporary, 'broken');
    fs.mkdirSync(path.join(module, 'bad'), { recursive: true });
    fs.writeFileSync(path.join(module, 'go.mod'), 'module example.com/broken\n\ngo 1.22\n');
    fs.writeFileSync(path.join(module, 'bad', 'bad.go'), 'package bad\n\nfunc F() int { return missing() }\n');
    const run = check(module, ['./...']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /example\.com\/broken\/bad: The package does not build: bad\.go:3: undefined: missing/);
  });

  test('patterns that match nothing, an unknown option, an unknown revision', () => {
    const missing = check(FIXTURE, ['./no/such/dir/...']);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /go list \.\/no\/such\/dir\/\.\.\. failed:\npattern \.\/no\/such\/dir\/\.\.\.: lstat/);
    const empty = path.join(temporary, 'empty');
    fs.mkdirSync(path.join(empty, 'docs'), { recursive: true });
    fs.writeFileSync(path.join(empty, 'go.mod'), 'module example.com/empty\n\ngo 1.22\n');
    const nothing = check(empty, ['./docs/...']);
    assert.equal(nothing.status, 2);
    assert.match(nothing.stderr, /no packages matched \.\/docs\/\.\.\.: .*matched no packages/);
    const option = check(FIXTURE, ['--no-such-option']);
    assert.equal(option.status, 2);
    assert.match(option.stderr, /unknown option/);
    const revision = check(FIXTURE, ['--baseline', 'no-such-revision-x', './clean']);
    assert.equal(revision.status, 2);
    assert.match(revision.stderr, /git does not know the revision "no-such-revision-x"/);
  });
});

test('a go.work workspace: the same findings as in the module itself, by directory or import path pattern', () => {
  const workspace = path.join(temporary, 'workspace');
  fs.cpSync(FIXTURE, path.join(workspace, 'budgets'), { recursive: true });
  fs.writeFileSync(path.join(workspace, 'go.work'), 'go 1.22\n\nuse ./budgets\n');
  const inModule = findingsOf(check(FIXTURE, ['--format', 'json', './...']));
  for (const pattern of ['./budgets/...', 'example.com/budgets/...']) {
    const run = check(workspace, ['--format', 'json', pattern]);
    assert.equal(run.status, 1, run.stderr);
    assert.deepEqual(
      findingsOf(run).map((finding) => `${finding.file}:${finding.line}:${finding.column} ${finding.kind} ${finding.function}`),
      inModule.map((finding) => `budgets/${finding.file}:${finding.line}:${finding.column} ${finding.kind} ${finding.function}`),
    );
  }
});

describe('regressions against a baseline in a git repository', () => {
  const repository = path.join(temporary, 'repository');
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repository, encoding: 'utf8' }).trim();
  const hot = path.join(repository, 'hot', 'hot.go');

  const BASE = `package hot

type Point struct{ X, Y int }

var last *Point

// Scale multiplies without allocating.
//
//escape:none
func Scale(p Point, k int) Point {
	q := Point{X: p.X * k, Y: p.Y * k}
	return q
}

// NewPoint allocates, and has no budget.
func NewPoint(x, y int) *Point {
	return &Point{X: x, Y: y}
}
`;
  /** The same code moved around: NewPoint to its own file, blank lines, Scale further down. */
  const MOVED = {
    'hot.go': `package hot

type Point struct{ X, Y int }


var last *Point



// Scale multiplies without allocating.
//
//escape:none
func Scale(p Point, k int) Point {
	q := Point{X: p.X * k, Y: p.Y * k}
	return q
}
`,
    'points.go': `package hot

// NewPoint allocates, and has no budget.
func NewPoint(x, y int) *Point {
	return &Point{X: x, Y: y}
}
`,
  };

  const tempBaselines = () => fs.readdirSync(cliTemporary).filter((name) => name.startsWith('go-escape-lens-baseline-')).length;

  before(() => {
    fs.mkdirSync(path.dirname(hot), { recursive: true });
    fs.writeFileSync(path.join(repository, 'go.mod'), 'module example.com/repository\n\ngo 1.22\n');
    fs.writeFileSync(hot, BASE);
    git('init', '-q');
    git('config', 'user.email', 'test@example.com');
    git('config', 'user.name', 'Test');
    git('add', '-A');
    git('commit', '-q', '-m', 'base');
    for (const [file, text] of Object.entries(MOVED)) fs.writeFileSync(path.join(repository, 'hot', file), text);
    git('add', '-A');
    git('commit', '-q', '-m', 'move code only');
  });

  test('a commit that only moves code: exit 0, nothing reported', () => {
    const run = check(repository, ['--baseline', 'HEAD~1', './...']);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /0 heap allocations reported, no violations/);
  });

  test('an allocation added to an //escape:none function: exit 1, and exactly that allocation in text, JSON and SARIF', () => {
    fs.writeFileSync(hot, MOVED['hot.go'].replace('\treturn q\n', '\tlast = &q\n\treturn q\n'));
    const status = git('status', '--porcelain');
    const head = git('rev-parse', 'HEAD');
    const before = tempBaselines();

    // Uncommitted, against HEAD; then (below) committed, against the commit before it.
    const baseline = ['--baseline', 'HEAD'];
    {
      const text = check(repository, [...baseline, './...']);
      assert.equal(text.status, 1, text.stderr);
      assert.equal(
        text.stdout,
        'hot/hot.go:13:6: Scale breaks //escape:none: 1 heap allocation: q (line 14)\n' +
          'hot/hot.go:14:2: q is moved to the heap: assigned [new since HEAD] [counts against //escape:none of Scale]\n',
      );

      const json = check(repository, [...baseline, '--format', 'json', './...']);
      assert.equal(json.status, 1);
      const allocations = findingsOf(json).filter((finding) => finding.kind === 'escape' || finding.kind === 'moved');
      assert.deepEqual(
        allocations.map((finding) => [
          finding.file,
          finding.line,
          finding.function,
          finding.kind,
          finding.expression,
          finding.newSince,
          finding.violation,
        ]),
        [['hot/hot.go', 14, 'Scale', 'moved', 'q', 'HEAD', true]],
      );

      const sarif = check(repository, [...baseline, '--format', 'sarif', './...']);
      assert.equal(sarif.status, 1);
      const results = (JSON.parse(sarif.stdout) as Log).runs[0].results ?? [];
      const moved = results.filter((result) => result.ruleId === 'moved-to-heap' || result.ruleId === 'escapes-to-heap');
      assert.equal(moved.length, 1, sarif.stdout);
      assert.equal(moved[0].level, 'error');
      assert.deepEqual(moved[0].locations?.[0].physicalLocation?.artifactLocation?.uri, 'hot/hot.go');
      assert.deepEqual(moved[0].locations?.[0].physicalLocation?.region, { startLine: 14, startColumn: 2, endLine: 14, endColumn: 3 });
      assert.match(moved[0].message.text ?? '', /^q is moved to the heap: assigned \(new since HEAD/);
      assert.ok((moved[0].codeFlows?.[0].threadFlows[0].locations.length ?? 0) > 0, 'the explanation is a code flow');
    }

    // The user's checkout is untouched: same changes, same HEAD, one worktree, no temporary checkout left.
    assert.equal(git('status', '--porcelain'), status);
    assert.equal(git('rev-parse', 'HEAD'), head);
    assert.equal(
      git('worktree', 'list', '--porcelain')
        .split('\n')
        .filter((line) => line.startsWith('worktree ')).length,
      1,
    );
    assert.equal(tempBaselines(), before);

    git('commit', '-q', '-am', 'allocate in Scale');
    const committed = check(repository, ['--baseline', 'HEAD~1', '--format', 'json', './...']);
    assert.equal(committed.status, 1, committed.stderr);
    assert.deepEqual(
      findingsOf(committed)
        .filter((finding) => finding.newSince !== undefined)
        .map((finding) => [finding.function, finding.expression, finding.newSince]),
      [['Scale', 'q', 'HEAD~1']],
    );
    // Against its own commit nothing is new, but the budget is still broken, naming the same allocation.
    const itself = check(repository, ['--baseline', 'HEAD', './...']);
    assert.equal(itself.status, 1);
    assert.equal(itself.stdout, 'hot/hot.go:13:6: Scale breaks //escape:none: 1 heap allocation: q (line 14)\n');
  });

  test('a new allocation outside any budget fails only against a baseline; a JSON baseline file works like a revision', () => {
    const baselineFile = path.join(temporary, 'baseline.json');
    const written = check(repository, ['--format', 'json', './...']);
    fs.writeFileSync(baselineFile, written.stdout);

    fs.writeFileSync(
      path.join(repository, 'hot', 'points.go'),
      MOVED['points.go'].replace('func NewPoint', 'func Origin() *Point {\n\treturn &Point{}\n}\n\nfunc NewPoint'),
    );
    try {
      const withoutBaseline = check(repository, ['--violations-only', './...']);
      assert.equal(withoutBaseline.status, 1, 'the Scale budget from the previous test is still broken');
      assert.doesNotMatch(withoutBaseline.stdout, /Origin/);

      for (const baseline of ['HEAD', baselineFile]) {
        const run = check(repository, ['--baseline', baseline, '--format', 'json', './...']);
        assert.equal(run.status, 1, run.stderr);
        assert.deepEqual(
          findingsOf(run)
            .filter((finding) => finding.newSince !== undefined)
            .map((finding) => [finding.file, finding.line, finding.function, finding.expression, finding.newSince]),
          [['hot/points.go', 5, 'Origin', '&Point{}', baseline === 'HEAD' ? 'HEAD' : 'baseline.json']],
        );
      }
    } finally {
      git('checkout', '--', 'hot/points.go');
    }
  });

  test('a new fact that allocates nothing (a constant panicked with) is listed as new, but is no violation', () => {
    fs.writeFileSync(
      path.join(repository, 'hot', 'points.go'),
      `${MOVED['points.go']}\n// Must panics with a constant, whose box is read-only data in the binary.\nfunc Must(ok bool) {\n\tif !ok {\n\t\tpanic("not ok")\n\t}\n}\n`,
    );
    try {
      const run = check(repository, ['--baseline', 'HEAD', '--format', 'json', './...']);
      assert.deepEqual(
        findingsOf(run)
          .filter((finding) => finding.newSince !== undefined)
          .map((finding) => [finding.function, finding.expression, finding.allocatesNothing, finding.violation]),
        [['Must', '"not ok"', 'constant', false]],
      );
      assert.doesNotMatch(check(repository, ['--baseline', 'HEAD', '--violations-only', './...']).stdout, /not ok/);
    } finally {
      git('checkout', '--', 'hot/points.go');
    }
  });

  test('a new errors.New beside an fmt.Errorf the baseline had is new, not taken for the fallback it reports too', () => {
    // Both are \`&errors.errorString{...}\` in Parse; only the errors.New allocates.
    const points = path.join(repository, 'hot', 'points.go');
    const parse = (body: string) =>
      `package hot\n\nimport (\n\t"errors"\n\t"fmt"\n)\n\nvar _ = errors.New\n\nfunc Parse(n int) error {\n${body}\treturn fmt.Errorf("bad %d", n)\n}\n`;
    const baselineFile = path.join(temporary, 'parse-baseline.json');
    fs.writeFileSync(points, parse(''));
    try {
      fs.writeFileSync(baselineFile, check(repository, ['--format', 'json', './...']).stdout);
      fs.writeFileSync(points, parse('\tif n < 0 {\n\t\treturn errors.New("negative")\n\t}\n'));
      const run = check(repository, ['--baseline', baselineFile, '--format', 'json', './...']);
      assert.deepEqual(
        findingsOf(run)
          .filter((finding) => finding.newSince !== undefined)
          .map((finding) => [finding.function, finding.line, finding.expression, finding.allocatesNothing, finding.violation]),
        [['Parse', 12, '&errors.errorString{...}', undefined, true]],
      );
    } finally {
      git('checkout', '--', 'hot/points.go');
    }
  });

  test('a baseline file that is not a check JSON is refused with exit 2', () => {
    const bad = path.join(temporary, 'not-a-baseline.json');
    fs.writeFileSync(bad, '{"results": []}');
    const run = check(repository, ['--baseline', bad, './...']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /is not a baseline written by `go-escape-lens check --format json`/);
  });
});
