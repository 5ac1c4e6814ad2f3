/**
 * `go-escape-lens fix` end to end, with the real go command, on copies of the fixture module: the dry run
 * lists each fix with its file, range, title and removal and writes nothing; the diff is a unified diff; the
 * real run writes gofmt-clean files that vet and test green, and the compiler's own count of heap facts
 * falls by exactly the sum of the claims. A package that does not build is refused and nothing is written.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FixReport } from '../../server/src/check/fixCommand';
import { requireGo } from '../helpers/goOracle';
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

function fix(cwd: string, args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, 'fix', ...args], { cwd, encoding: 'utf8' });
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

function snapshot(directory: string): Map<string, string> {
  return new Map(fs.readdirSync(directory).map((name) => [name, fs.readFileSync(path.join(directory, name), 'utf8')]));
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
      assert.equal(item.file, path.join('format', 'format.go'));
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

  test('a package that does not build is refused with the reason, and nothing is written', () => {
    const module = copyOfModule();
    const broken = path.join(module, 'format', 'broken.go');
    fs.writeFileSync(broken, 'package format\n\nfunc broken() int { return "x" }\n');
    const before = snapshot(path.join(module, 'format'));
    const run = fix(module, ['./format']);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /does not build/);
    assert.deepEqual(snapshot(path.join(module, 'format')), before);
  });
});
