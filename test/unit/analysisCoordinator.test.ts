/**
 * The coordinator's policy without a connection and without Go: Restricted Mode publishes predictions
 * for the document's version through the publisher, and never runs the go command.
 */
import assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { GoInvocation, GoRunner } from '../../server/src/engine/runGo';
import { CoordinatorHarness } from '../helpers/coordinatorHarness';

const SOURCE = `package p

type Point struct{ X, Y int }

func NewPoint() *Point {
	return &Point{X: 1, Y: 2}
}
`;

function recordingRunGo(calls: GoInvocation[]): GoRunner {
  return async (invocation) => {
    calls.push(invocation);
    throw new Error('the go command must not run in Restricted Mode');
  };
}

test('Restricted Mode: predictions for the open document, with its version, and no go command', async () => {
  const calls: GoInvocation[] = [];
  const harness = new CoordinatorHarness({ runGo: recordingRunGo(calls), trusted: false });
  const file = path.join(os.tmpdir(), 'gel-coordinator-unit', 'p', 'p.go');
  const uri = `file://${file}`;
  const first = harness.nextDiagnostics(uri);
  harness.open(file, SOURCE);
  const published = await first;
  assert.equal(published.version, 1, 'the diagnostics name the version they were computed for');
  assert.deepEqual(
    published.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.range.start.line]),
    [['predicted-heap-allocation', 5]],
  );
  const paused = harness.statuses.find((status) => status.state === 'paused');
  assert.match(paused?.message ?? '', /Restricted mode/);

  // The next version of the text is predicted again; the publish names that version.
  const second = harness.nextDiagnostics(uri, (params) => params.version === 2);
  harness.change(uri, SOURCE.replace('func NewPoint', '\nfunc NewPoint'));
  harness.coordinator.documentSaved(uri);
  assert.equal((await second).diagnostics[0]?.range.start.line, 6);
  assert.deepEqual(calls, [], 'no go command ran');
});
