/**
 * The one place where positions change units.
 *
 * The compiler prints 1-based lines and 1-based UTF-8 *byte* columns, counted in the file as it is on disk
 * (a byte-order mark counts: three bytes on line 1). LSP and web-tree-sitter use 0-based lines and UTF-16
 * code-unit columns. Editors hand us the text without the byte-order mark, so we strip it here and shift
 * line 1 by its three bytes.
 */
import type { LspPosition, LspRange, SourceText } from '../model/positions';

const BYTE_ORDER_MARK = '\uFEFF';
const BYTE_ORDER_MARK_UTF8_LENGTH = 3;

export function toSourceText(raw: string): SourceText {
  const hadByteOrderMark = raw.startsWith(BYTE_ORDER_MARK);
  const text = hadByteOrderMark ? raw.slice(1) : raw;
  return { text, lines: splitLines(text), hadByteOrderMark };
}

/** Splits on `\n` as the Go scanner counts lines; a `\r` before it belongs to no column we report. */
export function splitLines(text: string): string[] {
  return text.split('\n').map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
}

/** UTF-8 length of one code point. */
function utf8Length(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint < 0x10000) return 3;
  return 4;
}

/**
 * Converts a 1-based UTF-8 byte column on `lineText` to a 0-based UTF-16 column. A column that falls inside
 * a multi-byte character maps to that character's start; one past the end of the line clamps to its end.
 */
export function byteColumnToUtf16(lineText: string, byteColumn: number): number {
  const targetByteOffset = Math.max(0, byteColumn - 1);
  let bytes = 0;
  let units = 0;
  while (units < lineText.length) {
    const codePoint = lineText.codePointAt(units)!;
    const byteLength = utf8Length(codePoint);
    if (bytes + byteLength > targetByteOffset) break;
    bytes += byteLength;
    units += codePoint > 0xffff ? 2 : 1;
  }
  return units;
}

/** Converts a 0-based UTF-16 column on `lineText` to a 1-based UTF-8 byte column (the compiler's unit). */
export function utf16ToByteColumn(lineText: string, utf16Column: number): number {
  let bytes = 0;
  let units = 0;
  const limit = Math.min(utf16Column, lineText.length);
  while (units < limit) {
    const codePoint = lineText.codePointAt(units)!;
    bytes += utf8Length(codePoint);
    units += codePoint > 0xffff ? 2 : 1;
  }
  return bytes + 1;
}

/**
 * Maps a compiler position (1-based line, 1-based byte column in the file on disk) into the BOM-less source.
 * Returns null when the line does not exist in this text (the file changed since it was compiled).
 */
export function compilerToLspPosition(source: SourceText, line: number, byteColumn: number): LspPosition | null {
  const lineIndex = line - 1;
  if (lineIndex < 0 || lineIndex >= source.lines.length) return null;
  const column = lineIndex === 0 && source.hadByteOrderMark ? byteColumn - BYTE_ORDER_MARK_UTF8_LENGTH : byteColumn;
  return { line: lineIndex, character: byteColumnToUtf16(source.lines[lineIndex], column) };
}

/** The offset of a position in `source.text`, for slicing. */
export function offsetAt(source: SourceText, position: LspPosition): number {
  let offset = 0;
  for (let index = 0; index < position.line && index < source.lines.length; index++) {
    offset = source.text.indexOf('\n', offset) + 1;
  }
  return offset + position.character;
}

export function comparePositions(a: LspPosition, b: LspPosition): number {
  return a.line !== b.line ? a.line - b.line : a.character - b.character;
}

export function rangesIntersect(a: LspRange, b: LspRange): boolean {
  return comparePositions(a.start, b.end) <= 0 && comparePositions(b.start, a.end) <= 0;
}
