/**
 * Work-done progress around compiler runs: one progress item per package being compiled, begun when the
 * compiler starts and ended by the result, whatever it was; a client that refuses progress changes nothing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WorkDoneProgressServerReporter } from 'vscode-languageserver';
import { CancellationToken } from 'vscode-languageserver';
import { AnalysisProgress } from '../../server/src/features/analysisProgress';

function recorder() {
  const events: string[] = [];
  let created = 0;
  const create = async (): Promise<WorkDoneProgressServerReporter> => {
    const id = ++created;
    return {
      token: CancellationToken.None,
      begin: (title, _percentage, message) => events.push(`${id} begin ${title}: ${message}`),
      report: () => undefined,
      done: () => events.push(`${id} done`),
    };
  };
  return { events, create };
}

test('a compiler run begins a progress item with the package name, and its result ends it', async () => {
  const { events, create } = recorder();
  const progress = new AnalysisProgress(create, (directory) => `Analysing ${directory.split('/').pop()}`);
  progress.started('/m/pointers');
  progress.started('/m/pointers'); // a second start while running: still one item
  progress.started('/m/sizes');
  await progress.finished('/m/pointers');
  await progress.finished('/m/sizes');
  await progress.finished('/m/sizes'); // a result without a run (from the cache): nothing to end
  assert.deepEqual(events, ['1 begin Go Escape Lens: Analysing pointers', '2 begin Go Escape Lens: Analysing sizes', '1 done', '2 done']);
});

test('a client that refuses the progress token does not stop the analysis', async () => {
  const progress = new AnalysisProgress(
    () => Promise.reject(new Error('no progress support')),
    () => 'x',
  );
  progress.started('/m/p');
  await progress.finished('/m/p');
});
