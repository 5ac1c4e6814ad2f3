/**
 * The workspace worker: a child process of the language server that analyses packages for the
 * whole-workspace command and answers each with its summary (see workspaceWorkerProtocol.ts). It keeps
 * nothing between packages, and it exits when the server lets go of it (or dies), so all the memory a
 * large workspace's analysis grew into goes back to the system with it.
 *
 * It only runs what the server asks, and the server asks only in a trusted workspace; the server cancels
 * it when the workspace loses its trust.
 */
import * as os from 'node:os';
import { pathToFileURL } from 'node:url';
import { AnalysisService } from './analysisService';
import { runGo } from './engine/runGo';
import { ensureSkipLinkTool } from './engine/skipLinkTool';
import { workspacePackageSummary } from './features/workspacePackageSummary';
import type { FromWorker, ToWorker } from './workspaceWorkerProtocol';

export function runWorkspaceWorker(): void {
  const send = (message: FromWorker) => {
    if (process.connected) process.send?.(message);
  };
  const service = new AnalysisService({
    runGo,
    skipLinkTool: ensureSkipLinkTool(),
    parallelism: Math.max(1, os.availableParallelism?.() ?? os.cpus().length),
    // One pass over many packages: nothing is kept, and the tree needs no leak explanations.
    retainResults: false,
    leakExplanations: false,
    log: (message) => send({ type: 'log', level: 'info', message }),
    verbose: (message) => send({ type: 'log', level: 'verbose', message }),
    onStarted: (directory) => send({ type: 'started', directory }),
  });
  let cancelled = false;
  const uriOf = (file: string) => pathToFileURL(file).href;

  const analyse = async (request: Extract<ToWorker, { type: 'analyse' }>) => {
    try {
      const result = cancelled
        ? undefined
        : await service.analyseDirectory(request.directory, request.settings, { retain: false, functions: true });
      const summary = result && (await workspacePackageSummary(result, request.annotations, request.settings, uriOf));
      send({ type: 'result', id: request.id, ...(summary ? { summary } : {}) });
    } catch (error) {
      send({ type: 'failed', id: request.id, message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  };

  process.on('message', (message: ToWorker) => {
    if (message.type === 'cancel') {
      cancelled = true;
      service.cancelAll();
    } else void analyse(message);
  });
  // The server is done with us, or gone: the go commands still running are killed (each is its own process
  // group), and everything this process holds goes with it.
  process.on('disconnect', () => {
    service.cancelAll();
    process.exit(0);
  });
}
