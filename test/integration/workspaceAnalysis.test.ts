/**
 * Workspace analysis: the package list comes from the real `go list ./...` on the article module; the
 * per-package analysis is a stand-in so the test can count calls and cancel between them.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { runGo } from '../../server/src/engine/runGo';
import {
  analyseWorkspace,
  listPackageDirectories,
  type WorkspacePackageOutcome,
  type WorkspaceProgress,
} from '../../server/src/features/workspaceAnalysis';
import { requireGo } from '../helpers/goOracle';
import { REPOSITORY_ROOT } from '../helpers/lspClient';

const ARTICLE = path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'article');
const GO = { goBinary: 'go', buildFlags: [], env: {} };

function recordingProgress() {
  const events: string[] = [];
  const progress: WorkspaceProgress = {
    begin: (_title, percentage, message, cancellable) => events.push(`begin ${percentage} ${message} ${cancellable}`),
    report: (percentage, message) => events.push(`report ${percentage} ${message}`),
    done: () => events.push('done'),
  };
  return { events, progress };
}

/** A package that compiled with two heap allocations. */
function okOutcome(): WorkspacePackageOutcome {
  return { status: 'ok', heapAllocations: 2 };
}

test('go list ./... finds every package directory of the module', async () => {
  requireGo();
  const directories = await listPackageDirectories(ARTICLE, GO, runGo);
  for (const name of ['pointers', 'closures', 'sizes', 'withtests', 'unicode']) {
    assert.ok(directories.includes(path.join(ARTICLE, name)), `${name} is missing from ${directories.join(', ')}`);
  }
});

test('every package is analysed once, with progress from 0 to 100 and a final done', async () => {
  requireGo();
  const analysed: string[] = [];
  const { events, progress } = recordingProgress();
  const summary = await analyseWorkspace({
    folders: [{ folder: ARTICLE, settings: GO }],
    runGo,
    analyseDirectory: async (directory) => (analysed.push(directory), okOutcome()),
    progress,
    isCancelled: () => false,
    parallelism: 2,
  });
  const expected = await listPackageDirectories(ARTICLE, GO, runGo);
  assert.deepEqual([...analysed].sort(), [...expected].sort());
  assert.equal(summary.packages, expected.length);
  assert.equal(summary.analysed, expected.length);
  assert.equal(summary.heapAllocations, 2 * expected.length, 'the heap allocations of every package are added up');
  assert.equal(summary.cancelled, false);
  assert.equal(events[0], 'begin 0 listing packages true');
  assert.equal(events[events.length - 2], `report 100 ${expected.length}/${expected.length} packages`);
  assert.equal(events[events.length - 1], 'done');
});

test('cancelling stops before the next package and still ends the progress', async () => {
  requireGo();
  let cancelled = false;
  const analysed: string[] = [];
  const { events, progress } = recordingProgress();
  const summary = await analyseWorkspace({
    folders: [{ folder: ARTICLE, settings: GO }],
    runGo,
    analyseDirectory: async (directory) => {
      analysed.push(directory);
      cancelled = true; // the user presses cancel while the first package is being analysed
      return okOutcome();
    },
    progress,
    isCancelled: () => cancelled,
    parallelism: 1,
  });
  assert.equal(analysed.length, 1);
  assert.equal(summary.cancelled, true);
  assert.equal(events[events.length - 1], 'done');
});

test('in a multi-root workspace each package is analysed with the settings of its own folder', async () => {
  requireGo();
  const FIXES = path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'fixes');
  const article = { folder: ARTICLE, settings: GO, name: 'article' };
  const fixes = { folder: FIXES, settings: { ...GO, env: { GOFLAGS: '-tags=fixes' } }, name: 'fixes' };
  const analysedWith = new Map<string, string>();
  const { progress } = recordingProgress();
  await analyseWorkspace({
    folders: [article, fixes],
    runGo,
    analyseDirectory: async (directory, plan) => (analysedWith.set(directory, plan.name), okOutcome()),
    progress,
    isCancelled: () => false,
    parallelism: 2,
  });
  const articlePackages = await listPackageDirectories(ARTICLE, GO, runGo);
  const fixesPackages = await listPackageDirectories(FIXES, fixes.settings, runGo);
  assert.ok(articlePackages.length > 0 && fixesPackages.length > 0);
  for (const directory of articlePackages) assert.equal(analysedWith.get(directory), 'article', directory);
  for (const directory of fixesPackages) assert.equal(analysedWith.get(directory), 'fixes', directory);
});
