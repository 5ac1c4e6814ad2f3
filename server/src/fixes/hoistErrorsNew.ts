/**
 * `errors.New("…")` with a constant message, inside a function → a package variable, made once:
 *
 *                                                      var errCannotReadNilBody = errors.New("cannot read nil body")
 *     func (c *Context) GetRawData() ([]byte, error) {
 *         if c.Request.Body == nil {             →     func (c *Context) GetRawData() ([]byte, error) {
 *             return nil, errors.New("cannot…")            if c.Request.Body == nil {
 *                                                              return nil, errCannotReadNilBody
 *
 * errors.New is inlined, and the *errorString it returns goes to the heap on every call (the compiler says
 * "&errors.errorString{...} escapes to heap"). In a package variable's initializer the compiler lays the
 * same value out in the binary's data: nothing is allocated, at init or at run time.
 *
 * Two differences are left. The fix's title says the first: each call made a new error, and now every call
 * returns the same one, so two errors from the call compare equal (`==`, errors.Is) where they did not. The
 * second shows only in a build without inlining (`-gcflags=-l`, a debugger's `-N -l`), where the variable
 * is set by package initialisation, in declaration order: a package variable initialised earlier through
 * an interface method that reaches the call (Go counts no dependency through an interface) would get nil.
 * Nothing else tells an *errorString apart: its message is all it has, and nobody outside errors can
 * change it. So every call site gets a variable of its own, even where two messages are the same: sharing
 * one, or reusing a variable the package already has, would make errors from different places equal too.
 *
 * Proposed only where the compiler reported the allocation, for a call of the standard library's errors.New
 * (not another package imported under that name, such as github.com/pkg/errors, whose New records where it
 * was called) with a string literal. The variable's name comes from the message's first words and is spelled
 * nowhere in the package's files, so it shadows nothing and nothing shadows it. It is declared just before
 * the top-level declaration the call is in, above that declaration's doc comment.
 */
import type { Node } from 'web-tree-sitter';
import type { TextEdit } from '../model/fixes';
import type { LspPosition, LspRange, SourceText } from '../model/positions';
import { nodeRange } from '../syntax/locateFact';
import { comparePositions } from '../syntax/positions';
import { identifiersNamed, importNamesOf, isDeclaringName, packageFunctionCalls } from './goTree';
import { insertLinesBefore, replaceNode } from './textEdits';

export interface ErrorsNewHoist {
  /** The new package variable. */
  readonly variable: string;
  readonly line: number;
  readonly character: number;
  /** The errors.New call: where the compiler's fact and the lightbulb are. */
  readonly triggerRange: LspRange;
  /** The call's replacement first, then the variable's declaration. */
  readonly edits: readonly TextEdit[];
}

export interface ErrorsNewRefusal {
  readonly subject: string;
  readonly reason: string;
}

/** The compiler's name for what an inlined errors.New allocates. */
const ERROR_STRING_FACT = /^&errors\.errorString\{/;

/** Words that say little at the start of a name: "the accepted formats…" is errAcceptedFormats…. */
const ARTICLES: ReadonlySet<string> = new Set(['a', 'an', 'the']);

/** How many of the message's words go into the variable's name. */
const NAME_WORDS = 5;

/** True for a fact of an errors.New call's allocation, the facts this fix is about. */
export function isErrorsNewAllocation(expression: string): boolean {
  return ERROR_STRING_FACT.test(expression);
}

/**
 * The hoists for one file. `allocations` are where the compiler reported an errorString on the heap (LSP
 * positions); `names` answers for the whole package whether a name is taken, and learns each name given here.
 */
export function errorsNewHoists(
  root: Node,
  source: SourceText,
  imports: ReadonlyMap<string, string>,
  allocations: readonly LspPosition[],
  names: { readonly isTaken: (name: string) => boolean; readonly take: (name: string) => void },
): { hoists: ErrorsNewHoist[]; refused: ErrorsNewRefusal[] } {
  const hoists: ErrorsNewHoist[] = [];
  const refused: ErrorsNewRefusal[] = [];
  const errorsNames = importNamesOf(imports, 'errors');
  if (errorsNames.length === 0 || allocations.length === 0) return { hoists, refused };
  for (const call of packageFunctionCalls(root, errorsNames, 'New')) {
    const range = nodeRange(call);
    if (!allocations.some((at) => comparePositions(at, range.start) >= 0 && comparePositions(at, range.end) < 0)) continue;
    const subject = call.text.length > 60 ? `${call.text.slice(0, 57)}…` : call.text;
    const message = stringLiteralArgument(call);
    if (!message) {
      refused.push({ subject, reason: 'the message is not a string literal: each call may make a different error' });
      continue;
    }
    // The package variable is initialised at package level, where the name means the import, whatever it
    // means at the call (`func Open(errors *registry)`, whose New method would no longer be called).
    const packageName = call.childForFieldName('function')!.childForFieldName('operand')!.text;
    const topLevel = topLevelDeclaration(call);
    if (topLevel && identifiersNamed(topLevel, packageName).some(isDeclaringName)) {
      refused.push({ subject, reason: `${packageName} is declared again in the function, so the call may not be the package's` });
      continue;
    }
    const base = baseName(message.text);
    let variable = base;
    for (let suffix = 2; names.isTaken(variable); suffix++) variable = `${base}${suffix}`;
    const declaration =
      topLevel && insertLinesBefore(withDocComment(topLevel), source, [`var ${variable} = ${packageName}.New(${message.text})`, '']);
    if (!declaration) {
      refused.push({ subject, reason: 'the call is not inside a top-level declaration that starts its line' });
      continue;
    }
    names.take(variable);
    hoists.push({
      variable,
      line: range.start.line,
      character: range.start.character,
      triggerRange: range,
      edits: [replaceNode(call, variable), declaration],
    });
  }
  return { hoists, refused };
}

/** The call's one argument when it is a string literal (interpreted or raw). */
function stringLiteralArgument(call: Node): Node | undefined {
  const argumentsNode = call.childForFieldName('arguments');
  const only = argumentsNode?.namedChildren.length === 1 ? argumentsNode.namedChildren[0] : undefined;
  return only && (only.type === 'interpreted_string_literal' || only.type === 'raw_string_literal') ? only : undefined;
}

function topLevelDeclaration(node: Node): Node | undefined {
  let current: Node | null = node;
  while (current?.parent && current.parent.type !== 'source_file') current = current.parent;
  return current?.parent ? current : undefined;
}

/** The declaration's doc comment, when comments end on the line just above it; else the declaration. */
function withDocComment(declaration: Node): Node {
  let first = declaration;
  for (let previous = declaration.previousNamedSibling; previous?.type === 'comment'; previous = previous.previousNamedSibling) {
    if (previous.endPosition.row !== first.startPosition.row - 1) break;
    first = previous;
  }
  return first;
}

/** `errCannotReadNilBody` for "cannot read nil body"; `errConstant` for a message without words. */
function baseName(literal: string): string {
  const words = (
    literal
      .slice(1, -1)
      .replace(/\\./g, ' ')
      .match(/[A-Za-z][A-Za-z0-9]*/g) ?? []
  ).filter((word) => !ARTICLES.has(word.toLowerCase()));
  const spelled = words.slice(0, NAME_WORDS).map((word) => word[0].toUpperCase() + word.slice(1));
  return `err${spelled.join('') || 'Constant'}`;
}
