/**
 * `go-escape-lens fix` end to end, with the real go command, on copies of the fixture module: the dry run
 * lists each fix with its file, range, title and removal and writes nothing; the diff is a unified diff; the
 * real run writes gofmt-clean files that vet and test green, and the compiler's own count of heap facts
 * falls by exactly the sum of the claims. A package that does not build is refused and nothing is written.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FixReport } from '../../server/src/check/fixCommand';
import { desktopLaunch } from '../helpers/desktopLaunch';
import { requireGo } from '../helpers/goOracle';
import { holdingGo } from '../helpers/holdingGo';
import { CLI, REPOSITORY_ROOT } from '../helpers/lspClient';

const FIXES = path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'fixes');
const temporary = fs.mkdtempSync(path.join(os.tmpdir(), 'gel-fix-'));
after(() => fs.rmSync(temporary, { recursive: true, force: true }));
before(() => requireGo());

function copyOfModule(): string {
  const copy = fs.mkdtempSync(path.join(temporary, 'module-'));
  fs.cpSync(FIXES, copy, { recursive: true });
  return copy;
}

function fix(
  cwd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, 'fix', ...args], { cwd, encoding: 'utf8', env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function go(cwd: string, args: readonly string[]): { status: number | null; output: string } {
  const result = spawnSync('go', args, { cwd, encoding: 'utf8', env: { ...process.env, GOPROXY: 'off', GOFLAGS: '-count=1' } });
  return { status: result.status, output: result.stdout + result.stderr };
}

/** The compiler's heap facts for the package's non-test code, counted from `go build -gcflags=-m`. */
function heapFacts(packageDirectory: string): number {
  const result = go(packageDirectory, ['build', '-o', os.devNull, '-gcflags=-m', '.']);
  assert.equal(result.status, 0, result.output);
  return result.output.split('\n').filter((line) => / escapes to heap$|: moved to heap: /.test(line)).length;
}

/**
 * As fasthttp's file server tests do: the package's own source, embedded and read from disk, must agree.
 * Through -overlay the embedded copy is fixed and the file on disk is not.
 */
function writeSourceTest(format: string): void {
  fs.writeFileSync(
    path.join(format, 'source_test.go'),
    'package format\n\nimport (\n\t_ "embed"\n\t"os"\n\t"testing"\n)\n\n//go:embed format.go\nvar embedded string\n\nfunc TestServesItsOwnSource(t *testing.T) {\n\tonDisk, err := os.ReadFile("format.go")\n\tif err != nil || string(onDisk) != embedded {\n\t\tt.Fatal("format.go on disk is not the embedded one", err)\n\t}\n}\n',
  );
}

