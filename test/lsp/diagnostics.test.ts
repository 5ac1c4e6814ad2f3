/**
 * The language server over real stdio, as Neovim or any LSP editor uses it.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { requireGo } from '../helpers/goOracle';
import { LspTestClient, REPOSITORY_ROOT } from '../helpers/lspClient';

const ARTICLE = path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'article');
let client: LspTestClient;

before(async () => {
  requireGo();
  client = await LspTestClient.start(ARTICLE);
});
after(() => client.stop());

test('opening a file publishes a diagnostic on each heap allocation, with the explanation as related information', async () => {
  const file = path.join(ARTICLE, 'pointers', 'pointers.go');
  const published = client.nextDiagnostics(`file://${file}`, (params) => params.diagnostics.length > 0);
  // Every publish for the file until the package's analysis is done. A predicate that never matches sees each one.
  const sent: unknown[] = [];
  void client.nextDiagnostics(`file://${file}`, (params) => sent.push(params) < 0);
  const idle = client.nextStatus((status) => status.state === 'idle' && status.packageDirectory === path.dirname(file));
  await client.open(file);
  const { diagnostics, version } = await published;
  await idle;
  // The early publish of the opened file and the package's full publish agree, so the second is not sent: a
  // repeated publish still changes VS Code's markers, which drops a Ctrl+. menu that is waiting for its answer.
  assert.equal(sent.length, 1, JSON.stringify(sent));
  assert.equal(version, 1, 'publishDiagnostics names the document version the compiler saw');

  const newPoint = diagnostics.find((diagnostic) => diagnostic.range.start.line === 9);
  assert.ok(newPoint, `no diagnostic on line 10 of pointers.go: ${JSON.stringify(diagnostics)}`);
  assert.deepEqual(newPoint.range, { start: { line: 9, character: 8 }, end: { line: 9, character: 26 } });
  assert.equal(newPoint.source, 'go-escape-lens');
  assert.equal(newPoint.code, 'escapes-to-heap');
  assert.match(newPoint.message as string, /&Point\{\.\.\.\} escapes to the heap: returned/);
  assert.match(String(newPoint.codeDescription?.href), /README\.md#escapes-to-heap$/);
  assert.ok(
    newPoint.relatedInformation?.some((info) => info.message.startsWith('returned') && info.location.range.start.line === 9),
    JSON.stringify(newPoint.relatedInformation),
  );

  const moved = diagnostics.find((diagnostic) => diagnostic.code === 'moved-to-heap');
  assert.ok(moved, 'the moved-to-heap fact for u is published');
  assert.deepEqual(moved.range, { start: { line: 30, character: 1 }, end: { line: 30, character: 2 } });
});

test('re-saving unchanged content answers from the cache without running the compiler', async () => {
  const directory = path.join(ARTICLE, 'channels');
  const file = path.join(directory, 'channels.go');
  const analysed = client.nextStatus((status) => status.state === 'idle' && status.packageDirectory === directory);
  await client.open(file);
  assert.equal((await analysed).fromCache, false);

  const resaved = client.nextStatus((status) => status.state === 'idle' && status.packageDirectory === directory);
  const publishedBefore = client.publications.length;
  await client.save(file);
  const status = await resaved;
  assert.equal(status.fromCache, true);
  assert.equal(status.heapAllocationsByUri?.[`file://${file}`], 1, 'the status still counts the file');
  // The client already shows exactly these diagnostics: nothing is sent again.
  assert.equal(client.publications.length, publishedBefore);
  assert.equal(client.diagnostics.get(`file://${file}`)?.diagnostics.length, 1);
});

test('a changed setting re-publishes cached results with the new settings', async () => {
  const directory = path.join(ARTICLE, 'channels');
  const file = path.join(directory, 'channels.go');
  await client.changeSettings({ severity: { escapesToHeap: 'warning' } });
  try {
    const republished = client.nextDiagnostics(`file://${file}`, (params) => params.diagnostics[0]?.severity === 2);
    await client.save(file);
    assert.equal((await republished).diagnostics.length, 1);
  } finally {
    await client.changeSettings({});
  }
});

test('test files: analysed with go test -c when open; a save of a non-test file does not clear them', async () => {
  const directory = path.join(ARTICLE, 'withtests');
  const testFile = path.join(directory, 'stack_test.go');
  const testUri = `file://${testFile}`;
  const testDiagnostics = client.nextDiagnostics(testUri, (params) => params.diagnostics.length > 0);
  await client.open(testFile);
  assert.deepEqual(
    (await testDiagnostics).diagnostics.map((diagnostic) => diagnostic.range.start.line),
    [6, 8],
  );

  // Saving stack.go runs `go build` (fast, no tests), then the tests again because stack_test.go is open.
  const sourceFile = path.join(directory, 'stack.go');
  const bothVariants = client.nextStatus(
    (status) =>
      status.state === 'idle' && status.packageDirectory === directory && `file://${testFile}` in (status.heapAllocationsByUri ?? {}),
  );
  const from = client.publications.length;
  await client.open(sourceFile);
  await bothVariants;
  const testPublications = client.publications.slice(from).filter((params) => params.uri === testUri);
  assert.ok(
    testPublications.every((params) => params.diagnostics.length === 2),
    'the test file never lost its diagnostics',
  );
  assert.equal(client.diagnostics.get(testUri)?.diagnostics.length, 2);
});
