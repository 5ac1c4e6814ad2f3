/**
 * The string expression that prints what fmt prints for one operand of a known type (go/types', see
 * engine/operandTypes.ts), for one plain verb: `strconv.FormatInt(int64(n), 10)` for `%d` of an `int32`,
 * `d.String()` for `%s` of a `*Desc`, `string(b)` for `%s` of a `[]byte`.
 *
 * It follows fmt's own order (fmt/print.go, printArg and handleMethods): a predeclared basic type prints by
 * its kind; any other type is asked for Format, then Error, then String (the last two for %v %s %q only);
 * what has none of them prints by its underlying kind. A `reflect.Value` is the one defined type printArg
 * takes apart itself (it prints the value held), so it is refused. A method fmt would call is called directly: the two
 * print the same, except when the method panics, which fmt recovers from and prints as text. A nil
 * interface has no method to call (fmt prints `<nil>`), and neither has a nil pointer whose method has a
 * value receiver, so such an operand is rewritten only where it cannot be nil: an `if x != nil` around the
 * call (nilGuard.ts), or `&x`. A method declared on the pointer decides itself what a nil receiver prints. An interface's dynamic type
 * could also implement fmt.Formatter: an error that formats %v differently from its Error text would then
 * print differently, which no error of the standard library does.
 */
import type { OperandType } from '../model/operandTypes';

/** The verbs a rewrite can print without flags, widths or precisions. */
export type TypedVerb = 's' | 'v' | 'd' | 't' | 'q' | 'x' | 'f' | 'g' | 'e';

export interface TypedTerm {
  readonly text: string;
  /** Standard-library packages the term calls. */
  readonly imports: readonly string[];
}

/**
 * The term for `value` (its source text) printed with `verb`, or why there is none. `primary` says a method
 * can be selected on it as written (a name, a selector, a call, an index); `notNil`, that an enclosing
 * `if value != nil` holds where the call is.
 */
export function typedTerm(verb: TypedVerb, value: string, type: OperandType, primary: boolean, notNil: boolean): TypedTerm | string {
  const operand = primary ? value : `(${value})`;
  if (type.formatter) return `${type.type} formats itself (fmt.Formatter)`;
  // printArg's type switch unwraps a reflect.Value before looking for methods: fmt prints the value it
  // holds, where Value.String says `<int Value>`.
  if (type.type === 'reflect.Value') return `${value} is a reflect.Value, which fmt prints as the value it holds`;
  const viaMethod = verb === 's' || verb === 'v' || verb === 'q';
  if (type.kind === 'interface') {
    if (!type.error || !viaMethod) return `${value} is an interface (${type.type}): its dynamic type decides what fmt prints`;
    if (!notNil) return `${value} may be a nil ${type.type}, which fmt prints as <nil> but whose Error method cannot be called`;
    return quoteIf(verb, `${operand}.Error()`);
  }
  if (type.kind === 'typeparam') return `${value} has a type parameter's type (${type.type})`;
  // Only a defined type can have methods; a predeclared basic type prints by its kind (printArg's type switch).
  if (type.named && viaMethod && (type.error || type.stringer) && type.valueMethod && !notNil) {
    return `${value} may be a nil ${type.type}, which fmt prints as <nil> but whose value method cannot be called`;
  }
  if (type.named && viaMethod && type.error) return quoteIf(verb, `${operand}.Error()`);
  if (type.named && viaMethod && type.stringer) return quoteIf(verb, `${operand}.String()`);
  if (type.named && (type.error || type.stringer) && verb === 'x')
    return `%x of ${value} prints its ${type.error ? 'Error' : 'String'} text in hex`;
  const converted = (to: string) => (type.named ? `${to}(${value})` : value);
  switch (kindClass(type)) {
    case 'string':
      if (verb === 's' || verb === 'v') return { text: converted('string'), imports: [] };
      if (verb === 'q') return { text: `strconv.Quote(${converted('string')})`, imports: ['strconv'] };
      break;
    case 'bytes':
      if (verb === 's') return { text: `string(${value})`, imports: [] };
      if (verb === 'q') return { text: `strconv.Quote(string(${value}))`, imports: ['strconv'] };
      break;
    case 'signed':
    case 'unsigned':
      if (verb === 'd' || verb === 'v') return integer(type, value, 10);
      if (verb === 'x') return integer(type, value, 16);
      break;
    case 'bool':
      if (verb === 't' || verb === 'v') return { text: `strconv.FormatBool(${converted('bool')})`, imports: ['strconv'] };
      break;
    case 'float': {
      const format = verb === 'v' || verb === 'g' ? `'g', -1` : verb === 'f' ? `'f', 6` : verb === 'e' ? `'e', 6` : undefined;
      if (!format) break;
      const bits = type.kind === 'float32' ? 32 : 64;
      const argument = type.kind === 'float64' && !type.named ? value : `float64(${value})`;
      return { text: `strconv.FormatFloat(${argument}, ${format}, ${bits})`, imports: ['strconv'] };
    }
  }
  return `%${verb} of ${value} (${type.type}) has no strconv equivalent`;
}

function quoteIf(verb: TypedVerb, text: string): TypedTerm {
  return verb === 'q' ? { text: `strconv.Quote(${text})`, imports: ['strconv'] } : { text, imports: [] };
}

type KindClass = 'string' | 'bytes' | 'signed' | 'unsigned' | 'bool' | 'float' | 'other';

function kindClass(type: OperandType): KindClass {
  if (type.bytes) return 'bytes';
  switch (type.kind) {
    case 'string':
    case 'untyped string':
      return 'string';
    case 'int':
    case 'int8':
    case 'int16':
    case 'int32':
    case 'int64':
    case 'untyped int':
    case 'untyped rune':
      return 'signed';
    case 'uint':
    case 'uint8':
    case 'uint16':
    case 'uint32':
    case 'uint64':
    case 'uintptr':
      return 'unsigned';
    case 'bool':
    case 'untyped bool':
      return 'bool';
    case 'float32':
    case 'float64':
    case 'untyped float':
      return 'float';
    default:
      return 'other';
  }
}

/** strconv's call for an integer of any size, signed or not, named or not, in `base`. */
function integer(type: OperandType, value: string, base: 10 | 16): TypedTerm {
  const plain = !type.named;
  if (base === 10 && type.kind === 'int')
    return { text: plain ? `strconv.Itoa(${value})` : `strconv.Itoa(int(${value}))`, imports: ['strconv'] };
  if (kindClass(type) === 'signed') {
    const argument = plain && type.kind === 'int64' ? value : `int64(${value})`;
    return { text: `strconv.FormatInt(${argument}, ${base})`, imports: ['strconv'] };
  }
  const argument = plain && type.kind === 'uint64' ? value : `uint64(${value})`;
  return { text: `strconv.FormatUint(${argument}, ${base})`, imports: ['strconv'] };
}

/** Sprint puts a space between two operands when neither is a string (by kind: a named string type counts). */
export function isStringKind(type: OperandType): boolean {
  return type.kind === 'string' || type.kind === 'untyped string';
}
