/**
 * A zero-size value converted to an interface "escapes to heap" by the compiler's words, but its interface
 * value points to runtime.zerobase: nothing is allocated. The fixture's Go test measures each function with
 * testing.AllocsPerRun; what the features say of each heap fact must agree with it: a fact said to cost
 * nothing is in a function that allocates nothing, and two controls that look alike (a struct with fields,
 * a map type written with empty braces) allocate and are not claimed.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { DiagnosticSeverity } from 'vscode-languageserver';
import { fileDiagnostics } from '../../server/src/features/diagnostics';
import { hoverAt } from '../../server/src/features/hover';
import { nothingAllocated } from '../../server/src/features/nothingAllocated';
import type { FileAnalysis, LocatedFact, PackageResult } from '../../server/src/model/analysis';
import { isHeapFact } from '../../server/src/model/facts';
import { DEFAULT_SETTINGS } from '../../server/src/settings';
import { requireGo } from '../helpers/goOracle';
import { analyseMeasuredFixture, wholeFileInlayHints } from '../helpers/measuredFixture';

const DIRECTORY = path.join(__dirname, '..', 'fixtures', 'annotations', 'zerosize');
const FILE = path.join(DIRECTORY, 'zerosize.go');

describe('a zero-size value converted to an interface', () => {
  let result: PackageResult;
  let file: FileAnalysis;
  /** Allocations per call of each function, as the fixture's Go test measured them. */
  let measured: ReadonlyMap<string, number>;
  let heap: LocatedFact[];

  before(async () => {
    requireGo();
    ({ result, file, measured } = await analyseMeasuredFixture(DIRECTORY, FILE, 7));
    heap = file.located.filter((item) => isHeapFact(item.fact));
  });

  const heapIn = (name: string) => heap.filter((item) => item.enclosingFunction === name);

  test('is said to cost nothing only in functions measured without allocations', () => {
    const claimed = heap.filter((item) => nothingAllocated(item) === 'zeroSize');
    assert.deepEqual(claimed.map((item) => item.enclosingFunction).sort(), ['Background', 'EmptyLiteral', 'RequestContext', 'Todo']);
    for (const item of claimed) {
      assert.equal(
        measured.get(item.enclosingFunction!),
        0,
        `${item.enclosingFunction} allocates ${measured.get(item.enclosingFunction!)}`,
      );
    }
    // The inlined (*http.Request).Context(): the case real modules have most.
    assert.deepEqual(
      heapIn('RequestContext').map((item) => item.fact.expression),
      ['context.backgroundCtx{}'],
    );
  });

  test('a struct with fields and a map written with empty braces allocate, and are not claimed', () => {
    for (const name of ['Pair', 'Table']) {
      assert.ok((measured.get(name) ?? 0) > 0, `${name} was measured without allocations`);
      assert.ok(heapIn(name).length > 0, `${name} has no heap fact`);
      for (const item of heapIn(name)) assert.equal(nothingAllocated(item), undefined, `${name}: ${item.fact.expression}`);
    }
  });

  test('the package’s own empty struct allocates nothing, but is not claimed: its name alone does not say its size', () => {
    assert.equal(measured.get('LocalEmpty'), 0);
    assert.deepEqual(
      heapIn('LocalEmpty').map((item) => [item.fact.expression, nothingAllocated(item)]),
      [['empty{}', undefined]],
    );
  });

  test('the diagnostic keeps the compiler’s fact, says why it costs nothing, and is a hint unless set otherwise', () => {
    const diagnostics = (severity: Partial<typeof DEFAULT_SETTINGS.severity>) =>
      fileDiagnostics(file, {
        settings: { ...DEFAULT_SETTINGS, severity: { ...DEFAULT_SETTINGS.severity, ...severity } },
        readmeUri: 'file:///README.md',
        sourceOf: () => undefined,
      });
    const on = (list: ReturnType<typeof diagnostics>, name: string) => {
      const line = heapIn(name)[0].range.start.line;
      return list.filter((diagnostic) => diagnostic.range.start.line === line && /escapes to the heap/.test(String(diagnostic.message)));
    };
    const [background] = on(diagnostics({}), 'Background');
    assert.match(
      String(background.message),
      /^context\.backgroundCtx\{\} escapes to the heap.*; a zero-size value, so nothing is allocated at run time$/,
    );
    assert.equal(background.severity, DiagnosticSeverity.Hint);
    assert.equal(on(diagnostics({ nothingAllocated: 'warning' }), 'EmptyLiteral')[0].severity, DiagnosticSeverity.Warning);
    const [pair] = on(diagnostics({}), 'Pair');
    assert.equal(pair.severity, DiagnosticSeverity.Information);
    assert.doesNotMatch(String(pair.message), /zero-size/);
  });

  test('its inlay hint says zero-size, and its hover that nothing is allocated and there is nothing to fix', async () => {
    const hints = await wholeFileInlayHints(file);
    const labelsOf = (name: string) =>
      hints.filter((hint) => hint.position.line === heapIn(name)[0].range.end.line && hint.label !== 'leaks').map((hint) => hint.label);
    assert.ok(labelsOf('RequestContext').includes('zero-size'), JSON.stringify(labelsOf('RequestContext')));
    assert.deepEqual(labelsOf('EmptyLiteral'), ['zero-size']);
    assert.deepEqual(labelsOf('Pair'), ['heap']);
    const hover = await hoverAt(heapIn('EmptyLiteral')[0].range.start, { file, packageFiles: result.files });
    assert.ok(hover, 'no hover on struct{}{}');
    const text = (hover.contents as { value: string }).value;
    assert.match(text, /escapes to the heap as an interface value, but nothing is allocated\*\*: its type has size 0/);
    assert.match(text, /runtime\.zerobase/);
    assert.match(text, /\*\*Nothing to fix:\*\* this fact costs no allocation/);
    assert.doesNotMatch(text, /is allocated on the heap/);
  });
});
