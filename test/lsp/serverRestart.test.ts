/**
 * The server process crashes: the editor starts a new one and re-sends `didOpen` for every open document
 * (vscode-languageclient does both by default: common/client.js `handleConnectionClosed` restarts the
 * server through the DefaultErrorHandler, up to 5 crashes in 3 minutes, and common/textSynchronization.js
 * `DidOpenTextDocumentFeature.register` sends `didOpen` for each `workspace.textDocuments` entry that
 * matches the selector). The server keeps no state it needs from before, so the open files are analysed
 * again from the `didOpen` alone: this test plays the client's part with a real crash (SIGKILL).
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { requireGo } from '../helpers/goOracle';
import { LspTestClient, REPOSITORY_ROOT } from '../helpers/lspClient';

const ARTICLE = path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'article');
const FILES = [path.join(ARTICLE, 'pointers', 'pointers.go'), path.join(ARTICLE, 'closures', 'closures.go')];

before(() => requireGo());

async function openAndCollect(client: LspTestClient) {
  const published = FILES.map((file) => client.nextDiagnostics(pathToFileURL(file).href, (params) => params.diagnostics.length > 0));
  for (const file of FILES) await client.open(file);
  return (await Promise.all(published)).map((params) => params.diagnostics.map((diagnostic) => [diagnostic.code, diagnostic.range]));
}

test('after a crash, a new server analyses the re-opened documents and publishes the same diagnostics', async () => {
  const first = await LspTestClient.start(ARTICLE);
  const before = await openAndCollect(first);
  assert.ok(before.every((diagnostics) => diagnostics.length > 0));

  const exited = new Promise<NodeJS.Signals | null>((resolve) => first.process.once('exit', (_code, signal) => resolve(signal)));
  first.process.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
  first.connection.dispose();

  const second = await LspTestClient.start(ARTICLE);
  try {
    assert.deepEqual(await openAndCollect(second), before);
  } finally {
    await second.stop();
  }
});
