/**
 * Edits computed from tree-sitter nodes land on the right UTF-16 positions in files with tabs, non-ASCII
 * text, CRLF line endings and a byte-order mark, and the overlay the compiler reads them through leaves no
 * file behind.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { type OverlayJson, withOverlay } from '../../server/src/engine/overlay';
import { freshName } from '../../server/src/fixes/goTree';
import {
  applyTextEdits,
  applyToSource,
  deleteBetween,
  editsOverlap,
  insertBefore,
  insertLinesBefore,
  lineEnding,
  replaceNode,
} from '../../server/src/fixes/textEdits';
import { newFindings } from '../../server/src/fixes/verifyFix';
import { withGoTree } from '../../server/src/syntax/goParser';
import { toSourceText } from '../../server/src/syntax/positions';

const CRLF_SOURCE = '\uFEFFpackage p\r\n\r\nfunc f() *Größe {\r\n\t/* ä😀 */ return &Größe{Wert: 1}\r\n}\r\n';

test('deleting the & of &T{} after non-ASCII text and an astral character, in a CRLF file with a BOM', async () => {
  const source = toSourceText(CRLF_SOURCE);
  const edits = await withGoTree(source.text, (tree) => {
    const address = tree.rootNode.descendantsOfType('unary_expression')[0]!;
    const pointer = tree.rootNode.descendantsOfType('pointer_type')[0]!;
    return [deleteBetween(address, address.childForFieldName('operand')!), deleteBetween(pointer, pointer.namedChildren[0]!)];
  });
  // Tab 1, "/* " 3, "ä" 1, "😀" 2 (a surrogate pair), " */ " 4, "return " 7: the & is at UTF-16 column 18.
  assert.deepEqual(edits[0].range, { start: { line: 3, character: 18 }, end: { line: 3, character: 19 } });
  assert.equal(applyToSource(source, edits), '\uFEFFpackage p\r\n\r\nfunc f() Größe {\r\n\t/* ä😀 */ return Größe{Wert: 1}\r\n}\r\n');
});

test('a line inserted before a statement takes its indentation and the file line ending', async () => {
  for (const [eol, name] of [
    ['\n', 'LF'],
    ['\r\n', 'CRLF'],
  ] as const) {
    const text = ['package p', '', 'func f() {', '\tif true {', '\t\treturn', '\t}', '}', ''].join(eol);
    const source = toSourceText(text);
    assert.equal(lineEnding(source), eol, name);
    const edit = await withGoTree(source.text, (tree) =>
      insertLinesBefore(tree.rootNode.descendantsOfType('return_statement')[0]!, source, ['x := x']),
    );
    assert.ok(edit, name);
    assert.equal(
      applyTextEdits(source.text, [edit]),
      ['package p', '', 'func f() {', '\tif true {', '\t\tx := x', '\t\treturn', '\t}', '}', ''].join(eol),
      name,
    );
  }
});

test('no line is inserted before a statement that does not start its line', async () => {
  const source = toSourceText('package p\n\nfunc f() { a := 1; _ = a }\n');
  const edit = await withGoTree(source.text, (tree) =>
    insertLinesBefore(tree.rootNode.descendantsOfType('assignment_statement')[0]!, source, ['b := 2']),
  );
  assert.equal(edit, undefined);
});

test('inserts and replacements at the same place apply in order, and overlapping edits are detected', async () => {
  const source = toSourceText('package p\n\nvar x = f(g(1))\n');
  const edits = await withGoTree(source.text, (tree) => {
    const [call, nested] = tree.rootNode.descendantsOfType('call_expression');
    return [insertBefore(call!, 'new('), insertBefore(nested!, 'new('), replaceNode(nested!, 'h(2)')];
  });
  assert.equal(editsOverlap(edits), false);
  assert.equal(applyTextEdits(source.text, edits), 'package p\n\nvar x = new(f(new(h(2))\n');
  const overlapping = [
    { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } }, newText: '' },
    { range: { start: { line: 0, character: 4 }, end: { line: 0, character: 6 } }, newText: '' },
  ];
  assert.equal(editsOverlap(overlapping), true);
});

test('a fresh name is one no identifier of the text spells, with Unicode word boundaries', () => {
  assert.equal(freshName('tCopy', ['t := 1']), 'tCopy');
  assert.equal(freshName('tCopy', ['tCopy := 1']), 'tCopy2');
  assert.equal(freshName('tCopy', ['tCopyä := 1']), 'tCopy');
  assert.equal(freshName('tCopy', ['x.tCopy', 'tCopy2']), 'tCopy3');
});

test('go vet findings are compared without positions, as a multiset', () => {
  assert.deepEqual(newFindings(['a copies lock', 'b'], ['b', 'a copies lock']), []);
  assert.deepEqual(newFindings(['b'], ['b', 'b', 'c']), ['b', 'c']);
});

test('withOverlay writes the JSON and the replacements under the temp directory and removes them, also on failure', async () => {
  const target = path.join(os.tmpdir(), 'not-a-real-package', 'main.go');
  let seen: { overlayFile: string; json: OverlayJson; replacement: string } | undefined;
  const value = await withOverlay(
    new Map<string, string | null>([
      [target, 'package main\n'],
      [path.join(path.dirname(target), 'gone.go'), null],
    ]),
    async (overlayFile) => {
      const json = JSON.parse(fs.readFileSync(overlayFile, 'utf8')) as OverlayJson;
      seen = { overlayFile, json, replacement: fs.readFileSync(json.Replace[target], 'utf8') };
      return 42;
    },
  );
  assert.equal(value, 42);
  assert.ok(seen);
  assert.ok(seen.overlayFile.startsWith(os.tmpdir()));
  assert.equal(seen.replacement, 'package main\n');
  assert.equal(seen.json.Replace[path.join(path.dirname(target), 'gone.go')], '');
  assert.equal(fs.existsSync(path.dirname(seen.overlayFile)), false, 'the overlay directory is removed');

  let directory = '';
  await assert.rejects(
    withOverlay(new Map([[target, 'x']]), async (overlayFile) => {
      directory = path.dirname(overlayFile);
      throw new Error('compile failed');
    }),
    /compile failed/,
  );
  assert.equal(fs.existsSync(directory), false, 'removed after a failure too');
});
