/**
 * Property tests of the position conversion (server/src/syntax/positions.ts) with random text: any mix of
 * ASCII, tabs, CRLF and lone CRs, a byte-order mark, two-, three- and four-byte characters and lone
 * surrogates. No exception escapes, every position lands inside the document, and a compiler position
 * computed from the file's real UTF-8 bytes lands on the same character.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { byteColumnToUtf16, compilerToLspPosition, offsetAt, toSourceText, utf16ToByteColumn } from '../../server/src/syntax/positions';

/** Pieces that stress the conversion, mixed with arbitrary code points. */
const piece = fc.oneof(
  fc.constantFrom('\n', '\r\n', '\r', '\t', ' ', 'x', '&T{}', 'ü', 'é', '名前', '😀', '\u200b', '\uFEFF', '\uD800', '\uDC00'),
  fc.string({ unit: 'binary', maxLength: 4 }),
);
const text = fc.tuple(fc.boolean(), fc.array(piece, { maxLength: 60 })).map(([bom, pieces]) => (bom ? '\uFEFF' : '') + pieces.join(''));
/** Text a Go compiler could have read: well-formed UTF-16 (no lone surrogates), so Buffer gives its real bytes. */
const wellFormedText = text.filter((value) => value === Buffer.from(value, 'utf8').toString('utf8'));

function isInside(source: ReturnType<typeof toSourceText>, position: { line: number; character: number }): boolean {
  if (!Number.isInteger(position.line) || !Number.isInteger(position.character)) return false;
  if (position.line < 0 || position.line >= source.lines.length) return false;
  const line = source.lines[position.line];
  if (position.character < 0 || position.character > line.length) return false;
  // Never between the two halves of a surrogate pair.
  const before = line.charCodeAt(position.character - 1);
  const after = line.charCodeAt(position.character);
  return !(before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff);
}

test('compilerToLspPosition: for any line and column, null or a position inside the document', () => {
  fc.assert(
    fc.property(text, fc.integer({ min: -3, max: 70 }), fc.integer({ min: -5, max: 400 }), (raw, line, column) => {
      const source = toSourceText(raw);
      const position = compilerToLspPosition(source, line, column);
      if (position === null) return line < 1 || line > source.lines.length;
      return isInside(source, position);
    }),
    { numRuns: 2000 },
  );
});

test('compilerToLspPosition: the real byte column of every character lands on that character', () => {
  fc.assert(
    fc.property(wellFormedText, fc.nat(), (raw, pick) => {
      const source = toSourceText(raw);
      // Every code point start of the BOM-less text, as (line, UTF-16 column), with the compiler's view of it:
      // the 1-based line (split on \n only) and the 1-based byte column counted in the file's bytes.
      const starts: { line: number; character: number; byteColumn: number }[] = [];
      source.lines.forEach((lineText, line) => {
        const prefix = line === 0 && source.hadByteOrderMark ? 3 : 0;
        for (let character = 0; character <= lineText.length; character += lineText.codePointAt(character)! > 0xffff ? 2 : 1) {
          starts.push({ line, character, byteColumn: prefix + Buffer.byteLength(lineText.slice(0, character)) + 1 });
          if (character === lineText.length) break;
        }
      });
      const chosen = starts[pick % starts.length];
      assert.deepEqual(compilerToLspPosition(source, chosen.line + 1, chosen.byteColumn), {
        line: chosen.line,
        character: chosen.character,
      });
    }),
    { numRuns: 1000 },
  );
});

test('byte column ↔ UTF-16 column: round trip on character boundaries, agreement with Buffer.byteLength', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.nat(), (line, pick) => {
      const boundaries: number[] = [];
      for (let index = 0; index <= line.length; index += (line.codePointAt(index) ?? 0) > 0xffff ? 2 : 1) {
        boundaries.push(index);
        if (index === line.length) break;
      }
      const column = boundaries[pick % boundaries.length];
      const byteColumn = utf16ToByteColumn(line, column);
      assert.equal(byteColumnToUtf16(line, byteColumn), column);
      if (line === Buffer.from(line, 'utf8').toString('utf8')) assert.equal(byteColumn, Buffer.byteLength(line.slice(0, column)) + 1);
    }),
    { numRuns: 2000 },
  );
});

test('offsetAt: a position inside the document indexes the same character of the text', () => {
  fc.assert(
    fc.property(text, fc.nat(), fc.nat(), (raw, linePick, characterPick) => {
      const source = toSourceText(raw);
      const line = linePick % source.lines.length;
      const character = characterPick % (source.lines[line].length + 1);
      const offset = offsetAt(source, { line, character });
      assert.ok(offset >= 0 && offset <= source.text.length);
      assert.equal(source.text.slice(offset, offset + source.lines[line].length - character), source.lines[line].slice(character));
    }),
    { numRuns: 2000 },
  );
});
