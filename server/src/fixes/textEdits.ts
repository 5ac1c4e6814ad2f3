/**
 * Text edits computed from syntax-tree nodes, in LSP units (0-based lines, UTF-16 columns: web-tree-sitter
 * parses the BOM-less editor text, so its rows and columns are already those units).
 *
 * Every edit a fix makes is one of a few shapes that keep gofmt's layout: replace one node's text, insert a
 * token next to a node, or insert a whole line before a statement with that statement's indentation and the
 * file's own line ending (CRLF files stay CRLF).
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Node } from 'web-tree-sitter';
import { nodeRange } from '../syntax/locateFact';
import type { LspPosition, SourceText } from '../model/positions';
import type { TextEdit } from '../model/fixes';
import { comparePositions } from '../syntax/positions';

export function replaceNode(node: Node, newText: string): TextEdit {
  return { range: nodeRange(node), newText };
}

export function insertBefore(node: Node, text: string): TextEdit {
  const { start } = nodeRange(node);
  return { range: { start, end: start }, newText: text };
}

export function insertAfter(node: Node, text: string): TextEdit {
  const { end } = nodeRange(node);
  return { range: { start: end, end }, newText: text };
}

/** Deletes the text between the start of `from` and the start of `to` (e.g. the `&` of `&T{}`). */
export function deleteBetween(from: Node, to: Node): TextEdit {
  return { range: { start: nodeRange(from).start, end: nodeRange(to).start }, newText: '' };
}

/** `\r\n` when the file's first line ends with it, else `\n`: gofmt keeps whichever the file uses. */
export function lineEnding(source: SourceText): string {
  const firstBreak = source.text.indexOf('\n');
  return firstBreak > 0 && source.text[firstBreak - 1] === '\r' ? '\r\n' : '\n';
}

/**
 * Inserts `lines` (without terminators) before `statement`, each indented like the statement. Undefined when
 * the statement does not start its line (something else precedes it there), where a new line would not be
 * gofmt's layout.
 */
export function insertLinesBefore(statement: Node, source: SourceText, lines: readonly string[]): TextEdit | undefined {
  const { start } = nodeRange(statement);
  const lineText = source.lines[start.line] ?? '';
  const indentation = lineText.slice(0, start.character);
  if (!/^[\t ]*$/.test(indentation)) return undefined;
  const eol = lineEnding(source);
  const position: LspPosition = { line: start.line, character: 0 };
  return { range: { start: position, end: position }, newText: lines.map((line) => `${indentation}${line}${eol}`).join('') };
}

/** Deletes the lines a node occupies, with their line break (a trailing comment on them goes too). */
export function deleteLines(node: Node): TextEdit {
  const { start, end } = nodeRange(node);
  return { range: { start: { line: start.line, character: 0 }, end: { line: end.line + 1, character: 0 } }, newText: '' };
}

/** The indentation of the line `node` starts on. */
export function indentationOf(node: Node, source: SourceText): string {
  const line = source.lines[node.startPosition.row] ?? '';
  return /^[\t ]*/.exec(line)?.[0] ?? '';
}

/** Applies edits to text (LSP semantics: all ranges refer to the original text). */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const document = TextDocument.create('file:///edit.go', 'go', 0, text);
  return TextDocument.applyEdits(
    document,
    edits.map((edit) => ({ range: edit.range, newText: edit.newText })),
  );
}

/** Applies edits to a file's compiled text, putting back the byte-order mark the editor text lacks. */
export function applyToSource(source: SourceText, edits: readonly TextEdit[]): string {
  return (source.hadByteOrderMark ? '\uFEFF' : '') + applyTextEdits(source.text, edits);
}

/** True when two edits touch overlapping text (inserts at the same point do not overlap). */
export function editsOverlap(edits: readonly TextEdit[]): boolean {
  const sorted = [...edits].sort((a, b) => comparePositions(a.range.start, b.range.start));
  for (let index = 1; index < sorted.length; index++) {
    if (comparePositions(sorted[index].range.start, sorted[index - 1].range.end) < 0) return true;
  }
  return false;
}

/** Adds edits for one file to a per-file map. */
export function addEdits(into: Map<string, TextEdit[]>, file: string, edits: readonly TextEdit[]): void {
  if (edits.length === 0) return;
  into.set(file, [...(into.get(file) ?? []), ...edits]);
}

/**
 * Where `position` is after `edits` (all on the same text), or undefined when an edit covers it or changes
 * its line before it (its column would move).
 */
export function positionAfterEdits(position: LspPosition, edits: readonly TextEdit[]): LspPosition | undefined {
  let line = position.line;
  for (const edit of edits) {
    const { start, end } = edit.range;
    if (comparePositions(end, position) > 0 && comparePositions(start, position) <= 0 && comparePositions(start, end) !== 0)
      return undefined;
    if (comparePositions(end, position) > 0) continue;
    if (end.line === position.line) return undefined;
    line += edit.newText.split('\n').length - 1 - (end.line - start.line);
  }
  return { line, character: position.character };
}
