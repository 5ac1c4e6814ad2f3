/**
 * Workspaces with more than one module: a go.work that joins two modules, and a multi-root workspace whose
 * folders have different settings. The compiler resolves the modules; the server must run it where the
 * go command finds the go.work, and give each folder its own settings.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { ExecuteCommandRequest } from 'vscode-languageserver-protocol/node';
import { COMMANDS } from '../../server/src/protocol';
import { requireGo } from '../helpers/goOracle';
import { LspTestClient } from '../helpers/lspClient';

let root: string;
let work: string;
let tagged: string;
let client: LspTestClient;

function write(file: string, text: string) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

before(async () => {
  requireGo();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'gel-workspaces-'));
  // A go.work joining an application and a library that no go.mod requires: only the workspace resolves it.
  work = path.join(root, 'work');
  write(path.join(work, 'go.work'), 'go 1.22\n\nuse (\n\t./app\n\t./lib\n)\n');
  write(path.join(work, 'lib', 'go.mod'), 'module example.com/lib\n\ngo 1.22\n');
  write(
    path.join(work, 'lib', 'lib.go'),
    'package lib\n\ntype Buffer struct{ data [64]byte }\n\nfunc NewBuffer() *Buffer {\n\treturn &Buffer{}\n}\n',
  );
  write(path.join(work, 'app', 'go.mod'), 'module example.com/app\n\ngo 1.22\n');
  write(
    path.join(work, 'app', 'main.go'),
    'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/lib"\n)\n\nfunc main() {\n\tb := lib.NewBuffer()\n\tfmt.Println(b)\n}\n',
  );
  // A second folder whose settings add a build tag: its tagged file is compiled only with them.
  tagged = path.join(root, 'tagged');
  write(path.join(tagged, 'go.mod'), 'module example.com/tagged\n\ngo 1.22\n');
  write(path.join(tagged, 'plain.go'), 'package tagged\n\nfunc Plain() int { return 1 }\n');
  write(path.join(tagged, 'special.go'), '//go:build special\n\npackage tagged\n\nfunc Special() *int {\n\tv := 2\n\treturn &v\n}\n');
  // The package scope: the workspace command's results of files that are not open are published too.
  const scope = { diagnostics: { scope: 'package' } };
  client = await LspTestClient.start(root, {
    workspaceFolders: { [work]: scope, [tagged]: { ...scope, buildFlags: ['-tags=special'] } },
  });
});

after(async () => {
  await client.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

test('a file of a go.work module is analysed with the workspace: the inlined library allocation lands on the call', async () => {
  const file = path.join(work, 'app', 'main.go');
  const published = client.nextDiagnostics(pathToFileURL(file).href, (params) => params.diagnostics.length > 0);
  const analysed = client.nextStatus((status) => status.state !== 'analysing' && status.packageDirectory === path.dirname(file));
  await client.open(file);
  const status = await analysed;
  assert.equal(status.state, 'idle', status.message);
  const { diagnostics } = await published;
  const call = diagnostics.find((diagnostic) => diagnostic.range.start.line === 9);
  assert.ok(call, JSON.stringify(diagnostics));
  assert.equal(call.code, 'escapes-to-heap');
  // `lib.NewBuffer()` on line 10, from its first character to the closing parenthesis.
  assert.deepEqual(call.range, { start: { line: 9, character: 6 }, end: { line: 9, character: 21 } });
});

test("the workspace command analyses every folder with that folder's settings", async () => {
  const special = pathToFileURL(path.join(tagged, 'special.go')).href;
  const library = pathToFileURL(path.join(work, 'lib', 'lib.go')).href;
  const specialPublished = client.nextDiagnostics(special, (params) => params.diagnostics.length > 0);
  const libraryPublished = client.nextDiagnostics(library, (params) => params.diagnostics.length > 0);
  const summary = (await client.connection.sendRequest(ExecuteCommandRequest.type, { command: COMMANDS.analyseWorkspace })) as {
    packages: number;
    analysed: number;
    failed: string[];
  };
  assert.deepEqual(summary.failed, []);
  assert.equal(summary.packages, 3, 'app and lib through the go.work, and the tagged module');
  // special.go exists for the compiler only with the tag of its own folder's settings.
  const { diagnostics } = await specialPublished;
  assert.ok(
    diagnostics.some((diagnostic) => diagnostic.code === 'moved-to-heap' && diagnostic.range.start.line === 5),
    JSON.stringify(diagnostics),
  );
  assert.ok((await libraryPublished).diagnostics.some((diagnostic) => diagnostic.range.start.line === 5));
});
