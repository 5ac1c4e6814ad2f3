/**
 * `go-escape-lens check --bench` and `--profile` with the real go command on test/fixtures/measured: the
 * findings carry the measured figures, allocations only a measurement shows are findings of their own with
 * a cause, text ranks by measured bytes, SARIF carries the figures, and a benchmark over its
 * `//escape:allocs N` fails the check.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Log } from 'sarif';
import type { Finding } from '../../server/src/check/findings';
import { requireGo } from '../helpers/goOracle';
import { REPOSITORY_ROOT } from '../helpers/lspClient';

const CLI = path.join(REPOSITORY_ROOT, 'dist', 'cli.js');
const MODULE = path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'measured');
let scratch: string;

function check(args: readonly string[]) {
  const result = spawnSync(process.execPath, [CLI, 'check', ...args], {
    cwd: MODULE,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const lineOf = (relative: string, needle: string) =>
  fs
    .readFileSync(path.join(MODULE, relative), 'utf8')
    .split('\n')
    .findIndex((line) => line.includes(needle)) + 1;

before(() => {
  requireGo();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'go-escape-lens-measured-check-'));
});
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe('check --bench', () => {
  let findings: Finding[];
  let status: number | null;
  before(() => {
    const run = check(['--bench', '^BenchmarkParse$', '--benchtime', '500x', '--format', 'json', './parse']);
    status = run.status;
    findings = JSON.parse(run.stdout) as Finding[];
  });

  test('a heap allocation on a measured line carries the per-op figures', () => {
    const token = findings.find((finding) => finding.kind === 'escape' && finding.line === lineOf('parse/parse.go', 'return &Token{'));
    assert.ok(token?.measured && 'benchmark' in token.measured, JSON.stringify(token));
    assert.equal(token.measured.benchmark, 'BenchmarkParse');
    assert.equal(token.measured.allocsPerOp, 15);
    assert.ok(token.measured.bytesPerOp > 300 && token.measured.share > 0.2 && token.measured.share < 0.3, JSON.stringify(token.measured));
  });

  test('what only the measurement shows is a finding of kind measured, with its cause', () => {
    const measured = findings.filter((finding) => finding.kind === 'measured');
    const byLine = new Map(measured.map((finding) => [finding.line, finding]));
    assert.match(byLine.get(lineOf('parse/parse.go', 'counts[w]++'))?.cause ?? '', /^map growth/);
    assert.match(byLine.get(lineOf('parse/parse.go', 'buf := make([]byte, len(s))'))?.cause ?? '', /^a make with a run-time size/);
    assert.match(byLine.get(lineOf('parse/parse.go', 'strings.Repeat(word, 8)'))?.cause ?? '', /^inside strings\.Repeat/);
    assert.match(byLine.get(lineOf('parse/parse.go', 'return len(a + " and " + b'))?.cause ?? '', /^string building/);
    assert.equal(measured.length, 4);
    assert.ok(measured.every((finding) => finding.rule === 'measured-allocation' && !finding.violation));
  });

  test('a benchmark over its //escape:allocs budget fails the check', () => {
    assert.equal(status, 1);
    const budget = findings.find((finding) => finding.kind === 'budget' && finding.function === 'BenchmarkParse');
    assert.match(budget?.message ?? '', /^BenchmarkParse measured 24 allocs\/op where \/\/escape:allocs 20 allows 20$/);
    assert.equal(budget?.violation, true);
  });

  test('text ranks by measured bytes', () => {
    const run = check(['--bench', '^BenchmarkParse$', '--benchtime', '500x', './parse']);
    const lines = run.stdout.trimEnd().split('\n');
    // The map's and the append's bytes per op are within a few bytes of each other and vary between runs
    // (one-off allocations spread over b.N), so the order is read from the figures each line prints.
    const bytesOf = (line: string) => Number(/(?:measured in BenchmarkParse: |\[measured )(\d+(?:\.\d+)?) B/.exec(line)?.[1] ?? Number.NaN);
    const measuredLines = lines.filter((line) => !Number.isNaN(bytesOf(line)));
    assert.equal(measuredLines.length, 6, run.stdout);
    assert.deepEqual(
      measuredLines.map(bytesOf),
      [...measuredLines.map(bytesOf)].sort((a, b) => b - a),
      run.stdout,
    );
    assert.deepEqual(lines.slice(0, 6), measuredLines, 'measured sites come before unmeasured ones');
    const topTwo = lines.slice(0, 2).join('\n');
    assert.match(
      topTwo,
      /measured in BenchmarkParse: \d+ B and 3 allocations per op, \d+% of its bytes; the compiler reports no heap allocation here \(likely cause: map growth/,
    );
    assert.match(topTwo, /append escapes to the heap: returned \[measured \d+(\.\d+)? B\/op, 3 allocs\/op in BenchmarkParse \(\d+%\)\]/);
  });

  test('SARIF carries the figures as properties, under its own rule', () => {
    const run = check(['--bench', '^BenchmarkParse$', '--benchtime', '500x', '--format', 'sarif', './parse']);
    const log = JSON.parse(run.stdout) as Log;
    const rules = log.runs[0].tool.driver.rules ?? [];
    assert.ok(rules.some((rule) => rule.id === 'measured-allocation'));
    const results = log.runs[0].results ?? [];
    const map = results.find((result) => result.ruleId === 'measured-allocation' && /map growth/.test(result.message.text ?? ''));
    assert.equal(rules[map?.ruleIndex ?? -1]?.id, 'measured-allocation');
    assert.equal((map?.properties?.measured as { allocsPerOp: number } | undefined)?.allocsPerOp, 3);
  });

  test('a regular expression that matches no benchmark, and a benchmark that fails, cannot run', () => {
    const none = check(['--bench', '^BenchmarkMissing$', './parse']);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /no benchmark of the checked packages matches/);
    const failing = check(['--bench', '^BenchmarkFails$', '--benchtime', '1x', './parse']);
    assert.equal(failing.status, 2);
    assert.match(failing.stderr, /BenchmarkFails failed/);
  });
});

test('check --profile: a production heap profile gives totals, and a CPU profile is refused', () => {
  const binary = path.join(scratch, 'service');
  const env = { ...process.env, GOPROXY: 'off', GOTOOLCHAIN: 'local' };
  assert.equal(spawnSync('go', ['build', '-trimpath', '-o', binary, './service'], { cwd: MODULE, env }).status, 0);
  const profile = path.join(scratch, 'heap.pb.gz');
  assert.equal(spawnSync(binary, ['-out', profile], { cwd: scratch }).status, 0);
  const run = check(['--profile', profile, '--format', 'json', './parse', './service']);
  assert.equal(run.status, 0, run.stderr);
  const findings = JSON.parse(run.stdout) as Finding[];
  const token = findings.find((finding) => finding.kind === 'escape' && finding.line === lineOf('parse/parse.go', 'return &Token{'));
  assert.deepEqual(
    token?.measured && 'objects' in token.measured ? [token.measured.objects, token.measured.bytes] : undefined,
    [4000, 96000],
  );

  const cpu = path.join(scratch, 'cpu.pb.gz');
  assert.equal(
    spawnSync(
      'go',
      ['test', '-run=^$', '-bench=^BenchmarkParse$', '-benchtime=100x', `-cpuprofile=${cpu}`, '-o', path.join(scratch, 'p.test'), '.'],
      {
        cwd: path.join(MODULE, 'parse'),
        env,
      },
    ).status,
    0,
  );
  const refused = check(['--profile', cpu, './parse']);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /--profile: cpu\.pb\.gz is a CPU profile, not an allocation profile/);
});
