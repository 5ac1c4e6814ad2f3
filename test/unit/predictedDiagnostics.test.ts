/**
 * Predicted diagnostics never pass for compiler facts: their message, code, data and severity say they are
 * predictions; and in restricted mode the go runner refuses every invocation without starting anything.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { refuseWhenRestricted } from '../../server/src/engine/restrictedRunner';
import type { GoInvocation, GoRunner } from '../../server/src/engine/runGo';
import { isPredictedDiagnostic, predictedDiagnosticsForText } from '../../server/src/features/predictedDiagnostics';
import { normaliseSettings } from '../../server/src/settings';

const SOURCE = 'package p\n\ntype T struct{ A int }\n\nfunc New() *T { return &T{A: 1} }\n';
const context = (raw: unknown, cause: 'restricted' | 'buildFailed' = 'restricted') => ({
  settings: normaliseSettings(raw).settings,
  readmeUri: 'file:///README.md',
  cause,
});

test('a predicted diagnostic says so in its message, code and data, at Hint severity by default', async () => {
  const [diagnostic, ...rest] = await predictedDiagnosticsForText(SOURCE, context({}));
  assert.deepEqual(rest, []);
  assert.equal(
    diagnostic.message,
    'predicted: &T{...} likely escapes to the heap (returned); not from the compiler: the workspace is not trusted, so the go command is not run',
  );
  assert.equal(diagnostic.code, 'predicted-heap-allocation');
  assert.equal(diagnostic.codeDescription?.href, 'file:///README.md#predicted-heap-allocation');
  assert.equal(diagnostic.severity, 4);
  assert.deepEqual(diagnostic.data, { predicted: true, kind: 'returnedAllocation', factKind: 'escape', cause: 'restricted' });
  assert.deepEqual(diagnostic.range, { start: { line: 4, character: 23 }, end: { line: 4, character: 31 } });
  assert.ok(isPredictedDiagnostic(diagnostic));
});

test('the severity setting applies, and off hides predictions', async () => {
  const [warning] = await predictedDiagnosticsForText(SOURCE, context({ severity: { predicted: 'warning' } }, 'buildFailed'));
  assert.equal(warning.severity, 2);
  assert.match(String(warning.message), /not from the compiler: the package does not build$/);
  assert.deepEqual(await predictedDiagnosticsForText(SOURCE, context({ severity: { predicted: 'off' } })), []);
  assert.equal(normaliseSettings({ severity: { predicted: 'loud' } }).settings.severity.predicted, 'hint');
});

test('restricted mode refuses every go invocation without calling the runner; trusted mode passes them on', async () => {
  const calls: GoInvocation[] = [];
  const recording: GoRunner = async (invocation) => {
    calls.push(invocation);
    return { exitCode: 0, stdout: 'go1.26.8\n', stderr: '', output: Buffer.from('go1.26.8\n'), cancelled: false, truncated: false };
  };
  let trusted = false;
  const guarded = refuseWhenRestricted(recording, () => trusted);
  const invocation = { goBinary: 'go', args: ['env', 'GOVERSION'], cwd: '/', env: {} };
  const refused = await guarded(invocation);
  assert.equal(refused.cancelled, true);
  assert.equal(calls.length, 0);
  trusted = true;
  assert.equal((await guarded(invocation)).stdout, 'go1.26.8\n');
  assert.deepEqual(calls, [invocation]);
});
