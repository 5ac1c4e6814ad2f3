/**
 * Position conversion: the compiler's 1-based UTF-8 byte columns to LSP's 0-based UTF-16 columns.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { byteColumnToUtf16, compilerToLspPosition, splitLines, toSourceText, utf16ToByteColumn } from '../../server/src/syntax/positions';

test('ASCII and tabs: a tab is one byte and one UTF-16 unit', () => {
  assert.equal(byteColumnToUtf16('\treturn &Point{}', 9), 8);
  assert.equal(byteColumnToUtf16('\t\tx := 1', 3), 2);
});

test('two-, three- and four-byte characters before the column', () => {
  // "ü" is 2 bytes and 1 unit; "名" is 3 bytes and 1 unit; "😀" is 4 bytes and 2 units.
  const line = '\tfmt.Println("ü名😀", x)';
  const byteOfX = Buffer.byteLength('\tfmt.Println("ü名😀", ') + 1;
  assert.equal(byteColumnToUtf16(line, byteOfX), line.indexOf('x'));
  assert.equal(utf16ToByteColumn(line, line.indexOf('x')), byteOfX);
});

test('a column inside a multi-byte character maps to its start; past the end clamps to the end', () => {
  assert.equal(byteColumnToUtf16('ü', 2), 0);
  assert.equal(byteColumnToUtf16('abc', 99), 3);
  assert.equal(byteColumnToUtf16('abc', 0), 0);
});

test('CRLF: lines split on \\n and the \\r is not part of any line', () => {
  assert.deepEqual(splitLines('a\r\nb\r\n'), ['a', 'b', '']);
  const source = toSourceText('package p\r\n\r\nvar x = &T{}\r\n');
  assert.deepEqual(compilerToLspPosition(source, 3, 9), { line: 2, character: 8 });
});

test('a byte-order mark: stripped from the text, and its three bytes removed from line 1 columns only', () => {
  const source = toSourceText('\uFEFFpackage ex3; var sink any; func F(n int) { sink = n }\nvar y = 1\n');
  assert.equal(source.hadByteOrderMark, true);
  assert.ok(!source.text.startsWith('\uFEFF'));
  // The compiler reports `n` at byte column 54 with the BOM (51 without), measured with the installed Go.
  const withoutBom = 'package ex3; var sink any; func F(n int) { sink = n }';
  assert.deepEqual(compilerToLspPosition(source, 1, 54), { line: 0, character: withoutBom.lastIndexOf('n') });
  assert.deepEqual(compilerToLspPosition(source, 2, 5), { line: 1, character: 4 });
});

test('a line that is not in the text gives null rather than a wrong position', () => {
  const source = toSourceText('package p\n');
  assert.equal(compilerToLspPosition(source, 5, 1), null);
  assert.equal(compilerToLspPosition(source, 0, 1), null);
});
