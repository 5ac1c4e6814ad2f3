/**
 * The measuring runner: a benchmark asked for while another runs starts only when that one has ended, and
 * one whose signal aborts while it waits leaves the queue without starting.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { oneRunAtATime } from '../../server/src/engine/oneRunAtATime';
import type { GoInvocation, GoResult } from '../../server/src/engine/runGo';

const RESULT: GoResult = { exitCode: 0, stdout: '', stderr: '', output: new Uint8Array(), cancelled: false, truncated: false };
const invocation = (name: string): GoInvocation => ({ goBinary: 'go', args: [name], cwd: '/', env: {} });

/** A runner whose invocations end when the test says; it records what started and what ended, in order. */
function controlledRunner() {
  const events: string[] = [];
  const endings = new Map<string, () => void>();
  const started = new Map<string, () => void>();
  const whenStarted = (name: string) => new Promise<void>((resolve) => started.set(name, resolve));
  const run = (call: GoInvocation) => {
    const name = call.args[0] as string;
    events.push(`start ${name}`);
    started.get(name)?.();
    return new Promise<GoResult>((resolve) =>
      endings.set(name, () => {
        events.push(`end ${name}`);
        resolve(RESULT);
      }),
    );
  };
  return { events, run, whenStarted, end: (name: string) => endings.get(name)?.() };
}

test('a second run starts only when the first has ended', async () => {
  const runner = controlledRunner();
  const queued = oneRunAtATime(runner.run);
  const firstStarted = runner.whenStarted('user');
  const first = queued(invocation('user'));
  const secondStarted = runner.whenStarted('fix');
  const second = queued(invocation('fix'));
  await firstStarted;
  assert.deepEqual(runner.events, ['start user']);
  runner.end('user');
  await first;
  await secondStarted;
  runner.end('fix');
  await second;
  assert.deepEqual(runner.events, ['start user', 'end user', 'start fix', 'end fix']);
});

test('a waiting run whose signal aborts leaves the queue, and the next one still waits its turn', async () => {
  const runner = controlledRunner();
  const queued = oneRunAtATime((call, signal) =>
    signal?.aborted ? Promise.resolve({ ...RESULT, exitCode: null, cancelled: true }) : runner.run(call),
  );
  const firstStarted = runner.whenStarted('user');
  const first = queued(invocation('user'));
  const controller = new AbortController();
  const cancelled = queued(invocation('fix'), controller.signal);
  const thirdStarted = runner.whenStarted('next');
  const third = queued(invocation('next'));
  await firstStarted;
  controller.abort();
  assert.equal((await cancelled).cancelled, true);
  // Every callback the abort set off has run: one full turn of the event loop.
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(runner.events, ['start user'], 'the cancelled run never started, and the next waits for the first');
  runner.end('user');
  await first;
  await thirdStarted;
  runner.end('next');
  await third;
  assert.deepEqual(runner.events, ['start user', 'end user', 'start next', 'end next']);
});
