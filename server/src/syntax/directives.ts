/**
 * Allocation budgets written in Go comments, read from the syntax tree:
 *
 * - `//escape:none` in the comment block directly above a func declaration: the function has no heap
 *   allocations;
 * - `//escape:max N` there: at most N;
 * - `//escape:bounds none` / `//escape:bounds max N` there: the same for the bounds checks the compiler
 *   keeps (checked when bounds annotations are on);
 * - `//escape:ok <reason>`: accepts the allocations the compiler reports on one line — the line the comment
 *   ends, or, when the comment stands alone on its line, the next line of code;
 * - `//escape:allocs N` above a `func BenchmarkX(b *testing.B)`: the benchmark may measure at most N
 *   allocations per op (checked by `go-escape-lens check --bench`).
 *
 * Like `//go:` directives they are written without a space after `//`. A budget that silently did nothing
 * would be worse than none, so every comment that looks like a directive but is not a valid one in a valid
 * place is reported as a problem instead of being ignored.
 *
 * Also lists the file's func declarations with their line spans, because "which function is this fact in"
 * is what both budgets and baseline matching key on.
 */
import type { Node, Tree } from 'web-tree-sitter';
import { withGoTree } from './goParser';
import { nodeRange } from './locateFact';
import type { LspRange, SourceText } from '../model/positions';

export type BudgetKind = 'none' | 'max';

export interface Budget {
  readonly kind: BudgetKind;
  /** What is counted: heap allocations (`//escape:none`) or kept bounds checks (`//escape:bounds none`). */
  readonly counts: 'allocations' | 'boundsChecks';
  /** The number of heap allocations allowed: 0 for `none`. */
  readonly max: number;
  /** The directive as written, e.g. `//escape:max 2`. */
  readonly text: string;
  readonly range: LspRange;
}

export interface GoFunction {
  /** The name as the compiler prints it: `Sum`, `(*Buffer).Grow`, `Box.Get` (type parameters dropped). */
  readonly name: string;
  readonly nameRange: LspRange;
  /** First and last 0-based line of the declaration, its body included. */
  readonly startLine: number;
  readonly endLine: number;
  readonly budget?: Budget;
  readonly boundsBudget?: Budget;
  /** `//escape:allocs N` above a benchmark: its measured allocs/op must not exceed `max`. */
  readonly allocsBudget?: { readonly max: number; readonly text: string; readonly range: LspRange };
}

export interface AcceptedLine {
  /** The 0-based line whose allocations are accepted. */
  readonly line: number;
  readonly reason: string;
  /** Where the `//escape:ok` comment is. */
  readonly range: LspRange;
}

export interface DirectiveProblem {
  readonly range: LspRange;
  /** The comment as written. */
  readonly text: string;
  readonly message: string;
}

export interface FileDirectives {
  /** Top-level func declarations in source order. */
  readonly functions: readonly GoFunction[];
  /** By 0-based line. */
  readonly accepted: ReadonlyMap<number, AcceptedLine>;
  readonly problems: readonly DirectiveProblem[];
}

export const EMPTY_DIRECTIVES: FileDirectives = { functions: [], accepted: new Map(), problems: [] };

const DIRECTIVE = /^\/\/escape:(\S*)(.*)$/;
/** `// escape:none`: almost certainly meant as a directive, but a Go directive has no space after `//`. */
const SPACED_DIRECTIVE = /^\/\/\s+escape:(none|max|ok)\b/;
const USAGE =
  'known directives: //escape:none, //escape:max N, //escape:bounds none, //escape:bounds max N, //escape:ok <reason>, //escape:allocs N above a benchmark';

/** A cheap test that lets callers skip parsing files that cannot hold a directive. */
export function mayHaveDirectives(text: string): boolean {
  return text.includes('escape:');
}

/** Parses and frees a tree for `source`; see `parseDirectives`. */
export function readDirectives(source: SourceText): Promise<FileDirectives> {
  return withGoTree(source.text, (tree) => parseDirectives(tree, source));
}