function snapshot(directory: string): Map<string, string> {
  return new Map(
    fs
      .readdirSync(directory, { withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => [entry.name, fs.readFileSync(path.join(directory, entry.name), 'utf8')]),
  );
}

describe('go-escape-lens fix', () => {
  test('--dry-run --format json lists each fix with file, range, title and removes, and writes nothing', () => {
    const module = copyOfModule();
    const before = snapshot(path.join(module, 'format'));
    const run = fix(module, ['--dry-run', '--format', 'json', './format']);
    assert.equal(run.status, 0, run.stderr);
    const { fixes, heapFactsBefore, heapFactsAfter } = JSON.parse(run.stdout) as {
      fixes: FixReport[];
      heapFactsBefore: number;
      heapFactsAfter: number;
    };
    assert.ok(fixes.length >= 7, `only ${fixes.length} fixes: ${run.stdout}`);
    for (const item of fixes) {
      assert.ok([path.join('format', 'format.go'), path.join('format', 'typed.go')].includes(item.file), item.file);
      assert.ok(item.removes > 0 && item.title.length > 0 && item.range.start.line >= 0, JSON.stringify(item));
    }
    assert.ok(fixes.some((item) => item.title === 'Use strconv.Itoa instead of fmt.Sprintf'));
    assert.equal(
      fixes.reduce((sum, item) => sum + item.removes, 0),
      heapFactsBefore - heapFactsAfter,
    );
    assert.deepEqual(snapshot(path.join(module, 'format')), before, 'a dry run writes nothing');
    assert.match(run.stderr, /dry run: nothing written/);
  });

  test('with no go on PATH, fix finds the go command where check and the editor find it, and lists the same fixes', () => {
    const module = copyOfModule();
    const onPath = fix(module, ['--dry-run', '--format', 'json', './format']);
    assert.equal(onPath.status, 0, onPath.stderr);
    const withoutGo = fix(module, ['--dry-run', '--format', 'json', './format'], desktopLaunch().env);
    assert.equal(withoutGo.status, 0, withoutGo.stderr);
    assert.equal(withoutGo.stdout, onPath.stdout);
  });

  for (const { saved, why } of [
    { saved: 'format.go', why: 'a file fix would write' },
    { saved: 'format_test.go', why: 'a file of the package fix would not write, but built and tested the fixes with' },
  ]) {
    test(`${saved} (${why}) saved while fix runs keeps the edit: nothing is written, and fix names the file (exit 1)`, async () => {
      const module = copyOfModule();
      const directory = path.join(module, 'format');
      const before = snapshot(directory);
      // The final go test is held while the user saves the file, as a long test run would be.
      const run = fs.mkdtempSync(path.join(temporary, 'go-'));
      const go = holdingGo(run, /^test .*-overlay=.*-short/);
      // The held go test keeps its work folder (-work): in a TMPDIR of the test's, removed with it.
      const tmp = path.join(run, 'tmp');
      fs.mkdirSync(tmp);
      const cli = spawn(process.execPath, [CLI, 'fix', '--go', go.goPath, './format'], {
        cwd: module,
        env: { ...process.env, TMPDIR: tmp },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      cli.stdout.on('data', (chunk) => (output += chunk));
      cli.stderr.on('data', (chunk) => (output += chunk));
      const exited = new Promise<number | null>((resolve) => cli.on('exit', (code) => resolve(code)));
      assert.ok(await go.held(exited), `fix ended before its final go test:\n${output}`);
      const edited = `${before.get(saved)}\n// The user's edit, saved while fix ran.\n`;
      fs.writeFileSync(path.join(directory, saved), edited);
      go.release();
      assert.equal(await exited, 1, output);
      assert.ok(output.includes(`${path.join('format', saved)} changed while fix ran, so nothing was written`), output);
      assert.deepEqual(snapshot(directory), new Map([...before, [saved, edited]]), 'fix wrote a file');
    });
  }

  test('a generated file (Code generated … DO NOT EDIT.) is left alone; the same call in a hand-written file is fixed', () => {
    const module = copyOfModule();
    const directory = path.join(module, 'generated');
    fs.mkdirSync(directory);
    const body = (name: string) => `\nfunc ${name}(n int) string {\n\treturn fmt.Sprintf("%d", n)\n}\n`;
    const generated = `// Code generated by a tool. DO NOT EDIT.\n\npackage generated\n\nimport "fmt"\n${body('Generated')}`;
    fs.writeFileSync(path.join(directory, 'generated.go'), generated);
    fs.writeFileSync(path.join(directory, 'hand.go'), `package generated\n\nimport "fmt"\n${body('Hand')}`);
    const run = fix(module, ['./generated']);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(fs.readFileSync(path.join(directory, 'generated.go'), 'utf8'), generated);
    assert.match(fs.readFileSync(path.join(directory, 'hand.go'), 'utf8'), /\treturn strconv\.Itoa\(n\)\n/);
  });

  test('--format diff shows a unified diff of the rewrites and the imports', () => {
    const run = fix(copyOfModule(), ['--dry-run', '--format', 'diff', './format']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^--- a\/format\/format\.go\n\+\+\+ b\/format\/format\.go\n@@ /m);
    assert.match(run.stdout, /^-\treturn fmt\.Sprintf\("%d", n\)\n\+\treturn strconv\.Itoa\(n\)$/m);
    assert.match(run.stdout, /^\+\t"strconv"$/m);
  });

  test('writes fixes that build, vet and test green, and lower the compiler count by the sum of the claims', () => {
    const module = copyOfModule();
    const directory = path.join(module, 'format');
    const before = heapFacts(directory);
    const listed = JSON.parse(fix(module, ['--dry-run', '--format', 'json', './format']).stdout) as { fixes: FixReport[] };
    const run = fix(module, ['./format']);
    assert.equal(run.status, 0, run.stderr);
    const claimed = listed.fixes.reduce((sum, item) => sum + item.removes, 0);
    assert.equal(heapFacts(directory), before - claimed);
    const gofmt = spawnSync('gofmt', ['-l', '.'], { cwd: directory, encoding: 'utf8' });
    assert.equal(gofmt.stdout, '', 'gofmt-clean');
    assert.equal(go(directory, ['vet', '.']).status, 0);
    const tests = go(directory, ['test', '-short', '.']);
    assert.equal(tests.status, 0, tests.output);
    // Run again: nothing is left to fix.
    const again = fix(module, ['--dry-run', '--format', 'json', './format']);
    assert.deepEqual((JSON.parse(again.stdout) as { fixes: FixReport[] }).fixes, []);
  });

  test('packages fixed at once (--jobs) are listed as one at a time lists them: in package order', () => {
    const module = copyOfModule();
    const packages = ['./pointerlocal', './capture', './format'];
    const oneAtATime = fix(module, ['--dry-run', '--format', 'json', '--jobs', '1', ...packages]);
    const atOnce = fix(module, ['--dry-run', '--format', 'json', '--jobs', '3', ...packages]);
    assert.equal(oneAtATime.status, 0, oneAtATime.stderr);
    assert.equal(atOnce.status, 0, atOnce.stderr);
    const fixed = (run: ReturnType<typeof fix>) => (JSON.parse(run.stdout) as { fixes: FixReport[] }).fixes.map((item) => item.package);
    assert.deepEqual(new Set(fixed(oneAtATime)).size, 3, oneAtATime.stdout);
    assert.equal(atOnce.stdout, oneAtATime.stdout);
  });

  test('a test the fixes break stops them all, and nothing is written; a test that fails once and then passes does not', () => {
    const module = copyOfModule();
    const sentinel = path.join(module, 'sentinel');
    // Hoisting errors.New into a package variable makes every call return the same error: a test that
    // wants a new one each time fails, with the fixes, every time.
    fs.writeFileSync(
      path.join(sentinel, 'distinct_test.go'),
      'package sentinel\n\nimport "testing"\n\nfunc TestEachCallItsOwnError(t *testing.T) {\n\tif _, first := Read(nil); first == func() error { _, second := Read(nil); return second }() {\n\t\tt.Fatal("the same error twice")\n\t}\n}\n',
    );
    const before = snapshot(sentinel);
    const broken = fix(module, ['./sentinel']);
    assert.equal(broken.status, 1, broken.stderr);
    assert.match(broken.stderr, /go test -short fails in TestEachCallItsOwnError.*, which passed before \(run twice\)/);
    assert.deepEqual(snapshot(sentinel), before);

    // A test that fails under load and passes alone: here, it fails the first time it runs in the directory.
    fs.rmSync(path.join(sentinel, 'distinct_test.go'));
    fs.writeFileSync(
      path.join(sentinel, 'flaky_test.go'),
      'package sentinel\n\nimport (\n\t"os"\n\t"testing"\n)\n\nfunc TestFailsTheFirstTime(t *testing.T) {\n\tif _, err := os.Stat("ran.marker"); err != nil {\n\t\t_ = os.WriteFile("ran.marker", nil, 0o644)\n\t\tt.Fatal("first run")\n\t}\n}\n',
    );
    const flaky = fix(module, ['./sentinel']);
    assert.equal(flaky.status, 0, flaky.stderr);
    assert.match(
      flaky.stderr,
      /TestFailsTheFirstTime failed with the fixes seen through -overlay and passed in a copy of the module with them written/,
    );
    assert.match(flaky.stderr, /file(s)? written/);
  });

  test('a test that compares its embedded source with the file on disk passes with the fixes written, as it does in a copy', () => {
    const module = copyOfModule();
    const format = path.join(module, 'format');
    writeSourceTest(format);
    const before = fs.readFileSync(path.join(format, 'format.go'), 'utf8');
    // A temp folder of its own, to see that the copy is removed: the shared one has other tests' copies.
    const ownTemp = fs.mkdtempSync(path.join(temporary, 'tmp-'));
    const run = fix(module, ['./format'], { ...process.env, TMPDIR: ownTemp });
    assert.equal(run.status, 0, run.stderr);
    assert.match(
      run.stderr,
      /TestServesItsOwnSource failed with the fixes seen through -overlay and passed in a copy of the module with them written/,
    );
    assert.notEqual(fs.readFileSync(path.join(format, 'format.go'), 'utf8'), before, 'the fixes are written');
    const tests = go(format, ['test', '-short', '.']);
    assert.equal(tests.status, 0, tests.output);
    const engineTemp = path.join(ownTemp, `go-escape-lens-${process.getuid?.() ?? 'user'}`);
    assert.deepEqual(
      fs.readdirSync(engineTemp).filter((name) => name.startsWith('module-copy-')),
      [],
      'the copy is removed',
    );
  });

  test('in a go.work workspace the module is not copied: the test runs again through the overlay, fails, and nothing is written', () => {
    // A workspace folder of its own, so that no other copy of the module finds its go.work.
    const workspace = fs.mkdtempSync(path.join(temporary, 'workspace-'));
    const module = path.join(workspace, 'fixes');
    fs.cpSync(FIXES, module, { recursive: true });
    fs.writeFileSync(path.join(workspace, 'go.work'), 'go 1.22\n\nuse ./fixes\n');
    const format = path.join(module, 'format');
    writeSourceTest(format);
    const before = snapshot(format);
    const run = fix(module, ['./format']);
    assert.equal(run.status, 1, run.stderr);
    assert.match(
      run.stderr,
      /running TestServesItsOwnSource again through the overlay, not in a copy of the module: the module is in the go\.work workspace/,
    );
    assert.match(run.stderr, /go test -short fails in TestServesItsOwnSource.*\(run twice\)/);
    assert.deepEqual(snapshot(format), before);
  });

  test('--env GOFLAGS reaches the final build and tests as it reached the analysis', () => {
    const module = copyOfModule();
    const pointerlocal = path.join(module, 'pointerlocal');
    // The package builds only with the tag: a final check without it would refuse every fix.
    fs.writeFileSync(
      path.join(pointerlocal, 'tagged.go'),
      '//go:build lensflag\n\npackage pointerlocal\n\nfunc tagged() int { return 1 }\n',
    );
    fs.writeFileSync(path.join(pointerlocal, 'usestagged.go'), 'package pointerlocal\n\nvar _ = tagged()\n');
    const before = snapshot(pointerlocal);
    const run = fix(module, ['--env', 'GOFLAGS=-tags=lensflag', './pointerlocal']);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /fix(es)? removed [1-9]\d* of \d+ heap facts in 1 package; [1-9]\d* files? written/);
    assert.notDeepEqual(snapshot(pointerlocal), before, 'nothing was written');
  });

  test('a package that does not build is refused with the reason, and nothing is written', () => {
    const module = copyOfModule();
    const broken = path.join(module, 'format', 'broken.go');
    fs.writeFileSync(broken, 'package format\n\nfunc broken() int { return "x" }\n');
    const before = snapshot(path.join(module, 'format'));
    const run = fix(module, ['./format']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /does not build/);
    assert.deepEqual(snapshot(path.join(module, 'format')), before);
    // Beside a package that is fixed at the same time: the broken one is named, and still nothing is written.
    const pointerlocal = snapshot(path.join(module, 'pointerlocal'));
    const together = fix(module, ['--jobs', '2', './pointerlocal', './format']);
    assert.equal(together.status, 2);
    assert.match(together.stderr, /\/format: .*does not build/);
    assert.deepEqual(snapshot(path.join(module, 'format')), before);
    assert.deepEqual(snapshot(path.join(module, 'pointerlocal')), pointerlocal);
  });
});

describe('go-escape-lens fix with a measurement ranks the fixes by measured bytes', () => {
  const MEASURED = path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'measured');
  /** The fixture's two fixes, in file order: fmt.Sprint runs once per Render, newPoint a hundred times. */
  const copyOfMeasured = () => {
    const copy = fs.mkdtempSync(path.join(temporary, 'measured-'));
    fs.cpSync(MEASURED, copy, { recursive: true });
    return copy;
  };
  const listed = (run: ReturnType<typeof fix>) => {
    assert.equal(run.status, 0, run.stderr);
    return (JSON.parse(run.stdout) as { fixes: FixReport[] }).fixes;
  };

  test('without one the fixes keep their order; with --bench the hundred points come first, with their bytes per op', () => {
    const module = copyOfMeasured();
    const unranked = listed(fix(module, ['--dry-run', '--format', 'json', './ranked']));
    assert.deepEqual(
      unranked.map((item) => [item.fix, item.measured]),
      [
        ['strconvFormat', undefined],
        ['returnByValue', undefined],
      ],
    );

    const ranked = listed(fix(module, ['--dry-run', '--format', 'json', '--bench', 'Render', '--benchtime', '200x', './ranked']));
    assert.deepEqual(
      ranked.map((item) => item.fix),
      ['returnByValue', 'strconvFormat'],
    );
    const [points, label] = ranked.map((item) => item.measured as { benchmark: string; bytesPerOp: number; allocsPerOp: number });
    assert.equal(points.benchmark, 'BenchmarkRender');
    // A hundred 16-byte points per op, give or take the benchmark's one-off allocations spread over b.N.
    assert.ok(points.allocsPerOp >= 99 && points.allocsPerOp <= 102, JSON.stringify(points));
    assert.ok(points.bytesPerOp >= 1500 && points.bytesPerOp <= 1700, JSON.stringify(points));
    assert.ok(label.bytesPerOp > 0 && label.bytesPerOp < points.bytesPerOp, JSON.stringify(label));
    // The dry run wrote nothing, the benchmark left no profile behind.
    assert.equal(
      fs.readFileSync(path.join(module, 'ranked', 'ranked.go'), 'utf8'),
      fs.readFileSync(path.join(MEASURED, 'ranked', 'ranked.go'), 'utf8'),
    );
    assert.deepEqual(fs.readdirSync(path.join(module, 'ranked')).sort(), ['ranked.go', 'ranked_test.go']);
  });

  test('--profile ranks by the profile’s bytes, and the text output says what was measured', () => {
    const module = copyOfMeasured();
    const profile = path.join(module, 'mem.pb.gz');
    const taken = go(path.join(module, 'ranked'), [
      'test',
      '-run=^$',
      '-bench=Render',
      '-benchtime=200x',
      '-memprofilerate=1',
      `-memprofile=${profile}`,
      '.',
    ]);
    assert.equal(taken.status, 0, taken.output);
    const ranked = listed(fix(module, ['--dry-run', '--format', 'json', '--profile', profile, './ranked']));
    assert.deepEqual(
      ranked.map((item) => item.fix),
      ['returnByValue', 'strconvFormat'],
    );
    const points = ranked[0].measured as { profile: string; bytes: number; objects: number };
    assert.equal(points.profile, 'mem.pb.gz');
    assert.ok(points.objects >= 100 * 200, JSON.stringify(points));

    const text = fix(module, ['--dry-run', '--profile', profile, './ranked']);
    assert.equal(text.status, 0, text.stderr);
    const lines = text.stdout.trim().split('\n');
    assert.match(
      lines[0],
      /^ranked\/ranked\.go:\d+:\d+: Return point by value — removes 1; [\d.]+ KB, [\d,]+ objects measured on its lines in mem\.pb\.gz$/,
    );
    assert.match(lines[1], /Use strconv\.Itoa instead of fmt\.Sprint — removes 2; .* measured on its lines in mem\.pb\.gz$/);
  });
});
