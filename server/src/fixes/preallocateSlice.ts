/**
 * Preallocate a slice that a loop fills: before a `for … range src` loop whose every iteration appends
 * exactly one element to a slice that starts empty, give the slice its final capacity, so `append` never
 * grows it (each growth is an allocation and a copy the compiler does not report: it shows only at run time).
 *
 * | starts as                          | becomes                                   |
 * | ---------------------------------- | ----------------------------------------- |
 * | `out := []T{}`, `out := make([]T, 0)` | `out := make([]T, 0, len(src))`        |
 * | `var out []T`                      | `out := slices.Grow([]T(nil), len(src))`  |
 *
 * The nil slice stays nil when `src` is empty (slices.Grow adds nothing then), so `out == nil`, JSON's
 * `null` and reflect.DeepEqual see what they saw before. The rules, all syntactic (the compiler checks the
 * rest: `len(src)` does not compile for a range over an integer or a function):
 * - the declaration is the statement right before the loop, and declares only the slice;
 * - `src` is a name or a field of one, evaluated again by `len` with no effect;
 * - the body appends with `out = append(out, x)`, one element, as a statement directly in the body, and
 *   mentions `out` nowhere else; nothing in it can end an iteration early (return, goto, a break or continue
 *   of this loop).
 * A string's `len` counts bytes, not the runes its range visits: the capacity may then be more than needed,
 * never less than the loop would have grown to. Map ranges have exactly `len(m)` iterations.
 */
import type { Node } from 'web-tree-sitter';
import type { ImportChange, TextEdit } from '../model/fixes';
import type { LspRange, SourceText } from '../model/positions';
import { nodeRange } from '../syntax/locateFact';
import { identifiersNamed } from './goTree';
import { importEdits } from './importEdits';
import { isPlainOperand, loopBodyStatements, loopsWithPrevious, mayLeaveIterationEarly } from './loopBodies';
import { replaceNode } from './textEdits';

export interface LoopRewrite {
  readonly fix: 'preallocateSlice' | 'stringsBuilder';
  /** The variable the loop fills. */
  readonly variable: string;
  readonly title: string;
  /** The declaration and the statements in the loop that grow the variable: where the lightbulb shows. */
  readonly triggerRanges: readonly LspRange[];
  readonly edits: readonly TextEdit[];
  /** 1-based lines from the declaration to the loop's end: a benchmark that reached them can measure the fix. */
  readonly lines: { readonly from: number; readonly to: number };
}

export interface LoopRefusal {
  readonly fix: LoopRewrite['fix'];
  readonly subject: string;
  readonly reason: string;
}

export function preallocateSliceRewrites(
  root: Node,
  source: SourceText,
  options: { readonly canUseSlicesPackage: boolean },
): { rewrites: LoopRewrite[]; refused: LoopRefusal[] } {
  const rewrites: LoopRewrite[] = [];
  const refused: LoopRefusal[] = [];
  for (const { loop, previous } of loopsWithPrevious(root)) {
    const declared = emptySliceDeclaration(previous);
    const range = loop.namedChildren.find((child) => child.type === 'range_clause');
    if (!declared || !range) continue;
    const refuse = (reason: string) => refused.push({ fix: 'preallocateSlice', subject: declared.name, reason });
    const appends = loopBodyStatements(loop).filter((statement) => appendsOneTo(statement, declared.name));
    if (appends.length !== 1) continue;
    const over = range.childForFieldName('right');
    if (!isPlainOperand(over)) {
      refuse('the loop ranges over an expression that len() would evaluate again');
      continue;
    }
    if (over.text === declared.name || over.text.startsWith(`${declared.name}.`)) continue;
    // The two mentions in `out = append(out, x)`, and no other.
    if (identifiersNamed(loop, declared.name).length !== 2) {
      refuse(`the loop uses ${declared.name} besides appending to it`);
      continue;
    }
    if (mayLeaveIterationEarly(loop)) {
      refuse('an iteration may end before its append (return, goto, break or continue)');
      continue;
    }
    let edits: TextEdit[];
    if (declared.startsNil) {
      if (!options.canUseSlicesPackage) {
        refuse('the slice starts nil and the module’s Go version has no slices.Grow (Go 1.21)');
        continue;
      }
      const importChange: ImportChange = { add: ['slices'], remove: [] };
      const imports = importEdits(root, source, importChange);
      if (typeof imports === 'string') {
        refuse(imports);
        continue;
      }
      edits = [replaceNode(previous, `${declared.name} := slices.Grow(${declared.type}(nil), len(${over.text}))`), ...imports];
    } else {
      edits = [replaceNode(previous, `${declared.name} := make(${declared.type}, 0, len(${over.text}))`)];
    }
    rewrites.push({
      fix: 'preallocateSlice',
      variable: declared.name,
      title: `Preallocate ${declared.name} with capacity len(${over.text})`,
      triggerRanges: [nodeRange(previous), nodeRange(appends[0])],
      edits,
      lines: { from: previous.startPosition.row + 1, to: loop.endPosition.row + 1 },
    });
  }
  return { rewrites, refused };
}

/** `var out []T`, `out := []T{}`, `out := make([]T, 0)`: its name, its type's text, and whether it is nil. */
function emptySliceDeclaration(statement: Node): { name: string; type: string; startsNil: boolean } | undefined {
  if (statement.type === 'var_declaration') {
    const specs = statement.namedChildren.filter((child) => child.type === 'var_spec');
    const spec = specs.length === 1 ? specs[0] : undefined;
    const names = spec?.childrenForFieldName('name') ?? [];
    const type = spec?.childForFieldName('type');
    if (!spec || names.length !== 1 || type?.type !== 'slice_type' || spec.childForFieldName('value')) return undefined;
    return { name: names[0].text, type: type.text, startsNil: true };
  }
  if (statement.type !== 'short_var_declaration') return undefined;
  const left = statement.childForFieldName('left')?.namedChildren ?? [];
  const right = statement.childForFieldName('right')?.namedChildren ?? [];
  if (left.length !== 1 || right.length !== 1 || left[0].type !== 'identifier') return undefined;
  const value = right[0];
  if (value.type === 'composite_literal') {
    const type = value.childForFieldName('type');
    const body = value.childForFieldName('body');
    if (type?.type !== 'slice_type' || !body || body.namedChildren.length > 0) return undefined;
    return { name: left[0].text, type: type.text, startsNil: false };
  }
  if (value.type === 'call_expression' && value.childForFieldName('function')?.text === 'make') {
    const args = value.childForFieldName('arguments')?.namedChildren ?? [];
    if (args.length !== 2 || args[0].type !== 'slice_type' || args[1].text !== '0') return undefined;
    return { name: left[0].text, type: args[0].text, startsNil: false };
  }
  return undefined;
}

/** `out = append(out, x)`: one element, not `x...`. */
function appendsOneTo(statement: Node, name: string): boolean {
  if (statement.type !== 'assignment_statement' || statement.childForFieldName('operator')?.text !== '=') return false;
  const left = statement.childForFieldName('left')?.namedChildren ?? [];
  const right = statement.childForFieldName('right')?.namedChildren ?? [];
  if (left.length !== 1 || left[0].text !== name || right.length !== 1 || right[0].type !== 'call_expression') return false;
  const call = right[0];
  if (call.childForFieldName('function')?.text !== 'append') return false;
  const args = call.childForFieldName('arguments')?.namedChildren ?? [];
  return args.length === 2 && args[0].type === 'identifier' && args[0].text === name && args[1].type !== 'variadic_argument';
}
