/**
 * What a user meets first, over real stdio with the real compiler: the first Ctrl+. offers the verified
 * fix, the value-receiver refactor is reachable from the whole signature, the log stays quiet by default and
 * says everything at the verbose level, and only open files get diagnostics unless the package scope is set.
 *
 * test/fixtures/fixes/readonly: `counter` is a small struct whose methods `hit` and `reset` change it, and
 * whose unexported `remaining` only reads it; report.go is a second file of the package that allocates.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { type CodeAction, CodeActionRequest, type Hover, HoverRequest, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { requireGo } from '../helpers/goOracle';
import { LspTestClient, REPOSITORY_ROOT } from '../helpers/lspClient';

const FIXES = path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'fixes');
const DIRECTORY = path.join(FIXES, 'readonly');
const READONLY = path.join(DIRECTORY, 'readonly.go');
const REPORT = path.join(DIRECTORY, 'report.go');
const READONLY_URI = pathToFileURL(READONLY).href;
const REPORT_URI = pathToFileURL(REPORT).href;
/** `func (c *counter) remaining() int {`, 0-based. */
const REMAINING_LINE = 21;
const VALUE_RECEIVER =
  /^Use a value receiver for counter\.remaining \(32 bytes\) — no heap allocation removed \(verified; hit and reset keep pointer receivers\)$/;

before(() => requireGo());

async function codeActionsAt(client: LspTestClient, line: number, character: number): Promise<CodeAction[]> {
  const at = { line, character };
  return (await client.connection.sendRequest(CodeActionRequest.type, {
    textDocument: { uri: READONLY_URI },
    range: { start: at, end: at },
    context: { diagnostics: [] },
  })) as CodeAction[];
}

function idleIn(client: LspTestClient) {
  return client.nextStatus((status) => status.state === 'idle' && status.packageDirectory === DIRECTORY);
}

/** Resolves at the log line the server writes once a package's fixes are verified. */
function verified(client: LspTestClient): Promise<string> {
  return client.logLine((line) => line.startsWith('quick-fixes verified for readonly'));
}

