/**
 * The import edits of the fmt rewrites keep gofmt's layout: a path lands at its sorted place in the
 * standard-library group, a single-line import becomes a block, an unused fmt goes with its line (and its
 * whole declaration when nothing is left), and CRLF files stay CRLF. Checked against gofmt itself.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { splitFormatLiteral } from '../../server/src/fixes/formatString';
import { importEdits } from '../../server/src/fixes/importEdits';
import { applyTextEdits } from '../../server/src/fixes/textEdits';
import type { ImportChange } from '../../server/src/model/fixes';
import { withGoTree } from '../../server/src/syntax/goParser';
import { toSourceText } from '../../server/src/syntax/positions';

async function edited(text: string, change: ImportChange): Promise<string> {
  const source = toSourceText(text);
  const edits = await withGoTree(source.text, (tree) => importEdits(tree.rootNode, source, change));
  assert.ok(Array.isArray(edits), String(edits));
  return applyTextEdits(source.text, edits);
}

function assertGofmtClean(text: string): void {
  const formatted = spawnSync('gofmt', [], { input: text.replace(/\r\n/g, '\n'), encoding: 'utf8' });
  if (formatted.error) return; // no gofmt on this machine: the expected texts below still hold
  assert.equal(formatted.stdout, text.replace(/\r\n/g, '\n'));
}

test('a path joins the standard-library group at its sorted place; third-party groups are left alone', async () => {
  const text = 'package p\n\nimport (\n\t"fmt"\n\t"strings"\n\n\t"example.com/x"\n)\n\nvar _ = x.X\n';
  const result = await edited(text, { add: ['strconv', 'errors'], remove: [] });
  assert.equal(result, 'package p\n\nimport (\n\t"errors"\n\t"fmt"\n\t"strconv"\n\t"strings"\n\n\t"example.com/x"\n)\n\nvar _ = x.X\n');
  assertGofmtClean(result);
});

test('removing fmt while adding strconv at the same line', async () => {
  const text = 'package p\n\nimport (\n\t"fmt"\n\t"io"\n)\n';
  const result = await edited(text, { add: ['strconv'], remove: ['fmt'] });
  assert.equal(result, 'package p\n\nimport (\n\t"io"\n\t"strconv"\n)\n');
  assertGofmtClean(result);
});

test('a single-line import becomes a block, or is replaced, or goes', async () => {
  assert.equal(
    await edited('package p\n\nimport "fmt"\n', { add: ['strconv'], remove: [] }),
    'package p\n\nimport (\n\t"fmt"\n\t"strconv"\n)\n',
  );
  assert.equal(await edited('package p\n\nimport "fmt"\n', { add: ['strconv'], remove: ['fmt'] }), 'package p\n\nimport "strconv"\n');
  assert.equal(await edited('package p\n\nimport "fmt"\n\nvar x = 1\n', { add: [], remove: ['fmt'] }), 'package p\n\nvar x = 1\n');
  assert.equal(await edited('package p\n\nimport (\n\t"fmt"\n)\n\nvar x = 1\n', { add: [], remove: ['fmt'] }), 'package p\n\nvar x = 1\n');
});

test('a file without imports gets one after the package clause; CRLF stays CRLF', async () => {
  const result = await edited('package p\r\n\r\nvar x = 1\r\n', { add: ['errors'], remove: [] });
  assert.equal(result, 'package p\r\n\r\nimport "errors"\r\n\r\nvar x = 1\r\n');
});

test('a path imported under another name is refused', async () => {
  const source = toSourceText('package p\n\nimport f "fmt"\n');
  const edits = await withGoTree(source.text, (tree) => importEdits(tree.rootNode, source, { add: [], remove: ['fmt'] }));
  assert.equal(typeof edits, 'string');
});

test('format strings split into literal pieces and plain verbs; anything else is refused with the reason', () => {
  assert.deepEqual(splitFormatLiteral('"%s:%d (100%%)\\n"'), [
    { kind: 'verb', verb: 's' },
    { kind: 'text', literal: '":"' },
    { kind: 'verb', verb: 'd' },
    { kind: 'text', literal: '" (100%)\\n"' },
  ]);
  assert.deepEqual(splitFormatLiteral('`a\\%s`'), [
    { kind: 'text', literal: '`a\\`' },
    { kind: 'verb', verb: 's' },
  ]);
  assert.match(String(splitFormatLiteral('"%5d"')), /%5/);
  assert.match(String(splitFormatLiteral('"%[1]s"')), /%\[/);
  assert.match(String(splitFormatLiteral('"\\x25d"')), /escape/);
  assert.match(String(splitFormatLiteral('"50%"')), /ends with %/);
});
