/**
 * Estimates the size of a Go type from its declaration, the way `cmd/compile` lays it out on a 64-bit
 * platform (amd64, arm64): each field aligned to its own alignment (at most 8), the struct padded to its
 * alignment, and a zero-sized final field given one byte so a pointer to it cannot point past the object.
 *
 * It is an estimate, and the hover says so: types from other packages are unknown (we read no other
 * package), and type parameters have no size until instantiated.
 */
import type { ConstExpression, PackageDeclarations, TypeShape } from '../syntax/declarations';

export interface Layout {
  readonly size: number;
  readonly align: number;
}

const POINTER: Layout = { size: 8, align: 8 };

const BUILTIN_LAYOUTS: Readonly<Record<string, Layout>> = {
  bool: { size: 1, align: 1 },
  int8: { size: 1, align: 1 },
  uint8: { size: 1, align: 1 },
  byte: { size: 1, align: 1 },
  int16: { size: 2, align: 2 },
  uint16: { size: 2, align: 2 },
  int32: { size: 4, align: 4 },
  uint32: { size: 4, align: 4 },
  rune: { size: 4, align: 4 },
  float32: { size: 4, align: 4 },
  int: POINTER,
  uint: POINTER,
  int64: POINTER,
  uint64: POINTER,
  uintptr: POINTER,
  float64: POINTER,
  complex64: { size: 8, align: 4 },
  complex128: { size: 16, align: 8 },
  string: { size: 16, align: 8 },
  error: { size: 16, align: 8 },
  any: { size: 16, align: 8 },
};

/** Past this, nested named types are treated as unknown (a recursive type through an array, for instance). */
const MAX_DEPTH = 32;

export function typeLayout(
  shape: TypeShape,
  declarations: PackageDeclarations,
  bindings: ReadonlyMap<string, TypeShape> = new Map(),
  depth = 0,
): Layout | undefined {
  if (depth > MAX_DEPTH) return undefined;
  switch (shape.kind) {
    case 'pointer':
    case 'map':
    case 'chan':
    case 'func':
      return POINTER;
    case 'slice':
      return { size: 24, align: 8 };
    case 'interface':
      return { size: 16, align: 8 };
    case 'unknown':
      return undefined;
    case 'array': {
      const length = evaluateConstant(shape.length, declarations);
      const element = typeLayout(shape.element, declarations, bindings, depth + 1);
      if (length === undefined || length < 0 || !element) return undefined;
      return { size: length * element.size, align: element.align };
    }
    case 'struct': {
      let offset = 0;
      let align = 1;
      let lastSize = 0;
      for (const field of shape.fields) {
        const layout = typeLayout(field, declarations, bindings, depth + 1);
        if (!layout) return undefined;
        offset = roundUp(offset, layout.align) + layout.size;
        align = Math.max(align, layout.align);
        lastSize = layout.size;
      }
      if (shape.fields.length > 0 && lastSize === 0 && offset > 0) offset += 1;
      return { size: roundUp(offset, align), align };
    }
    case 'named': {
      const bound = bindings.get(shape.name);
      if (bound) return typeLayout(bound, declarations, new Map(), depth + 1);
      const declared = declarations.types.get(shape.name);
      if (declared) {
        const inner = new Map<string, TypeShape>();
        declared.typeParameters.forEach((parameter, index) => {
          const argument = shape.typeArguments[index];
          if (argument) inner.set(parameter, substitute(argument, bindings));
        });
        return typeLayout(declared.shape, declarations, inner, depth + 1);
      }
      return BUILTIN_LAYOUTS[shape.name];
    }
  }
}

/** Replaces type parameters bound by an enclosing instantiation, so `Box[T]` inside `Pair[T]` resolves. */
function substitute(shape: TypeShape, bindings: ReadonlyMap<string, TypeShape>): TypeShape {
  if (shape.kind === 'named') {
    const bound = bindings.get(shape.name);
    if (bound && shape.typeArguments.length === 0) return bound;
    return { ...shape, typeArguments: shape.typeArguments.map((argument) => substitute(argument, bindings)) };
  }
  return shape;
}

function roundUp(value: number, align: number): number {
  return Math.ceil(value / align) * align;
}

/** Integer constant expressions over literals and the package's constants. */
export function evaluateConstant(expression: ConstExpression, declarations: PackageDeclarations, depth = 0): number | undefined {
  if (depth > MAX_DEPTH) return undefined;
  switch (expression.kind) {
    case 'int':
      return expression.value;
    case 'unknown':
      return undefined;
    case 'name': {
      const value = declarations.constants.get(expression.name);
      return value ? evaluateConstant(value, declarations, depth + 1) : undefined;
    }
    case 'binary': {
      const left = evaluateConstant(expression.left, declarations, depth + 1);
      const right = evaluateConstant(expression.right, declarations, depth + 1);
      if (left === undefined || right === undefined) return undefined;
      const value = applyOperator(expression.operator, left, right);
      return value !== undefined && Number.isSafeInteger(value) ? value : undefined;
    }
  }
}

function applyOperator(operator: string, left: number, right: number): number | undefined {
  switch (operator) {
    case '+':
      return left + right;
    case '-':
      return left - right;
    case '*':
      return left * right;
    case '/':
      return right === 0 ? undefined : Math.trunc(left / right);
    case '%':
      return right === 0 ? undefined : left % right;
    case '<<':
      return right > 52 ? undefined : left * 2 ** right;
    case '>>':
      return Math.floor(left / 2 ** right);
    case '&':
      return Number(BigInt(left) & BigInt(right));
    case '|':
      return Number(BigInt(left) | BigInt(right));
    case '^':
      return Number(BigInt(left) ^ BigInt(right));
    case '&^':
      return Number(BigInt(left) & ~BigInt(right));
    default:
      return undefined;
  }
}

/** `16 bytes`, `1 KiB (1,024 bytes)`, `16 MiB (16,777,216 bytes)`. */
export function formatBytes(size: number): string {
  const units: [number, string][] = [
    [1024 ** 3, 'GiB'],
    [1024 ** 2, 'MiB'],
    [1024, 'KiB'],
  ];
  for (const [unit, name] of units) {
    if (size >= unit) {
      const amount = size / unit;
      const shown = Number.isInteger(amount) ? String(amount) : amount.toFixed(1);
      return `${shown} ${name} (${size.toLocaleString('en-US')} bytes)`;
    }
  }
  return size === 1 ? '1 byte' : `${size} bytes`;
}
