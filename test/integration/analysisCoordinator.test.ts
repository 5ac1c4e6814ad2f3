/**
 * The coordinator with the real compiler and no connection: what it publishes names the document version
 * the compiler saw, on open and for unsaved text analysed while typing.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import type { PublishDiagnosticsParams } from 'vscode-languageserver';
import { runGo } from '../../server/src/engine/runGo';
import { CoordinatorHarness } from '../helpers/coordinatorHarness';
import { requireGo } from '../helpers/goOracle';
import { REPOSITORY_ROOT } from '../helpers/lspClient';

const ARTICLE = path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'article');
const POINTERS = path.join(ARTICLE, 'pointers', 'pointers.go');

before(() => requireGo());

test('diagnostics carry the version of the text the compiler analysed, saved or typed', async () => {
  const harness = new CoordinatorHarness({ runGo, trusted: true, settings: { analyzeOn: 'type', typingDelayMs: 0 } });
  const text = fs.readFileSync(POINTERS, 'utf8');
  const uri = `file://${POINTERS}`;
  const opened = harness.nextStatus((status) => status.state === 'idle' && status.packageDirectory === path.dirname(POINTERS));
  harness.open(POINTERS, text);
  await opened;
  const onOpen = harness.publications.filter((params) => params.uri === uri);
  assert.ok(onOpen.length > 0 && onOpen.every((params) => params.version === 1), JSON.stringify(onOpen.map((p) => p.version)));
  const newPointLine = (params: PublishDiagnosticsParams) =>
    params.diagnostics.find((diagnostic) => String(diagnostic.message).startsWith('&Point{...} escapes'))?.range.start.line;
  assert.equal(newPointLine(onOpen.at(-1)!), 9);

  // Unsaved text, analysed through -overlay: its diagnostics name version 2 and sit one line lower.
  const typed = harness.nextDiagnostics(uri, (params) => params.version === 2 && newPointLine(params) === 10);
  harness.change(uri, `// a new first line\n${text}`);
  await typed;
  harness.coordinator.shutdown();
});
