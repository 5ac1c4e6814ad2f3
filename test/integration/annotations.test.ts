/**
 * Bounds checks, nil checks, inlined calls and the compiler's good news, against plain compiler runs: every
 * line the compiler prints becomes exactly one located fact on the right expression, nothing where the
 * compiler proved the index, and nothing at all (no flag, no fact) for a kind that is off.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AnalysisService } from '../../server/src/analysisService';
import type { LocatedFact, PackageResult } from '../../server/src/model/analysis';
import { type Finding, packageFindings } from '../../server/src/check/findings';
import { packageAnalysisInvocation } from '../../server/src/engine/goCommand';
import type { GoInvocation } from '../../server/src/engine/runGo';
import { runGo } from '../../server/src/engine/runGo';
import { budgetDiagnostics } from '../../server/src/features/budgets';
import { fileDiagnostics } from '../../server/src/features/diagnostics';
import { DEFAULT_ANNOTATIONS } from '../../server/src/model/annotations';
import { DEFAULT_SETTINGS } from '../../server/src/settings';
import { readDirectives } from '../../server/src/syntax/directives';
import type { LspRange } from '../../server/src/model/positions';
import { compilerLinesMatching, type OracleFact, requireGo } from '../helpers/goOracle';
import { CLI } from '../helpers/lspClient';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'annotations');
const ALL = { escape: true, inline: true, bounds: true, nil: true };
const GO = { goBinary: 'go', buildFlags: [], env: {} };
const BOUNDS = /^Found Is(?:Slice)?InBounds$/;

before(() => requireGo());

function contains(range: LspRange, line: number, character: number): boolean {
  const afterStart = line > range.start.line || (line === range.start.line && character >= range.start.character);
  const beforeEnd = line < range.end.line || (line === range.end.line && character <= range.end.character);
  return afterStart && beforeEnd;
}

function textOf(result: PackageResult, file: string, range: LspRange): string {
  const lines = result.files.get(file)!.source.lines;
  return range.start.line === range.end.line
    ? lines[range.start.line].slice(range.start.character, range.end.character)
    : `${lines[range.start.line].slice(range.start.character)}…`;
}

async function analyse(directory: string, annotations = ALL): Promise<PackageResult> {
  const service = new AnalysisService({ runGo, skipLinkTool: null, parallelism: 1 });
  const result = await service.analyseDirectory(directory, { ...GO, annotations }, { includeTests: false });
  assert.ok(result, 'the analysis was not superseded');
  assert.equal(result.analysis.status, 'ok', result.analysis.message);
  return result;
}

function locatedOf(result: PackageResult, kinds: readonly string[]): { file: string; item: LocatedFact }[] {
  return [...result.files.values()].flatMap((file) =>
    file.located.filter((item) => kinds.includes(item.fact.kind)).map((item) => ({ file: file.file, item })),
  );
}

/** Each oracle line is one located fact at its position whose range contains it, and there are no others. */
function assertOneEach(result: PackageResult, kinds: readonly string[], expected: readonly OracleFact[]) {
  const located = locatedOf(result, kinds);
  assert.equal(
    located.length,
    expected.length,
    `compiler: ${expected.map((f) => `${f.line}:${f.byteColumn} ${f.message}`).join(', ')}; located: ${located.map(({ item }) => `${item.fact.position.line}:${item.fact.position.byteColumn} ${item.fact.kind}`).join(', ')}`,
  );
  for (const fact of expected) {
    const match = located.find(
      ({ file, item }) => file === fact.file && item.fact.position.line === fact.line && item.fact.position.byteColumn === fact.byteColumn,
    );
    assert.ok(match, `no located fact for ${path.basename(fact.file)}:${fact.line}:${fact.byteColumn} ${fact.message}`);
    assert.ok(contains(match.item.range, fact.line0, fact.utf16Column), `${fact.message}: ${JSON.stringify(match.item.range)}`);
  }
}

