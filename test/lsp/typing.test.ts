/**
 * Analysis while typing: unsaved text reaches the compiler through -overlay, and nothing is written.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { requireGo } from '../helpers/goOracle';
import { LspTestClient, REPOSITORY_ROOT } from '../helpers/lspClient';

let workspace: string;
let client: LspTestClient;

function listing(directory: string): string[] {
  return fs.readdirSync(directory, { recursive: true }).map(String).sort();
}

before(async () => {
  requireGo();
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'gel-typing-'));
  fs.cpSync(path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'article'), workspace, { recursive: true });
  client = await LspTestClient.start(workspace, { settings: { analyzeOn: 'type', typingDelayMs: 20 } });
});
after(async () => {
  await client.stop();
  fs.rmSync(workspace, { recursive: true, force: true });
});

test('an unsaved edit is analysed, placed at its position, and never written to disk', async () => {
  const file = path.join(workspace, 'channels', 'channels.go');
  const uri = pathToFileURL(file).href;
  const onDisk = fs.readFileSync(file, 'utf8');
  const before = listing(workspace);

  const opened = client.nextDiagnostics(uri, (params) => params.diagnostics.length === 1);
  await client.open(file);
  await opened;

  const typed = `${onDisk}\nfunc Typed() *Job {\n\treturn &Job{ID: 2}\n}\n`;
  const typedLine = typed.split('\n').indexOf('\treturn &Job{ID: 2}');
  const analysed = client.nextDiagnostics(uri, (params) =>
    params.diagnostics.some((diagnostic) => diagnostic.range.start.line === typedLine),
  );
  await client.change(file, typed);
  const { diagnostics } = await analysed;
  const typedDiagnostic = diagnostics.find((diagnostic) => diagnostic.range.start.line === typedLine);
  assert.deepEqual(typedDiagnostic?.range, { start: { line: typedLine, character: 8 }, end: { line: typedLine, character: 19 } });
  assert.equal(diagnostics.length, 2);

  assert.equal(fs.readFileSync(file, 'utf8'), onDisk, 'the file on disk is untouched');
  assert.deepEqual(listing(workspace), before, 'no file was added to the workspace');
});
