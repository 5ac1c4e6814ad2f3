/**
 * Go 1.26 inlines fmt.Errorf together with the errors.New it falls back to when there is nothing to format,
 * and the compiler reports that errors.New's allocation at every call. The fixture's Go test measures each
 * function with testing.AllocsPerRun: fmt.Errorf with an argument allocates exactly what
 * errors.New(fmt.Sprintf(…)) does, so the fallback never runs there, and the fact must be said to cost
 * nothing; a call without arguments runs the fallback, and one that spreads a slice may, so neither is.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { DiagnosticSeverity } from 'vscode-languageserver';
import { fileDiagnostics } from '../../server/src/features/diagnostics';
import { hoverAt } from '../../server/src/features/hover';
import { nothingAllocated } from '../../server/src/features/nothingAllocated';
import type { FileAnalysis, PackageResult } from '../../server/src/model/analysis';
import { isHeapFact } from '../../server/src/model/facts';
import { DEFAULT_SETTINGS } from '../../server/src/settings';
import { requireGo } from '../helpers/goOracle';
import { analyseMeasuredFixture, wholeFileInlayHints } from '../helpers/measuredFixture';

const DIRECTORY = path.join(__dirname, '..', 'fixtures', 'annotations', 'errorf');
const FILE = path.join(DIRECTORY, 'errorf.go');
const FALLBACK = '&errors.errorString{...}';

describe('fmt.Errorf’s fallback to errors.New', () => {
  let result: PackageResult;
  let file: FileAnalysis;
  /** Allocations per call of each function, as the fixture's Go test measured them. */
  let measured: ReadonlyMap<string, number>;

  before(async () => {
    requireGo();
    ({ result, file, measured } = await analyseMeasuredFixture(DIRECTORY, FILE, 5));
  });

  const fallbackIn = (name: string) =>
    file.located.find((item) => item.enclosingFunction === name && isHeapFact(item.fact) && item.fact.expression === FALLBACK);

  test('is said to cost nothing at a call with arguments, which allocates what formatting by hand does', () => {
    assert.equal(measured.get('WithArgument'), measured.get('NewOfSprintf'), 'fmt.Errorf allocated more than its formatting');
    const claimed = file.located.filter((item) => nothingAllocated(item) === 'errorfFallback').map((item) => item.enclosingFunction);
    assert.deepEqual(claimed.sort(), ['WithArgument', 'Wrapped']);
    // NewOfSprintf's own errors.New runs at every call: the same expression, not Errorf's.
    assert.ok(fallbackIn('NewOfSprintf'), 'the compiler reports no errors.New in NewOfSprintf');
    assert.equal(nothingAllocated(fallbackIn('NewOfSprintf')!), undefined);
  });

  test('a call with nothing to format runs the fallback, a spread may, and so may a closure inlined with its Errorf: none is claimed', () => {
    assert.equal(measured.get('Constant'), 1);
    for (const name of ['Constant', 'Spread', 'Closure']) {
      const facts = file.located.filter((item) => item.enclosingFunction === name && item.fact.expression === FALLBACK);
      assert.ok(facts.length > 0, `the compiler reports no errors.New in ${name}`);
      for (const fact of facts) assert.equal(nothingAllocated(fact), undefined, `${name}:${fact.fact.position.line}`);
    }
    // The closure's own Errorf, and its call, where it is inlined with its two arguments.
    assert.deepEqual(
      file.located
        .filter((item) => item.enclosingFunction === 'Closure' && item.fact.expression === FALLBACK)
        .map((item) => item.placedCall?.callee)
        .sort(),
      ['build', 'fmt.Errorf'],
    );
  });

  test('the diagnostic keeps the compiler’s fact, says why it costs nothing, and is a hint unless set otherwise', () => {
    const diagnostics = (severity: Partial<typeof DEFAULT_SETTINGS.severity>) =>
      fileDiagnostics(file, {
        settings: { ...DEFAULT_SETTINGS, severity: { ...DEFAULT_SETTINGS.severity, ...severity } },
        readmeUri: 'file:///README.md',
        sourceOf: () => undefined,
      });
    const onLine = (list: ReturnType<typeof diagnostics>, name: string) =>
      list.filter(
        (diagnostic) =>
          diagnostic.range.start.line === fallbackIn(name)!.range.start.line && /errorString/.test(String(diagnostic.message)),
      );
    const [withArgument] = onLine(diagnostics({}), 'WithArgument');
    assert.match(
      String(withArgument.message),
      /escapes to the heap.*; fmt\.Errorf makes it only for a message with nothing to format, so this call never does$/,
    );
    assert.equal(withArgument.severity, DiagnosticSeverity.Hint);
    assert.equal(onLine(diagnostics({ nothingAllocated: 'warning' }), 'WithArgument')[0].severity, DiagnosticSeverity.Warning);
    const [constant] = onLine(diagnostics({}), 'Constant');
    assert.equal(constant.severity, DiagnosticSeverity.Information);
    assert.doesNotMatch(String(constant.message), /never does/);
  });

  test('its inlay hint says not run, and its hover that there is nothing to fix', async () => {
    const hints = await wholeFileInlayHints(file);
    const labelsAt = (name: string) =>
      hints.filter((hint) => hint.position.line === fallbackIn(name)!.range.end.line).map((hint) => hint.label);
    assert.ok(labelsAt('WithArgument').includes('not run'), JSON.stringify(labelsAt('WithArgument')));
    assert.ok(!labelsAt('Constant').includes('not run'));
    const hover = await hoverAt(fallbackIn('WithArgument')!.range.start, { file, packageFiles: result.files });
    assert.ok(hover, 'no hover on the fallback');
    const text = (hover.contents as { value: string }).value;
    assert.match(text, /but this call never allocates it\*\*/);
    assert.match(text, /\*\*Nothing to fix:\*\* this fact costs no allocation/);
  });
});