describe('bounds checks', () => {
  test('every check the compiler keeps, on its index or slice expression; none where it proved the index', async () => {
    const directory = path.join(FIXTURE, 'bounds');
    const result = await analyse(directory);
    const expected = compilerLinesMatching(directory, '-d=ssa/check_bce/debug=1', BOUNDS);
    assertOneEach(result, ['indexCheck', 'sliceCheck'], expected);

    const file = path.join(directory, 'bounds.go');
    const placed = locatedOf(result, ['indexCheck', 'sliceCheck']).map(({ item }) => [
      item.enclosingFunction,
      item.nodeType,
      textOf(result, file, item.range),
    ]);
    assert.deepEqual(placed.sort(), [
      ['Lookup', 'index_expression', 'table[i]'],
      ['Nested', 'index_expression', 'größe[i]'],
      ['Nested', 'index_expression', 'größe[i][j]'],
      ['OtherSlice', 'index_expression', 't[i]'],
      ['Slicing', 'slice_expression', 's[i:j]'],
      ['Words', 'index_expression', 's[n]'],
    ]);
    // The index loop, the range loop and the index after a len test: the prover removed their checks.
    for (const proven of ['IndexLoop', 'RangeLoop', 'Proven']) assert.ok(!placed.some(([owner]) => owner === proven), proven);
  });

  test('constant indexes: one check each, and none after `_ = b[3]` but for b[3] itself', async () => {
    const directory = path.join(FIXTURE, 'hoist');
    const result = await analyse(directory);
    assertOneEach(result, ['indexCheck', 'sliceCheck'], compilerLinesMatching(directory, '-d=ssa/check_bce/debug=1', BOUNDS));
    const byFunction = new Map<string, number>();
    for (const { item } of locatedOf(result, ['indexCheck'])) {
      byFunction.set(item.enclosingFunction!, (byFunction.get(item.enclosingFunction!) ?? 0) + 1);
    }
    assert.deepEqual(Object.fromEntries(byFunction), { Uint32: 4, PutUint16: 2, Hinted: 1 });
  });
});

describe('nil checks', () => {
  test('the explicit checks the compiler generates, on the dereferencing expression; none for loads that fault by themselves', async () => {
    const directory = path.join(FIXTURE, 'nilchecks');
    const result = await analyse(directory);
    const expected = compilerLinesMatching(directory, '-d=nil', /^generated nil check$/);
    assertOneEach(result, ['nilCheck'], expected);
    const file = path.join(directory, 'nilchecks.go');
    const placed = locatedOf(result, ['nilCheck']).map(({ item }) => [item.enclosingFunction, textOf(result, file, item.range)]);
    assert.deepEqual(placed.sort(), [
      ['ArrayView', 'p[:]'],
      ['FieldAddress', 'p.B'],
    ]);
  });
});

describe('inlining and the good news', () => {
  test('inlined calls, devirtualised calls, zero-copy conversions and ignored self-assignments, each on its construct', async () => {
    const directory = path.join(FIXTURE, 'inlining');
    const result = await analyse(directory);
    const kinds = ['inlinedCall', 'devirtualized', 'zeroCopy', 'selfAssignment'];
    const expected = compilerLinesMatching(
      directory,
      '-m',
      /^(?:inlining call to |devirtualizing |zero-copy string->\[\]byte conversion$|\S+ ignoring self-assignment in )/,
    );
    assertOneEach(result, kinds, expected);
    const file = path.join(directory, 'inlining.go');
    const placed = locatedOf(result, kinds).map(({ item }) => [item.fact.kind, textOf(result, file, item.range)]);
    assert.deepEqual(placed.sort(), [
      ['devirtualized', 's.Area()'],
      ['inlinedCall', 'add(a, b)'],
      ['inlinedCall', 'add(add(a, b), c)'],
      ['inlinedCall', 's.Area()'],
      ['selfAssignment', 'b.data = b.data[:n]'],
      ['zeroCopy', '[]byte(s)'],
    ]);
    assert.deepEqual(result.analysis.facts.unrecognised, [], 'no line of these shapes is left unrecognised');
  });
});

describe('a kind that is off costs nothing', () => {
  test('no debug flag is passed, and no fact of its kind is built', async () => {
    const invocation = (annotations?: typeof ALL): GoInvocation =>
      packageAnalysisInvocation({ directory: FIXTURE, hasTestFiles: false, skipLinkTool: null }, { ...GO, annotations });
    assert.ok(!invocation().args.some((arg) => arg.includes('-d=')));
    assert.ok(!invocation({ ...ALL, bounds: false, nil: false }).args.some((arg) => arg.includes('-d=')));
    assert.ok(invocation({ ...ALL, nil: false }).args.includes('-gcflags=-m=2 -d=ssa/check_bce/debug=1'));
    assert.ok(invocation({ ...ALL, bounds: false }).args.includes('-gcflags=-m=2 -d=nil'));

    const result = await analyse(path.join(FIXTURE, 'inlining'), DEFAULT_ANNOTATIONS);
    const optimisations = locatedOf(result, ['indexCheck', 'sliceCheck', 'nilCheck', 'devirtualized', 'zeroCopy', 'selfAssignment']);
    assert.deepEqual(optimisations, []);
    assert.deepEqual(result.analysis.facts.unrecognised, [], 'the good-news lines are known, not logged as unrecognised');
    const diagnostics = [...result.files.values()].flatMap((file) =>
      fileDiagnostics(file, { settings: DEFAULT_SETTINGS, readmeUri: 'file:///README.md', sourceOf: () => undefined }),
    );
    assert.ok(!diagnostics.some((diagnostic) => diagnostic.code === 'inlined-call'));
  });
});

