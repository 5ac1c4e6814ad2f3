import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PackageScheduler } from '../../server/src/engine/packageScheduler';

/** Occupies the only core until released, then queues `keys` behind it; resolves with the start order. */
async function startOrder(preferred: string | undefined, keys: readonly string[]): Promise<string[]> {
  const scheduler = new PackageScheduler(1, () => preferred);
  const started: string[] = [];
  let release!: () => void;
  let running!: () => void;
  const busyRunning = new Promise<void>((resolve) => (running = resolve));
  const busy = scheduler.schedule('busy', () => new Promise<void>((resolve) => ((release = resolve), running())));
  await busyRunning;
  const queued = keys.map((key) => scheduler.schedule(key, async () => void started.push(key)));
  release();
  await Promise.all([busy, ...queued]);
  return started;
}

test("waiting analyses: the active editor's package first, then the most recent request", async () => {
  assert.deepEqual(await startOrder('/m/a', ['/m/a', '/m/b', '/m/c']), ['/m/a', '/m/c', '/m/b']);
});

test('the preference covers the package analysed with its tests', async () => {
  assert.deepEqual(await startOrder('/m/a', ['/m/b', '/m/a#tests', '/m/c']), ['/m/a#tests', '/m/c', '/m/b']);
});

test('without a preference, most recent first', async () => {
  assert.deepEqual(await startOrder(undefined, ['/m/a', '/m/b', '/m/c']), ['/m/c', '/m/b', '/m/a']);
});
