/**
 * Settings are asked of the client once per document, not on every edit, save, hint and lens: the server
 * caches them per resource until `workspace/didChangeConfiguration` says they changed.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { CodeLensRequest, InlayHintRequest } from 'vscode-languageserver-protocol';
import { requireGo } from '../helpers/goOracle';
import { LspTestClient, REPOSITORY_ROOT } from '../helpers/lspClient';

let module: string;
let client: LspTestClient;

before(async () => {
  requireGo();
  // A copy of one fixture package: the cycles below write to its file, as a user's saves do.
  module = fs.mkdtempSync(path.join(os.tmpdir(), 'gel-settings-cache-'));
  fs.copyFileSync(path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'article', 'go.mod'), path.join(module, 'go.mod'));
  fs.cpSync(path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'article', 'pointers'), path.join(module, 'pointers'), { recursive: true });
  client = await LspTestClient.start(module, { settings: { analyzeOn: 'type' } });
});
after(async () => {
  await client.stop();
  fs.rmSync(module, { recursive: true, force: true });
});

test('four edit/save cycles with unchanged settings ask the client for configuration at most twice', async () => {
  const file = path.join(module, 'pointers', 'pointers.go');
  const directory = path.dirname(file);
  const analysed = () => client.nextStatus((status) => status.state === 'idle' && status.packageDirectory === directory);
  const opened = analysed();
  const uri = await client.open(file);
  await opened;
  const original = fs.readFileSync(file, 'utf8');
  const everything = { start: { line: 0, character: 0 }, end: { line: 200, character: 0 } };
  for (let cycle = 1; cycle <= 4; cycle++) {
    const text = `${original}\n// edit ${cycle}\n`;
    await client.change(file, text);
    fs.writeFileSync(file, text);
    const saved = analysed();
    await client.save(file);
    await saved;
    await client.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: everything });
    await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } });
  }
  assert.ok(
    client.configurationRequests.length <= 2,
    `asked ${client.configurationRequests.length} times: ${JSON.stringify(client.configurationRequests)}`,
  );

  // A change of settings drops the cache: the next request asks again and sees the new value.
  const before = client.configurationRequests.length;
  const republished = client.nextDiagnostics(uri, (params) => params.diagnostics.some((diagnostic) => diagnostic.severity === 2));
  await client.changeSettings({ analyzeOn: 'type', severity: { escapesToHeap: 'warning' } });
  await republished;
  assert.ok(client.configurationRequests.length > before, 'the changed settings were asked for');
});
