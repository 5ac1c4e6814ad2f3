/**
 * "Check b's bounds once": where consecutive statements index the same slice at constant indexes
 * (`uint32(b[0]) | uint32(b[1])<<8 | …`, or `b[0] = …; b[1] = …`), each index keeps its own bounds check.
 * One `_ = b[3]` with the largest index before the first use lets the prover drop the others, as
 * encoding/binary does by hand.
 *
 * Proposed only where it cannot change what the code does, beyond which index a panic names: every use is
 * in a run of straight-line statements (no `if`, loop, `return` before the last, `&&`/`||`, closure) that
 * does not assign the slice, so when the original reaches its first use it reaches them all. Whether it
 * removes checks is the compiler's to say: the fix is verified, and offered only when the count of bounds
 * checks in the function drops.
 */
import type { Node, Tree } from 'web-tree-sitter';
import type { EscapeFact } from '../model/facts';
import type { LspRange, SourceText } from '../model/positions';
import { locateCheckNode } from '../syntax/locateCheck';
import { nodeRange } from '../syntax/locateFact';
import { blockStatements, closest, descendants, FUNCTION_TYPES } from './goTree';

export interface BoundsHoist {
  readonly slice: string;
  readonly largestIndex: number;
  /** The constant-index expressions whose checks it aims at (where the lightbulb shows). */
  readonly triggerRanges: readonly LspRange[];
  /** Inserted at the start of the first statement's line. */
  readonly insertAt: { readonly line: number; readonly character: number };
  readonly newText: string;
  /** The function's lines (1-based, as the compiler counts) before the edit: the checks counted before and after. */
  readonly functionLines: { readonly from: number; readonly to: number };
  /** How many lines the edit inserts: the function's last line moves down by this much. */
  readonly insertedLines: number;
}

/** Statements that run straight through: reaching one means reaching the next (or panicking). */
const STRAIGHT_LINE = new Set(['expression_statement', 'assignment_statement', 'short_var_declaration', 'inc_dec_statement']);

export function boundsHoists(tree: Tree, source: SourceText, factsHere: readonly EscapeFact[]): BoundsHoist[] {
  // The constant-index expressions whose checks the compiler kept, grouped by block and slice.
  const groups = new Map<string, { block: Node; slice: string; uses: Node[] }>();
  for (const fact of factsHere) {
    if (fact.kind !== 'indexCheck') continue;
    const node = locateCheckNode(tree, source, fact);
    if (node?.type !== 'index_expression') continue;
    const operand = node.childForFieldName('operand');
    const index = node.childForFieldName('index');
    if (operand?.type !== 'identifier' || index?.type !== 'int_literal' || !/^\d+$/.test(index.text)) continue;
    const block = closest(node, ['block']);
    if (!block) continue;
    const key = `${block.id}:${operand.text}`;
    const group = groups.get(key) ?? { block, slice: operand.text, uses: [] };
    if (!group.uses.some((use) => use.id === node.id)) group.uses.push(node);
    groups.set(key, group);
  }
  const hoists: BoundsHoist[] = [];
  for (const { block, slice, uses } of groups.values()) {
    if (uses.length < 2) continue;
    const hoist = hoistFor(block, slice, uses, source);
    if (hoist) hoists.push(hoist);
  }
  return hoists;
}

function hoistFor(block: Node, slice: string, uses: readonly Node[], source: SourceText): BoundsHoist | undefined {
  const statements = blockStatements(block);
  const statementOf = (use: Node) =>
    statements.findIndex((statement) => use.startIndex >= statement.startIndex && use.endIndex <= statement.endIndex);
  const positions = uses.map(statementOf);
  if (positions.some((position) => position < 0)) return undefined;
  const first = Math.min(...positions);
  const last = Math.max(...positions);
  for (let index = first; index <= last; index++) {
    const statement = statements[index];
    const straight = STRAIGHT_LINE.has(statement.type) || (index === last && statement.type === 'return_statement');
    if (!straight || branches(statement) || assigns(statement, slice)) return undefined;
  }
  const largestIndex = Math.max(...uses.map((use) => Number(use.childForFieldName('index')!.text)));
  const firstStatement = statements[first];
  const line = firstStatement.startPosition.row;
  const indentation = /^\s*/.exec(source.lines[line] ?? '')![0];
  const newline = source.text.includes('\r\n') ? '\r\n' : '\n';
  const declaration = closest(block, ['function_declaration', 'method_declaration']);
  if (!declaration || closest(block, FUNCTION_TYPES)?.id !== declaration.id) return undefined;
  return {
    slice,
    largestIndex,
    triggerRanges: uses.map(nodeRange),
    insertAt: { line, character: 0 },
    newText: `${indentation}_ = ${slice}[${largestIndex}]${newline}`,
    functionLines: { from: declaration.startPosition.row + 1, to: declaration.endPosition.row + 1 },
    insertedLines: 1,
  };
}

/** Conditional evaluation inside a statement: a later index may not be reached when an earlier one is. */
function branches(statement: Node): boolean {
  return (
    descendants(statement, (node) => node.type === 'func_literal').length > 0 ||
    descendants(
      statement,
      (node) => node.type === 'binary_expression' && ['&&', '||'].includes(node.childForFieldName('operator')?.type ?? ''),
    ).length > 0
  );
}

/** The slice itself assigned (`b = b[4:]`, `b := …`): a later index may be of another slice. */
function assigns(statement: Node, slice: string): boolean {
  if (statement.type !== 'assignment_statement' && statement.type !== 'short_var_declaration') return false;
  const left = statement.childForFieldName('left');
  return left?.namedChildren.some((target) => target.type === 'identifier' && target.text === slice) ?? false;
}
