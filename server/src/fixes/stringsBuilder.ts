/**
 * Build a string in a loop with strings.Builder: each `s += x` in a loop copies everything built so far
 * into a new string (an allocation the compiler does not count; it shows only at run time), where a
 * Builder appends to one growing buffer.
 *
 *     s := ""                  var sBuilder strings.Builder
 *     for … {            →     for … {
 *         s += x                   sBuilder.WriteString(x)
 *     }                        }
 *                              s := sBuilder.String()
 *
 * The rules, all syntactic:
 * - the declaration is the statement right before the loop and makes `s` a plain `string`: `s := ""`,
 *   `s := "literal"` (written first), `var s string`; so every `s += x` has a plain-string `x`, which
 *   WriteString takes;
 * - in the loop, `s` is mentioned only as the target of `+=` (anywhere in the body), never read; no
 *   function literal of the enclosing function mentions it (a deferred one could read it mid-loop);
 * - no `goto` in the loop (it could jump past the new declaration).
 * A `return`, `break` or `continue` inside is fine: `s` is not read in the loop, and after it holds what it
 * held before.
 */
import type { Node } from 'web-tree-sitter';
import type { TextEdit } from '../model/fixes';
import type { SourceText } from '../model/positions';
import { nodeRange } from '../syntax/locateFact';
import { descendants, enclosingFunction, freshName, identifiersNamed, importsOf } from './goTree';
import { importEdits } from './importEdits';
import { loopsWithPrevious } from './loopBodies';
import type { LoopRefusal, LoopRewrite } from './preallocateSlice';
import { indentationOf, lineEnding, replaceNode } from './textEdits';

export function stringsBuilderRewrites(root: Node, source: SourceText): { rewrites: LoopRewrite[]; refused: LoopRefusal[] } {
  const rewrites: LoopRewrite[] = [];
  const refused: LoopRefusal[] = [];
  for (const { loop, previous } of loopsWithPrevious(root)) {
    const declared = plainStringDeclaration(previous);
    if (!declared) continue;
    const name = declared.name;
    const appends = descendants(loop, (node) => isAppendTo(node, name));
    if (appends.length === 0) continue;
    const refuse = (reason: string) => refused.push({ fix: 'stringsBuilder', subject: name, reason });
    if (identifiersNamed(loop, name).length !== appends.length) {
      refuse(`the loop reads ${name} besides adding to it`);
      continue;
    }
    const inLiteral = descendants(loop, (node) => node.type === 'func_literal').some((literal) => isWithinAny(appends, literal));
    const enclosing = enclosingFunction(loop);
    const capturedElsewhere =
      enclosing &&
      descendants(enclosing, (node) => node.type === 'func_literal').some((literal) => identifiersNamed(literal, name).length > 0);
    if (inLiteral || capturedElsewhere) {
      refuse(`a function literal uses ${name}`);
      continue;
    }
    if (descendants(loop, (node) => node.type === 'goto_statement').length > 0) {
      refuse('the loop has a goto');
      continue;
    }
    const strings = importsOf(root);
    const stringsName = [...strings].find(([, importPath]) => importPath === 'strings')?.[0];
    if (stringsName !== undefined && stringsName !== 'strings') {
      refuse('strings is imported under another name');
      continue;
    }
    const imports = importEdits(root, source, { add: ['strings'], remove: [] });
    if (typeof imports === 'string') {
      refuse(imports);
      continue;
    }
    const builder = freshName(`${name}Builder`, [enclosing?.text ?? source.text]);
    const eol = lineEnding(source);
    const indentation = indentationOf(previous, source);
    const declaration = `var ${builder} strings.Builder${declared.initial ? `${eol}${indentation}${builder}.WriteString(${declared.initial})` : ''}`;
    const edits: TextEdit[] = [
      replaceNode(previous, declaration),
      ...appends.map((statement) =>
        replaceNode(statement, `${builder}.WriteString(${statement.childForFieldName('right')?.namedChildren[0]?.text ?? ''})`),
      ),
      { range: { start: nodeRange(loop).end, end: nodeRange(loop).end }, newText: `${eol}${indentation}${name} := ${builder}.String()` },
      ...imports,
    ];
    rewrites.push({
      fix: 'stringsBuilder',
      variable: name,
      title: `Build ${name} with a strings.Builder`,
      triggerRanges: [nodeRange(previous), ...appends.map(nodeRange)],
      edits,
      lines: { from: previous.startPosition.row + 1, to: loop.endPosition.row + 1 },
    });
  }
  return { rewrites, refused };
}

/** `s := ""`, `s := "literal"`, `var s string`: the name, and the literal when it is not empty. */
function plainStringDeclaration(statement: Node): { name: string; initial?: string } | undefined {
  if (statement.type === 'var_declaration') {
    const specs = statement.namedChildren.filter((child) => child.type === 'var_spec');
    const names = specs.length === 1 ? specs[0].childrenForFieldName('name') : [];
    if (names.length !== 1 || specs[0].childForFieldName('type')?.text !== 'string' || specs[0].childForFieldName('value'))
      return undefined;
    return { name: names[0].text };
  }
  if (statement.type !== 'short_var_declaration') return undefined;
  const left = statement.childForFieldName('left')?.namedChildren ?? [];
  const right = statement.childForFieldName('right')?.namedChildren ?? [];
  if (left.length !== 1 || right.length !== 1 || left[0].type !== 'identifier') return undefined;
  if (right[0].type !== 'interpreted_string_literal' && right[0].type !== 'raw_string_literal') return undefined;
  const empty = right[0].text === '""' || right[0].text === '``';
  return { name: left[0].text, ...(empty ? {} : { initial: right[0].text }) };
}

/** `s += x`, one target. */
function isAppendTo(node: Node, name: string): boolean {
  if (node.type !== 'assignment_statement' || node.childForFieldName('operator')?.text !== '+=') return false;
  const left = node.childForFieldName('left')?.namedChildren ?? [];
  const right = node.childForFieldName('right')?.namedChildren ?? [];
  return left.length === 1 && left[0].type === 'identifier' && left[0].text === name && right.length === 1;
}

function isWithinAny(nodes: readonly Node[], ancestor: Node): boolean {
  return nodes.some((node) => node.startIndex >= ancestor.startIndex && node.endIndex <= ancestor.endIndex);
}