describe('with the default settings', () => {
  let client: LspTestClient;
  before(async () => {
    client = await LspTestClient.start(FIXES);
  });
  after(() => client.stop());

  test('the first Ctrl+. on the func line, right after the squiggles, offers the verified value receiver', async () => {
    const published = client.nextDiagnostics(READONLY_URI, (params) => params.diagnostics.length > 0);
    await client.open(READONLY);
    await published;
    // The very first request, at the `func` keyword: it waits for the verification instead of answering empty.
    const first = await codeActionsAt(client, REMAINING_LINE, 0);
    assert.deepEqual(
      first.map((action) => action.title).filter((title) => VALUE_RECEIVER.test(title)).length,
      1,
      JSON.stringify(first.map((action) => action.title)),
    );
    // The receiver and the method's name offer it too.
    for (const character of [7, 10, 20]) {
      const titles = (await codeActionsAt(client, REMAINING_LINE, character)).map((action) => action.title);
      assert.ok(
        titles.some((title) => VALUE_RECEIVER.test(title)),
        `at character ${character}: ${JSON.stringify(titles)}`,
      );
    }
    // Inside the body it is not offered: the lightbulb belongs to the signature.
    assert.deepEqual(await codeActionsAt(client, REMAINING_LINE + 1, 10), []);
  });

  test('only the open file has diagnostics; opening another file of the package publishes it, closing clears it', async () => {
    assert.equal(client.diagnostics.get(REPORT_URI), undefined, 'report.go is not open: nothing is published for it');
    const reportPublished = client.nextDiagnostics(REPORT_URI, (params) => params.diagnostics.length > 0);
    await client.open(REPORT);
    const { diagnostics } = await reportPublished;
    assert.ok(
      diagnostics.some((diagnostic) => diagnostic.code === 'moved-to-heap'),
      JSON.stringify(diagnostics),
    );
    const cleared = client.nextDiagnostics(REPORT_URI, (params) => params.diagnostics.length === 0);
    await client.close(REPORT);
    await cleared;
    assert.ok((client.diagnostics.get(READONLY_URI)?.diagnostics.length ?? 0) > 0, 'the open file keeps its diagnostics');
  });

  test('messages say what the compiler invented in the source’s terms; the hover keeps its exact words', async () => {
    const reportPublished = client.nextDiagnostics(REPORT_URI, (params) => params.diagnostics.length > 0);
    await client.open(REPORT);
    const report = (await reportPublished).diagnostics;
    const readonly = client.diagnostics.get(READONLY_URI)?.diagnostics ?? [];
    const messages = [...readonly, ...report].map((diagnostic) => String(diagnostic.message));
    // The compiler says `~r0 escapes to heap`, `name + "/" + ~r0 …` and gin's `"Basic realm=" + ~r0 …`; the
    // messages say the source (as gofmt wrote it).
    assert.ok(
      messages.some((message) => message.startsWith('the result of c.remaining() escapes to the heap')),
      messages.join('\n'),
    );
    assert.ok(messages.some((message) => message.startsWith('name + "/" + strconv.Itoa(limit) escapes to the heap')));
    const realm = report.find((diagnostic) =>
      String(diagnostic.message).startsWith('"Basic realm="+strconv.Quote(realm) escapes to the heap'),
    );
    assert.ok(realm, messages.join('\n'));
    assert.deepEqual(
      messages.filter((message) => /~r|\.autotmp/.test(message)),
      [],
    );
    const related = [...readonly, ...report].flatMap((diagnostic) => diagnostic.relatedInformation ?? []);
    assert.ok(related.length > 0);
    assert.deepEqual(
      related.map((item) => item.message).filter((message) => /←|~r|\{storage/.test(message)),
      [],
    );
    assert.ok(
      related.some((item) => /stored in `challenges`, which outlives this function/.test(item.message)),
      JSON.stringify(related.map((item) => item.message)),
    );

    const hover = (await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: REPORT_URI },
      position: realm.range.start,
    })) as Hover;
    const markdown = (hover.contents as MarkupContent).value;
    assert.match(markdown, /\*\*`"Basic realm="\+strconv\.Quote\(realm\)` is allocated on the heap\*\*/);
    assert.match(markdown, /<summary>The compiler's words<\/summary>[\s\S]*"Basic realm=" \+ ~r0 escapes to heap/);
    const cleared = client.nextDiagnostics(REPORT_URI, (params) => params.diagnostics.length === 0);
    await client.close(REPORT);
    await cleared;
  });

  test('the log has a handful of lines per analysis: no line per allocation or per fix not proposed', async () => {
    await verified(client);
    const lines = client.logs;
    // What ran, how long and the counts; then, when fixes were verified in the background, how many.
    const summary = /^readonly: \d+ heap allocations \((go \d+ ms, parsed [\d.]+ MB in \d+ ms|from cache)\)$/;
    const verifiedLine = /^quick-fixes verified for readonly: \d+ offered$/;
    // Said once per server: which go was found, and where.
    const goLine = /^Using .*\bgo\b.* \(go[\d.]+\), found /;
    assert.deepEqual(
      lines.filter((line) => !summary.test(line) && !verifiedLine.test(line) && !goLine.test(line)),
      [],
    );
    const analyses = lines.filter((line) => summary.test(line)).length;
    assert.ok(analyses >= 1 && lines.length <= 2 * analyses + 1, lines.join('\n'));
  });
});

describe('with goEscapeLens.logLevel verbose and goEscapeLens.diagnostics.scope package', () => {
  let client: LspTestClient;
  before(async () => {
    client = await LspTestClient.start(FIXES, { settings: { logLevel: 'verbose', diagnostics: { scope: 'package' } } });
  });
  after(() => client.stop());

  test('the files that are not open get diagnostics too', async () => {
    const reportPublished = client.nextDiagnostics(REPORT_URI, (params) => params.diagnostics.length > 0);
    const idle = idleIn(client);
    await client.open(READONLY);
    await idle;
    assert.ok((await reportPublished).diagnostics.length > 0);
  });

  test('the log says each allocation, each fix not proposed and why, and each verdict', async () => {
    await codeActionsAt(client, REMAINING_LINE, 20);
    await verified(client);
    const log = client.logs.join('\n');
    assert.match(log, /readonly\.go:\d+:\d+: .* escapes to heap/);
    assert.match(log, /quick-fix not proposed: valueReceiver counter\.hit: hit writes c\.hits \(line 14\)/);
    assert.match(log, /quick-fix not proposed: valueReceiver counter\.reset: /);
    assert.match(log, /quick-fix valueReceiver:counter\.remaining verified: builds and passes vet; heap allocations \d+ → \d+/);
  });
});
