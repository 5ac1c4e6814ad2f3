/**
 * Which allocations are new relative to a baseline. Pure.
 *
 * Lines move with every edit, so an allocation is recognised by what it is: its package, its function, its
 * kind and the compiler's text for it. Two identical allocations in one function are two: matching counts
 * (a multiset), so adding a second `&Point{...}` next to the first is new.
 *
 * A second pass recognises renames: what is left unmatched in a function is paired with what the baseline
 * had left in the same function, of the same kind and the same shape (the text with names other than Go's
 * keywords and builtins blanked out). Renaming `buf` to `buffer` is then not a new allocation; adding one
 * is, because the baseline has nothing left to pair it with.
 *
 * Whether a fact allocates at all is part of what it is: fmt.Errorf's unrun fallback and a real errors.New
 * are both `&errors.errorString{...}`, and a new errors.New must not be taken for the fallback the baseline
 * had (nor the reverse), or the one reported new would be the fallback, which is no violation.
 */

/** What identifies an allocation across versions of the code. */
export interface AllocationIdentity {
  readonly package: string;
  readonly function: string;
  readonly kind: string;
  readonly expression: string;
  /** Set when the fact allocates nothing at run time (findings.ts); absent in baselines written before. */
  readonly allocatesNothing?: string;
}

/** Only the identity of an allocation: what a baseline keeps of it. */
export function allocationIdentity(item: AllocationIdentity): AllocationIdentity {
  return {
    package: item.package,
    function: item.function,
    kind: item.kind,
    expression: item.expression,
    ...(item.allocatesNothing !== undefined ? { allocatesNothing: item.allocatesNothing } : {}),
  };
}

/** A baseline's allocations by package: matching never pairs allocations of two packages. */
export function byPackage(items: readonly AllocationIdentity[]): Map<string, AllocationIdentity[]> {
  const grouped = new Map<string, AllocationIdentity[]>();
  for (const item of items) {
    const list = grouped.get(item.package);
    if (list) list.push(item);
    else grouped.set(item.package, [item]);
  }
  return grouped;
}

export interface BaselineMatch<T> {
  /** Current allocations the baseline has (possibly renamed). */
  readonly known: T[];
  /** Current allocations the baseline does not have. */
  readonly added: T[];
}

export function matchAgainstBaseline<T extends AllocationIdentity>(
  current: readonly T[],
  baseline: readonly AllocationIdentity[],
): BaselineMatch<T> {
  const exact = countBy(baseline, exactKey);
  const known: T[] = [];
  const left: T[] = [];
  for (const item of current) {
    if (take(exact, exactKey(item))) known.push(item);
    else left.push(item);
  }

  // What the baseline has left over, by shape: the candidates for renames.
  const leftoverShapes = new Map<string, number>();
  for (const [key, count] of exact) {
    const shape = shapeKey(parseExactKey(key));
    leftoverShapes.set(shape, (leftoverShapes.get(shape) ?? 0) + count);
  }
  const added: T[] = [];
  for (const item of left) {
    if (take(leftoverShapes, shapeKey(item))) known.push(item);
    else added.push(item);
  }
  return { known, added };
}

/**
 * The expression with every name but Go's keywords and predeclared identifiers replaced by `_`:
 * `make([]byte, n)` and `make([]byte, size)` have the same shape, `new(T)` and `make([]T, n)` do not.
 */
export function expressionShape(expression: string): string {
  return expression.replace(/[\p{L}_][\p{L}\p{N}_]*/gu, (name) => (KEEP.has(name) ? name : '_'));
}

const KEEP = new Set([
  // Keywords.
  'break',
  'case',
  'chan',
  'const',
  'continue',
  'default',
  'defer',
  'else',
  'fallthrough',
  'for',
  'func',
  'go',
  'goto',
  'if',
  'import',
  'interface',
  'map',
  'package',
  'range',
  'return',
  'select',
  'struct',
  'switch',
  'type',
  'var',
  // Predeclared functions and types.
  'append',
  'cap',
  'clear',
  'close',
  'complex',
  'copy',
  'delete',
  'imag',
  'len',
  'make',
  'max',
  'min',
  'new',
  'panic',
  'print',
  'println',
  'real',
  'recover',
  'any',
  'bool',
  'byte',
  'comparable',
  'complex64',
  'complex128',
  'error',
  'float32',
  'float64',
  'int',
  'int8',
  'int16',
  'int32',
  'int64',
  'rune',
  'string',
  'uint',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'uintptr',
  'nil',
  'true',
  'false',
  'iota',
  // The compiler's words for closures.
  'literal',
]);

const SEPARATOR = '\u0000';

function exactKey(item: AllocationIdentity): string {
  return [item.package, item.function, item.kind, item.allocatesNothing ?? '', item.expression].join(SEPARATOR);
}

function parseExactKey(key: string): AllocationIdentity {
  const [pkg, fn, kind, allocatesNothing, expression] = key.split(SEPARATOR);
  return { package: pkg, function: fn, kind, expression, ...(allocatesNothing ? { allocatesNothing } : {}) };
}

function shapeKey(item: AllocationIdentity): string {
  return [item.package, item.function, item.kind, item.allocatesNothing ?? '', expressionShape(item.expression)].join(SEPARATOR);
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/** Takes one from the multiset; false when there is none left. */
function take(counts: Map<string, number>, key: string): boolean {
  const count = counts.get(key) ?? 0;
  if (count === 0) return false;
  counts.set(key, count - 1);
  return true;
}