describe('on a copy of encoding/binary', () => {
  const goroot = requireGoroot();
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'gel-binary-'));
  after(() => fs.rmSync(copy, { recursive: true, force: true }));

  test('every Found Is*InBounds is exactly one diagnostic and one CLI finding on its expression, none spurious', async () => {
    for (const name of fs.readdirSync(path.join(goroot, 'src', 'encoding', 'binary'))) {
      if (name.endsWith('.go') && !name.endsWith('_test.go'))
        fs.copyFileSync(path.join(goroot, 'src', 'encoding', 'binary', name), path.join(copy, name));
    }
    fs.writeFileSync(path.join(copy, 'go.mod'), 'module example.com/binary\n\ngo 1.22\n');
    const expected = compilerLinesMatching(copy, '-d=ssa/check_bce/debug=1', BOUNDS);
    assert.ok(expected.length > 50, `the compiler reports many bounds checks in encoding/binary (${expected.length})`);

    const result = await analyse(copy, { ...DEFAULT_ANNOTATIONS, bounds: true, inline: true });
    assertOneEach(result, ['indexCheck', 'sliceCheck'], expected);
    // Each on its index or slice expression; a check in the body of an inlined call on the call, where
    // the compiler also reports the inlining.
    const inlinedAt = new Set(
      locatedOf(result, ['inlinedCall']).map(({ item }) => `${item.fact.position.line}:${item.fact.position.byteColumn}`),
    );
    let inInlinedCalls = 0;
    for (const { file, item } of locatedOf(result, ['indexCheck', 'sliceCheck'])) {
      if (item.nodeType === 'call_expression') {
        inInlinedCalls++;
        assert.ok(inlinedAt.has(`${item.fact.position.line}:${item.fact.position.byteColumn}`), textOf(result, file, item.range));
      } else {
        assert.equal(
          item.nodeType,
          item.fact.kind === 'indexCheck' ? 'index_expression' : 'slice_expression',
          textOf(result, file, item.range),
        );
      }
    }
    assert.ok(inInlinedCalls > 0, 'encoding/binary has checks inside inlined calls (ensure, d.uint32)');

    const settings = { ...DEFAULT_SETTINGS, annotations: { ...DEFAULT_ANNOTATIONS, bounds: true } };
    const diagnostics = [...result.files.values()].flatMap((file) =>
      fileDiagnostics(file, { settings, readmeUri: 'file:///README.md', sourceOf: () => undefined })
        .filter((diagnostic) => diagnostic.code === 'bounds-check')
        .map((diagnostic) => ({ file: file.file, diagnostic })),
    );
    assert.equal(diagnostics.length, expected.length);
    for (const fact of expected) {
      const here = diagnostics.filter(
        ({ file, diagnostic }) =>
          file === fact.file &&
          contains(diagnostic.range, fact.line0, fact.utf16Column) &&
          (diagnostic.data as { line: number }).line === fact.line,
      );
      assert.ok(here.length >= 1, `no diagnostic for ${fact.line}:${fact.byteColumn}`);
    }

    const findings = (
      await packageFindings(result, { root: copy, importPath: 'example.com/binary', annotations: settings.annotations })
    ).filter((finding) => finding.kind === 'bounds');
    assert.deepEqual(
      findings.map((finding) => `${finding.file}:${finding.line}:${finding.column}`).sort(),
      expected.map((fact) => `${path.basename(fact.file)}:${fact.line}:${fact.byteColumn}`).sort(),
    );
  });
});

function requireGoroot(): string {
  requireGo();
  return require('node:child_process').execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
}

