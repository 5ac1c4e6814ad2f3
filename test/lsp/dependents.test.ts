/**
 * Saving a package refreshes the other open packages: what the compiler says about them depends on it.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { requireGo } from '../helpers/goOracle';
import { LspTestClient } from '../helpers/lspClient';

let root: string;
let client: LspTestClient;

const LIBRARY_NOT_INLINED = 'package lib\n\ntype T struct{ X int }\n\n//go:noinline\nfunc New() *T {\n\treturn &T{X: 1}\n}\n';
// Without the directive New is inlined into its callers: its allocation then belongs to the caller's code.
const LIBRARY_INLINED = LIBRARY_NOT_INLINED.replace('//go:noinline\n', '');

before(async () => {
  requireGo();
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'gel-dependents-'));
  fs.writeFileSync(path.join(root, 'go.mod'), 'module example.com/dependents\n\ngo 1.22\n');
  fs.mkdirSync(path.join(root, 'lib'));
  fs.writeFileSync(path.join(root, 'lib', 'lib.go'), LIBRARY_NOT_INLINED);
  fs.mkdirSync(path.join(root, 'app'));
  fs.writeFileSync(
    path.join(root, 'app', 'main.go'),
    'package main\n\nimport (\n\t"fmt"\n\n\t"example.com/dependents/lib"\n)\n\nfunc main() {\n\tfmt.Println(lib.New())\n}\n',
  );
  client = await LspTestClient.start(root);
});

after(async () => {
  await client.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

test('saving a library re-publishes an open importer whose allocations changed, without saving the importer', async () => {
  const app = path.join(root, 'app', 'main.go');
  const library = path.join(root, 'lib', 'lib.go');
  const appUri = pathToFileURL(app).href;
  const heapOnCall = (diagnostics: { range: { start: { line: number } }; code?: unknown }[]) =>
    diagnostics.some((diagnostic) => diagnostic.range.start.line === 9 && diagnostic.code === 'escapes-to-heap');

  const appAnalysed = client.nextStatus((status) => status.state === 'idle' && status.packageDirectory === path.dirname(app));
  await client.open(app);
  await appAnalysed;
  assert.equal(heapOnCall(client.diagnostics.get(appUri)?.diagnostics ?? []), false, 'New is not inlined: the allocation is in lib');

  const libraryAnalysed = client.nextStatus((status) => status.state === 'idle' && status.packageDirectory === path.dirname(library));
  await client.open(library);
  await libraryAnalysed;

  const appRepublished = client.nextDiagnostics(appUri, (params) => heapOnCall(params.diagnostics));
  fs.writeFileSync(library, LIBRARY_INLINED);
  await client.save(library);
  const { diagnostics } = await appRepublished;
  assert.ok(heapOnCall(diagnostics), JSON.stringify(diagnostics));
});