export function parseDirectives(tree: Tree, source: SourceText): FileDirectives {
  const declarations = tree.rootNode.namedChildren.filter(
    (node): node is Node => node !== null && (node.type === 'function_declaration' || node.type === 'method_declaration'),
  );
  const budgets = new Map<number, Budget>();
  const boundsBudgets = new Map<number, Budget>();
  const allocsBudgets = new Map<number, NonNullable<GoFunction['allocsBudget']>>();
  const accepted = new Map<number, AcceptedLine>();
  const problems: DirectiveProblem[] = [];

  const comments = mayHaveDirectives(source.text) ? tree.rootNode.descendantsOfType('comment') : [];
  for (const comment of comments) {
    if (!comment) continue;
    // tree-sitter's Go comments run to the `\n`, so a CRLF file leaves a `\r` on them.
    const text = comment.text.replace(/\r$/, '');
    const range = {
      start: nodeRange(comment).start,
      end: { line: comment.startPosition.row, character: comment.startPosition.column + text.length },
    };
    const problem = (message: string) => problems.push({ range, text, message });

    if (SPACED_DIRECTIVE.test(text)) {
      problem(`"${text}" is not a directive: write it without a space after //, as //${text.replace(/^\/\/\s+/, '')}`);
      continue;
    }
    const match = DIRECTIVE.exec(text);
    if (!match) continue;
    const [, name, rest] = match;
    const argument = rest.trim();

    if (name === 'ok') {
      if (argument.length === 0) {
        problem('//escape:ok needs a reason: //escape:ok <why this allocation is acceptable>');
        continue;
      }
      const line = acceptedLine(comment, source);
      if (line === undefined) {
        problem('//escape:ok accepts the allocations of the line it ends or of the next line of code, and there is none');
        continue;
      }
      accepted.set(line, { line, reason: argument, range });
      continue;
    }

    if (name === 'allocs') {
      if (!/^\d+$/.test(argument)) {
        problem(`//escape:allocs needs a number of allocations per op, as in //escape:allocs 2 (found "${argument}")`);
        continue;
      }
      const declaration = documentedDeclaration(comment, source);
      if (!declaration || !/^Benchmark/.test(declaration.childForFieldName('name')?.text ?? '')) {
        problem('//escape:allocs must be in the comment block directly above a func BenchmarkX(b *testing.B)');
        continue;
      }
      allocsBudgets.set(declaration.startIndex, { max: Number(argument), text: `//escape:allocs ${Number(argument)}`, range });
      continue;
    }

    // `//escape:bounds none` and `//escape:bounds max N` read like the allocation budgets after a word.
    const bounds = name === 'bounds';
    const [kind, countText] = bounds ? (argument.split(/\s+/, 2) as [string, string | undefined]) : [name, argument];
    const count = bounds ? argument.slice(kind.length).trim() : (countText ?? '');
    const prefix = bounds ? '//escape:bounds ' : '//escape:';
    if (kind !== 'none' && kind !== 'max') {
      problem(
        bounds ? `//escape:bounds takes none or max N (found "${argument}"); ${USAGE}` : `unknown directive //escape:${name}; ${USAGE}`,
      );
      continue;
    }
    let max = 0;
    if (kind === 'none') {
      if (count.length > 0) {
        problem(`${prefix}none takes no argument (found "${count}")`);
        continue;
      }
    } else {
      if (!/^\d+$/.test(count)) {
        problem(`${prefix}max needs a number of ${bounds ? 'bounds checks' : 'allocations'}, as in ${prefix}max 2 (found "${count}")`);
        continue;
      }
      max = Number(count);
    }
    const declaration = documentedDeclaration(comment, source);
    if (!declaration) {
      problem(`${prefix}${kind} must be in the comment block directly above a func declaration`);
      continue;
    }
    const key = declaration.startIndex;
    const table = bounds ? boundsBudgets : budgets;
    const existing = table.get(key);
    if (existing) {
      problem(`this function already has a ${bounds ? 'bounds check ' : ''}budget (${existing.text}); keep one`);
      continue;
    }
    table.set(key, {
      kind,
      counts: bounds ? 'boundsChecks' : 'allocations',
      max,
      text: `${prefix}${kind}${kind === 'max' ? ` ${max}` : ''}`,
      range,
    });
  }

  const functions = declarations.map((declaration): GoFunction => {
    const nameNode = declaration.childForFieldName('name');
    const budget = budgets.get(declaration.startIndex);
    const boundsBudget = boundsBudgets.get(declaration.startIndex);
    const allocsBudget = allocsBudgets.get(declaration.startIndex);
    return {
      name: qualifiedName(declaration),
      nameRange: nodeRange(nameNode ?? declaration),
      startLine: declaration.startPosition.row,
      endLine: declaration.endPosition.row,
      ...(budget ? { budget } : {}),
      ...(boundsBudget ? { boundsBudget } : {}),
      ...(allocsBudget ? { allocsBudget } : {}),
    };
  });
  return { functions, accepted, problems };
}

/** The innermost (only: Go has no nested func declarations) declaration spanning a 0-based line. */
export function functionAtLine(directives: FileDirectives, line: number): GoFunction | undefined {
  return directives.functions.find((fn) => fn.startLine <= line && line <= fn.endLine);
}

/**
 * The declaration a budget comment documents: the comment must be at the top level and followed, through
 * a run of comments on consecutive lines, by a func declaration on the very next line. A blank line ends a
 * doc comment, as in godoc.
 */
function documentedDeclaration(comment: Node, source: SourceText): Node | undefined {
  if (comment.parent?.type !== 'source_file' || isTrailing(comment, source)) return undefined;
  let previous: Node = comment;
  for (let next = comment.nextSibling; next; next = next.nextSibling) {
    if (next.startPosition.row !== previous.endPosition.row + 1) return undefined;
    if (next.type === 'function_declaration' || next.type === 'method_declaration') return next;
    if (next.type !== 'comment') return undefined;
    previous = next;
  }
  return undefined;
}

/** The line an `//escape:ok` comment speaks for. */
function acceptedLine(comment: Node, source: SourceText): number | undefined {
  if (isTrailing(comment, source)) return comment.startPosition.row;
  for (let next = comment.nextSibling; next; next = next.nextSibling) {
    if (next.type !== 'comment') return next.startPosition.row;
  }
  return undefined;
}

/** True when code precedes the comment on its line. */
function isTrailing(comment: Node, source: SourceText): boolean {
  const line = source.lines[comment.startPosition.row] ?? '';
  return line.slice(0, comment.startPosition.column).trim().length > 0;
}

/** `F`, `T.M` or `(*T).M`, as the compiler names functions in its output. */
function qualifiedName(declaration: Node): string {
  const name = declaration.childForFieldName('name')?.text ?? '_';
  if (declaration.type !== 'method_declaration') return name;
  const receiver = declaration.childForFieldName('receiver')?.namedChildren.find((child) => child?.type === 'parameter_declaration');
  let type = receiver?.childForFieldName('type') ?? null;
  let pointer = false;
  while (type && (type.type === 'pointer_type' || type.type === 'parenthesized_type')) {
    if (type.type === 'pointer_type') pointer = true;
    type = type.namedChildren.find((child) => child !== null) ?? null;
  }
  const typeName = type?.type === 'generic_type' ? (type.childForFieldName('type')?.text ?? type.text) : (type?.text ?? '_');
  return pointer ? `(*${typeName}).${name}` : `${typeName}.${name}`;
}