describe('go-escape-lens check --annotations', () => {
  const cli = (args: readonly string[]) =>
    spawnSync(process.execPath, [CLI, 'check', ...args], { cwd: FIXTURE, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

  test('JSON findings of kind bounds, nil and inline, one per compiler line, at its byte column', () => {
    const run = cli(['--annotations', 'bounds,nil,inline', '--format', 'json', './bounds', './nilchecks']);
    assert.equal(run.status, 0, run.stderr);
    const findings = JSON.parse(run.stdout) as Finding[];
    const located = (kind: string) =>
      findings
        .filter((finding) => finding.kind === kind)
        .map((finding) => `${finding.file}:${finding.line}:${finding.column}`)
        .sort();
    const oracle = (pkg: string, gcflags: string, message: RegExp) =>
      compilerLinesMatching(path.join(FIXTURE, pkg), gcflags, message).map(
        (fact) => `${pkg}/${path.basename(fact.file)}:${fact.line}:${fact.byteColumn}`,
      );
    assert.deepEqual(
      located('bounds'),
      [...oracle('bounds', '-d=ssa/check_bce/debug=1', BOUNDS), ...oracle('nilchecks', '-d=ssa/check_bce/debug=1', BOUNDS)].sort(),
    );
    assert.deepEqual(
      located('nil'),
      [...oracle('bounds', '-d=nil', /^generated nil check$/), ...oracle('nilchecks', '-d=nil', /^generated nil check$/)].sort(),
    );
    const lookup = findings.find((finding) => finding.function === 'Lookup');
    assert.equal(lookup?.rule, 'bounds-check');
    assert.equal(lookup?.expression, 'table[i]');
  });

  test('without --annotations only allocations are reported; an unknown kind is exit code 2', () => {
    const plain = cli(['--format', 'json', './bounds']);
    assert.equal(plain.status, 0, plain.stderr);
    assert.deepEqual(
      (JSON.parse(plain.stdout) as Finding[]).filter((finding) => finding.kind === 'bounds'),
      [],
    );
    const wrong = cli(['--annotations', 'bounds,bogus', '.']);
    assert.equal(wrong.status, 2);
    assert.match(wrong.stderr, /--annotations: unknown kind bogus/);
  });
});

describe('bounds check budgets', () => {
  const cli = (args: readonly string[]) =>
    spawnSync(process.execPath, [CLI, 'check', ...args], { cwd: FIXTURE, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

  test('check: a broken //escape:bounds budget fails with the checks that break it; //escape:ok accepts a line', () => {
    const run = cli(['--annotations', 'bounds', './budgets']);
    assert.equal(run.status, 1, run.stderr);
    const lines = run.stdout.trimEnd().split('\n');
    const expected = compilerLinesMatching(path.join(FIXTURE, 'budgets'), '-d=ssa/check_bce/debug=1', BOUNDS);
    const pair = expected.filter((fact) => fact.line === 19).map((fact) => `${fact.line}:${fact.byteColumn}`);
    assert.deepEqual(
      lines.filter((line) => line.includes(' breaks ')),
      [`budgets/budgets.go:18:6: Pair breaks //escape:bounds max 1: 2 bounds checks kept, at ${pair.join(', ')}`],
    );
    assert.ok(
      lines.some(
        (line) => line.startsWith('budgets/budgets.go:26:10: ') && line.endsWith('[accepted: every caller checks i against len(s)]'),
      ),
    );
    assert.equal(lines.filter((line) => / bounds check: /.test(line)).length, expected.length, 'every check is listed');
  });

  test('without bounds checks being read, a bounds budget is reported as unchecked, not silently passed', async () => {
    const run = cli(['./budgets']);
    assert.equal(run.status, 1, run.stderr);
    assert.equal(
      run.stdout
        .trimEnd()
        .split('\n')
        .filter((line) => line.includes('is not checked: bounds checks are not being read')).length,
      4,
    );

    const result = await analyse(path.join(FIXTURE, 'budgets'), { ...DEFAULT_ANNOTATIONS, bounds: true });
    const file = result.files.get(path.join(FIXTURE, 'budgets', 'budgets.go'))!;
    const directives = await readDirectives(file.source);
    const on = budgetDiagnostics(file, directives, true);
    assert.deepEqual(
      on.map((diagnostic) => [diagnostic.code, diagnostic.range.start.line, diagnostic.relatedInformation?.length ?? 0]),
      [['broken-budget', 17, 2]],
    );
    const off = budgetDiagnostics(file, directives, false);
    assert.deepEqual(
      off.map((diagnostic) => diagnostic.code),
      ['invalid-directive', 'invalid-directive', 'invalid-directive', 'invalid-directive'],
    );
  });
});
