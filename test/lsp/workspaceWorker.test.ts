/**
 * The whole-workspace command's worker process, over real stdio on the article module: the packages without
 * open files are analysed in a child process of the server, which sends back their tree and counts and has
 * exited by the time the command answers, so the memory of the run is not the server's to keep. The
 * package the user has open is still analysed in the server, with all its facts.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CancellationTokenSource, ExecuteCommandRequest } from 'vscode-languageserver-protocol/node';
import type { WorkspaceAnalysisSummary } from '../../server/src/features/workspaceAnalysis';
import { COMMANDS, EscapeTreePackageRequest, EscapeTreeRequest } from '../../server/src/protocol';
import { requireGo } from '../helpers/goOracle';
import { LspTestClient, REPOSITORY_ROOT } from '../helpers/lspClient';

const ARTICLE = path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'article');
const WORKER_LINE = /worker process \(pid (\d+)\)/;
let client: LspTestClient;

before(async () => {
  requireGo();
  client = await LspTestClient.start(ARTICLE, { settings: {} });
});
after(() => client.stop());

/** The pid of the worker the command started after `from` log lines. */
async function workerPid(from: number): Promise<number> {
  const line = await client.logLine((candidate) => WORKER_LINE.test(candidate) && client.logs.indexOf(candidate) >= from);
  return Number(WORKER_LINE.exec(line)![1]);
}

function hasExited(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function openAnalysed(relative: string): Promise<void> {
  const file = path.join(ARTICLE, relative);
  const analysed = client.nextStatus((status) => status.state === 'idle' && status.packageDirectory === path.dirname(file));
  await client.open(file);
  await analysed;
}

function analyseWorkspace(token?: CancellationTokenSource): Promise<WorkspaceAnalysisSummary> {
  return client.connection.sendRequest(ExecuteCommandRequest.type, { command: COMMANDS.analyseWorkspace }, token?.token);
}

test('the packages without open files are analysed in a worker process, which has exited when the command answers', async () => {
  await openAnalysed('pointers/pointers.go');
  const from = client.logs.length;
  const publishedBefore = client.publications.length;
  const summary = await analyseWorkspace();
  const pid = await workerPid(from);
  assert.ok(hasExited(pid), `the worker ${pid} still runs after the command answered`);
  assert.deepEqual(summary.failed, []);
  assert.equal(summary.analysed, summary.packages);

  // The tree counts what the command counted, from the server's own facts and the worker's trees alike.
  const tree = await client.connection.sendRequest(EscapeTreeRequest);
  assert.equal(
    tree.reduce((sum, item) => sum + (item.heapAllocations ?? 0), 0),
    summary.heapAllocations,
  );
  // No file of a worker's package is open: in the default openFiles scope none got diagnostics.
  const pointers = pathToFileURL(path.join(ARTICLE, 'pointers')).href;
  assert.deepEqual(
    client.publications.slice(publishedBefore).filter((params) => !params.uri.startsWith(pointers)),
    [],
  );

  // The worker's status for closures counts its file, as an analysis in the server would.
  const closures = path.join(ARTICLE, 'closures');
  const closuresUri = pathToFileURL(path.join(closures, 'closures.go')).href;
  const fromWorker = await client.connection.sendRequest(EscapeTreePackageRequest, { directory: closures });
  const workerStatus = [...client.statuses].reverse().find((status) => status.packageDirectory === closures && status.state === 'idle');
  assert.equal(workerStatus?.heapAllocationsByUri?.[closuresUri], fromWorker[0]?.heapAllocations);
  assert.ok((fromWorker[0]?.heapAllocations ?? 0) > 0);

  // Opening closures analyses it in the server, with its facts: its tree is the one the worker sent.
  await openAnalysed('closures/closures.go');
  assert.deepEqual(await client.connection.sendRequest(EscapeTreePackageRequest, { directory: closures }), fromWorker);
});

test('cancelling the command stops it, and its worker has exited when it answers', async () => {
  const from = client.logs.length;
  const cancellation = new CancellationTokenSource();
  const answered = analyseWorkspace(cancellation);
  const pid = await workerPid(from);
  cancellation.cancel();
  const summary = await answered;
  assert.equal(summary.cancelled, true);
  assert.ok(summary.analysed < summary.packages, JSON.stringify(summary));
  assert.ok(hasExited(pid), `the worker ${pid} still runs after the command answered`);
});

test("the progress's Cancel stops the command and its worker, as VS Code's notification does", async () => {
  const withProgress = await LspTestClient.start(ARTICLE, { settings: {}, workDoneProgress: true });
  try {
    const begun = withProgress.nextProgress(
      (params) => params.value.kind === 'begin' && /analysing the workspace/.test(params.value.title ?? ''),
    );
    const answered = withProgress.connection.sendRequest(ExecuteCommandRequest.type, {
      command: COMMANDS.analyseWorkspace,
    }) as Promise<WorkspaceAnalysisSummary>;
    const { token, value } = await begun;
    assert.equal(value.cancellable, true);
    const line = await withProgress.logLine((candidate) => WORKER_LINE.test(candidate));
    await withProgress.cancelProgress(token);
    const summary = await answered;
    assert.equal(summary.cancelled, true);
    assert.ok(summary.analysed < summary.packages, JSON.stringify(summary));
    assert.ok(hasExited(Number(WORKER_LINE.exec(line)![1])), 'the worker still runs after the command answered');
    assert.ok(
      withProgress.progress.some((params) => params.token === token && params.value.kind === 'end'),
      'the progress was not ended',
    );
  } finally {
    await withProgress.stop();
  }
});
