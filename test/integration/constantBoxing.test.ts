/**
 * A constant converted to an interface "escapes to heap" by the compiler's words but allocates nothing at
 * run time. The fixture's Go test measures each function with testing.AllocsPerRun; what the diagnostics
 * and the hover say of each heap fact must agree with that measurement: a fact said to cost nothing is in
 * a function that allocates nothing, and the facts of functions that allocate are never said to.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { DiagnosticSeverity } from 'vscode-languageserver';
import { isConstantBoxing } from '../../server/src/features/constantBoxing';
import { fileDiagnostics } from '../../server/src/features/diagnostics';
import { hoverAt } from '../../server/src/features/hover';
import type { FileAnalysis, PackageResult } from '../../server/src/model/analysis';
import { isHeapFact } from '../../server/src/model/facts';
import { DEFAULT_SETTINGS } from '../../server/src/settings';
import { requireGo } from '../helpers/goOracle';
import { analyseMeasuredFixture, wholeFileInlayHints } from '../helpers/measuredFixture';

const DIRECTORY = path.join(__dirname, '..', 'fixtures', 'annotations', 'constants');
const FILE = path.join(DIRECTORY, 'constants.go');

describe('a constant converted to an interface', () => {
  let result: PackageResult;
  let file: FileAnalysis;
  /** Allocations per call of each function, as the fixture's Go test measured them. */
  let measured: ReadonlyMap<string, number>;

  before(async () => {
    requireGo();
    ({ result, file, measured } = await analyseMeasuredFixture(DIRECTORY, FILE, 9));
  });

  test('is said to cost nothing exactly where the function measured no allocation, and a call is not claimed', () => {
    const heap = file.located.filter((item) => isHeapFact(item.fact));
    const claimed = heap.filter(isConstantBoxing).map((item) => item.enclosingFunction ?? '?');
    assert.deepEqual(claimed.sort(), ['Float', 'Imported', 'Literal', 'Named', 'Number']);
    for (const name of claimed) assert.equal(measured.get(name), 0, `${name} allocates ${measured.get(name)} per call`);
    for (const name of ['Result', 'Variable', 'Raw']) {
      assert.ok((measured.get(name) ?? 0) > 0, `${name} was measured without allocations`);
      assert.ok(
        heap.some((item) => item.enclosingFunction === name && !isConstantBoxing(item)),
        `${name} has no heap fact`,
      );
    }
    // Errno(32) allocates nothing either, but a call in the source could be a function's result.
    assert.equal(measured.get('Conversion'), 0);
    assert.ok(!claimed.includes('Conversion'));
  });

  test('the diagnostic keeps the compiler’s fact and adds that nothing is allocated', () => {
    const messages = fileDiagnostics(file, { settings: DEFAULT_SETTINGS, readmeUri: 'file:///README.md', sourceOf: () => undefined }).map(
      (diagnostic) => String(diagnostic.message),
    );
    assert.ok(
      messages.some((message) => /^"\\x1b\[0m" escapes to the heap.*; a constant, so nothing is allocated at run time$/.test(message)),
      messages.join('\n'),
    );
    assert.ok(
      messages.some((message) =>
        /^syscall\.Errno\(32\) escapes to the heap.*; a constant, so nothing is allocated at run time$/.test(message),
      ),
      messages.join('\n'),
    );
    assert.ok(
      messages.some((message) => /^s escapes to the heap/.test(message) && !message.includes('a constant')),
      messages.join('\n'),
    );
  });

  test('the diagnostic on a constant is a hint unless set otherwise, and goes with the others when they are off', () => {
    const diagnostics = (severity: Partial<typeof DEFAULT_SETTINGS.severity>) =>
      fileDiagnostics(file, {
        settings: { ...DEFAULT_SETTINGS, severity: { ...DEFAULT_SETTINGS.severity, ...severity } },
        readmeUri: 'file:///README.md',
        sourceOf: () => undefined,
      });
    const severityOn = (list: ReturnType<typeof diagnostics>, expression: RegExp) =>
      list.filter((diagnostic) => expression.test(String(diagnostic.message))).map((diagnostic) => diagnostic.severity);
    const byDefault = diagnostics({});
    assert.deepEqual(severityOn(byDefault, /^"a constant message"/), [DiagnosticSeverity.Hint]);
    assert.deepEqual(severityOn(byDefault, /^s escapes/), [DiagnosticSeverity.Information]);
    assert.deepEqual(severityOn(diagnostics({ nothingAllocated: 'warning' }), /^"a constant message"/), [DiagnosticSeverity.Warning]);
    const escapesOff = diagnostics({ escapesToHeap: 'off' });
    assert.deepEqual(severityOn(escapesOff, /^"a constant message"/), []);
    assert.deepEqual(severityOn(escapesOff, /^s escapes/), []);
  });

  test('the inlay hint after a constant says const, after a variable heap', async () => {
    const hints = await wholeFileInlayHints(file);
    const labelOn = (line: string) => {
      const row = file.source.lines.findIndex((text) => text.startsWith(line));
      return hints.filter((hint) => hint.position.line === row && hint.label !== 'leaks').map((hint) => hint.label);
    };
    assert.deepEqual(labelOn('func Literal()'), ['const']);
    assert.deepEqual(labelOn('func Imported('), ['const']);
    assert.deepEqual(labelOn('func Result()'), ['heap']);
    assert.deepEqual(labelOn('func Conversion()'), ['heap']);
  });

  test('the hover says nothing is allocated and that nothing needs fixing', async () => {
    const literal = file.located.find((item) => item.enclosingFunction === 'Literal' && isHeapFact(item.fact))!;
    const hover = await hoverAt(literal.range.start, { file, packageFiles: result.files });
    assert.ok(hover, 'no hover on the constant');
    const text = (hover.contents as { value: string }).value;
    assert.match(text, /^\*\*`"a constant message"` escapes to the heap as an interface value, but nothing is allocated\*\*/);
    assert.match(text, /\*\*Nothing to fix:\*\* this line costs no allocation/);
    assert.doesNotMatch(text, /is allocated on the heap/);
  });
});
