/**
 * Drives gopls's "compiler optimization details" for the comparison: turns them on for the package with
 * gopls's own code action, then times edit → didSave → the published compiler diagnostics of the edit.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import {
  CodeActionRequest,
  type Command,
  DidChangeTextDocumentNotification,
  DidSaveTextDocumentNotification,
  ExecuteCommandRequest,
} from 'vscode-languageserver-protocol/node';
import { LspTestClient } from '../test/helpers/lspClient';

/** gopls re-runs `go test -c` and links a test binary for every change; give it time, but not forever. */
export const GOPLS_WAIT_MS = 180_000;

export interface GoplsDriver {
  editAndWait(content: string, editLine: number): Promise<number | undefined>;
  stop(): Promise<void>;
}

export async function startGopls(
  binary: string,
  root: string,
  file: string,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<GoplsDriver | undefined> {
  const client = await LspTestClient.start(root, { command: [binary], env });
  const uri = pathToFileURL(file).href;
  await client.open(file);
  // The first compile after switching the details on; later cycles are timed from their edit.
  const firstDetails = client.nextDiagnostics(uri, (params) =>
    params.diagnostics.some((diagnostic) => diagnostic.source === 'optimizer details'),
  );
  const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
    textDocument: { uri },
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    context: { diagnostics: [], only: ['source.toggleCompilerOptDetails'] },
  })) as ({ command?: Command } & Command)[] | null;
  const toggle = actions?.[0];
  const command = toggle?.command && typeof toggle.command === 'object' ? toggle.command : (toggle as Command | undefined);
  if (!command?.command) {
    log('gopls offered no "toggle compiler optimization details" action; leaving gopls out');
    await client.stop();
    return undefined;
  }
  await client.connection.sendRequest(ExecuteCommandRequest.type, { command: command.command, arguments: command.arguments });
  if ((await withTimeout(firstDetails, GOPLS_WAIT_MS)) === undefined) {
    log('gopls published no compiler optimization details in time; leaving gopls out');
    await client.stop();
    return undefined;
  }
  let version = 1;

  return {
    async editAndWait(content: string, editLine: number) {
      const published = client.nextDiagnostics(uri, (params) =>
        // gopls words escapes as "escape(…)" with source "optimizer details"; any of its facts on the edit's line
        // means the compile of the edited content has been published.
        params.diagnostics.some((diagnostic) => diagnostic.range.start.line === editLine && diagnostic.source === 'optimizer details'),
      );
      const started = performance.now();
      await client.connection.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri, version: ++version },
        contentChanges: [{ text: content }],
      });
      await client.connection.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri } });
      return withTimeout(
        published.then(() => performance.now() - started),
        GOPLS_WAIT_MS,
      );
    },
    stop: () => client.stop(),
  };
}

/** A benchmark must end: gopls that never answers is reported as timed out, not waited for forever. */
async function withTimeout<T>(promise: Promise<T>, milliseconds: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), milliseconds);
  });
  try {
    return await Promise.race([promise, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
