import assert from 'node:assert/strict';
import { mock, test } from 'node:test';
import { fullCollection, MemoryRelease, QUIET_MILLISECONDS } from '../../server/src/memoryRelease';

test('one collection after a burst of analyses, once the server has been quiet', (context) => {
  context.mock.timers.enable({ apis: ['setTimeout'] });
  const collect = mock.fn();
  const release = new MemoryRelease(collect);
  release.analysisFinished();
  context.mock.timers.tick(QUIET_MILLISECONDS - 1);
  release.analysisFinished(); // a new analysis restarts the quiet period
  context.mock.timers.tick(QUIET_MILLISECONDS - 1);
  assert.equal(collect.mock.callCount(), 0);
  context.mock.timers.tick(1);
  assert.equal(collect.mock.callCount(), 1);
  context.mock.timers.tick(QUIET_MILLISECONDS * 10);
  assert.equal(collect.mock.callCount(), 1);
});

test('no collection after dispose', (context) => {
  context.mock.timers.enable({ apis: ['setTimeout'] });
  const collect = mock.fn();
  const release = new MemoryRelease(collect);
  release.analysisFinished();
  release.dispose();
  context.mock.timers.tick(QUIET_MILLISECONDS * 2);
  assert.equal(collect.mock.callCount(), 0);
});

test('the full collection frees garbage at once', () => {
  let garbage: string[] | undefined = Array.from({ length: 200_000 }, (_, index) => `garbage ${index} `.repeat(4));
  const withGarbage = process.memoryUsage().heapUsed;
  garbage = undefined;
  fullCollection();
  const collected = withGarbage - process.memoryUsage().heapUsed;
  assert.equal(garbage, undefined);
  assert.ok(collected > 10_000_000, `only ${(collected / 1e6).toFixed(1)} MB were collected`);
});
