/**
 * The import edits a rewrite needs, kept in gofmt's layout: a standard-library path is inserted at its
 * sorted place in the first group of standard-library imports (gofmt sorts each group), a single-line
 * `import "fmt"` becomes a block when a second path joins it, and an import no longer used is deleted
 * with its line (and the whole declaration when nothing is left of it).
 */
import type { Node } from 'web-tree-sitter';
import { nodeRange } from '../syntax/locateFact';
import type { ImportChange, TextEdit } from '../model/fixes';
import type { SourceText } from '../model/positions';
import { descendants } from './goTree';
import { deleteLines, lineEnding } from './textEdits';

interface Spec {
  readonly node: Node;
  readonly path: string;
  readonly named: boolean;
}

/** The edits for `change` on a file, or why they cannot be made (e.g. a path imported under another name). */
export function importEdits(root: Node, source: SourceText, change: ImportChange): TextEdit[] | string {
  const edits = importEditsInAnyOrder(root, source, change);
  if (typeof edits === 'string') return edits;
  // An insertion where a deletion starts must come first, or LSP clients see overlapping edits.
  const isInsertion = (edit: TextEdit) =>
    edit.range.start.line === edit.range.end.line && edit.range.start.character === edit.range.end.character;
  return [...edits.filter(isInsertion), ...edits.filter((edit) => !isInsertion(edit))];
}

function importEditsInAnyOrder(root: Node, source: SourceText, change: ImportChange): TextEdit[] | string {
  const declarations = root.namedChildren.filter((node) => node.type === 'import_declaration');
  const specs: Spec[] = descendants(root, (node) => node.type === 'import_spec').map((node) => ({
    node,
    path: node.childForFieldName('path')?.text.slice(1, -1) ?? '',
    named: node.childForFieldName('name') !== null,
  }));
  const eol = lineEnding(source);
  const removed = specs.filter((spec) => change.remove.includes(spec.path));
  if (removed.some((spec) => spec.named)) return `${removed.find((spec) => spec.named)!.path} is imported under another name`;
  const toAdd = change.add.filter((wanted) => !specs.some((spec) => spec.path === wanted && !change.remove.includes(wanted)));
  for (const wanted of toAdd) {
    if (specs.some((spec) => spec.path === wanted)) return `${wanted} is imported under another name`;
  }
  if (toAdd.length === 0 && removed.length === 0) return [];

  const edits: TextEdit[] = [];
  const removedIds = new Set(removed.map((spec) => spec.node.id));
  // Single-line declarations: `import "fmt"`.
  for (const declaration of declarations) {
    const spec = declaration.namedChildren.find((child) => child.type === 'import_spec');
    if (!spec || !removedIds.has(spec.id)) continue;
    edits.push(deleteDeclaration(declaration, source));
  }
  const block = declarations.find((declaration) => declaration.namedChildren.some((child) => child.type === 'import_spec_list'));
  const list = block?.namedChildren.find((child) => child.type === 'import_spec_list');
  const inList = list ? list.namedChildren.filter((child) => child.type === 'import_spec') : [];
  const keptInList = inList.filter((spec) => !removedIds.has(spec.id));
  for (const spec of inList) if (removedIds.has(spec.id)) edits.push(deleteLines(spec));

  if (block && list && keptInList.length === 0 && toAdd.length === 0) {
    // Nothing is left of the block: delete the whole declaration instead of its lines.
    return [
      ...edits.filter((edit) => !inList.some((spec) => nodeRange(spec).start.line === edit.range.start.line)),
      deleteDeclaration(block, source),
    ];
  }
  if (toAdd.length === 0) return edits;

  const sorted = [...toAdd].sort();
  if (list) {
    const group = firstStandardGroup(inList, source);
    if (group) {
      for (const wanted of sorted) {
        const after =
          group.find((spec) => pathOf(spec) > wanted && !removedIds.has(spec.id)) ?? group.find((spec) => pathOf(spec) > wanted);
        const anchor = after ?? group[group.length - 1];
        const line = nodeRange(anchor).start.line + (after ? 0 : 1);
        edits.push(insertAt(line, `\t"${wanted}"${eol}`));
      }
    } else {
      const first = inList[0];
      edits.push(insertAt(nodeRange(first).start.line, `${sorted.map((wanted) => `\t"${wanted}"${eol}`).join('')}${eol}`));
    }
    return edits;
  }
  const single = declarations[0];
  if (single) {
    const spec = single.namedChildren.find((child) => child.type === 'import_spec')!;
    const keepsSpec = !removedIds.has(spec.id);
    const paths = [...(keepsSpec ? [spec.text] : []), ...sorted.map((wanted) => `"${wanted}"`)];
    // Replace `import "fmt"` (already queued for deletion when fmt goes) with the new declaration.
    const withoutDeletion = edits.filter((edit) => edit.range.start.line !== nodeRange(single).start.line);
    const text =
      paths.length === 1 && !keepsSpec
        ? `import ${paths[0]}`
        : `import (${eol}${paths
            .sort((a, b) => pathOf(a).localeCompare(pathOf(b)))
            .map((item) => `\t${item}${eol}`)
            .join('')})`;
    return [...withoutDeletion, { range: nodeRange(single), newText: text }];
  }
  const packageClause = root.namedChildren.find((node) => node.type === 'package_clause');
  if (!packageClause) return 'the file has no package clause';
  const line = nodeRange(packageClause).end.line + 1;
  const text =
    sorted.length === 1
      ? `${eol}import "${sorted[0]}"${eol}`
      : `${eol}import (${eol}${sorted.map((wanted) => `\t"${wanted}"${eol}`).join('')})${eol}`;
  return [insertAt(line, text)];
}

function pathOf(spec: Node | string): string {
  const text = typeof spec === 'string' ? spec : (spec.childForFieldName('path')?.text ?? '');
  return text.replace(/^.*?["`]/, '').replace(/["`]$/, '');
}

/** The first run of specs (between blank lines) holding a standard-library path (no dot in its first element). */
function firstStandardGroup(specs: readonly Node[], source: SourceText): Node[] | undefined {
  const groups: Node[][] = [];
  let previousLine = -2;
  for (const spec of specs) {
    const line = nodeRange(spec).start.line;
    const blankBetween = source.lines.slice(previousLine + 1, line).some((text) => text.trim() === '');
    if (groups.length === 0 || blankBetween) groups.push([]);
    groups[groups.length - 1].push(spec);
    previousLine = nodeRange(spec).end.line;
  }
  return groups.find((group) => group.some((spec) => !pathOf(spec).split('/')[0].includes('.')));
}

function insertAt(line: number, text: string): TextEdit {
  return { range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: text };
}

/** Deletes a whole import declaration, and a blank line after it when one precedes it (gofmt keeps one). */
function deleteDeclaration(declaration: Node, source: SourceText): TextEdit {
  const edit = deleteLines(declaration);
  const { start, end } = edit.range;
  const blank = (line: number) => line >= 0 && line < source.lines.length && source.lines[line].trim() === '';
  if (blank(start.line - 1) && blank(end.line)) return { ...edit, range: { start, end: { line: end.line + 1, character: 0 } } };
  return edit;
}
