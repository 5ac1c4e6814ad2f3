/**
 * What go/types says of the arguments of a package's calls into fmt, log, errors and io: the facts a
 * rewrite of such a call needs to print exactly what fmt printed (engine/operandTypes.ts gets them).
 */
/** One argument's type, as fmt sees it. */
export interface OperandType {
  /** As go/types writes it with package names: `string`, `int64`, `*prometheus.Desc`, `[]byte`. */
  readonly type: string;
  /**
   * The underlying type's kind: a basic kind (`string`, `int`, `int64`, `uint8`, `uintptr`, `float64`,
   * `bool`, `untyped int`, …) or `pointer`, `interface`, `slice`, `array`, `struct`, `map`, `chan`, `func`,
   * `typeparam`.
   */
  readonly kind: string;
  /** Not the predeclared type itself: a defined (named) or generic type. */
  readonly named: boolean;
  /** A slice of bytes. */
  readonly bytes: boolean;
  /** The methods fmt looks for, in the type's method set. */
  readonly formatter: boolean;
  readonly error: boolean;
  readonly stringer: boolean;
  readonly goStringer: boolean;
  /**
   * A pointer whose Error (or else String) method has a value receiver: called on a nil pointer it panics,
   * where fmt prints `<nil>`.
   */
  readonly valueMethod: boolean;
  /** A constant's exact value, as Go writes it. */
  readonly constant?: string;
}

/** One call into fmt, log, errors or io. */
export interface TypedCall {
  /** Where the call expression starts, as the compiler writes positions: absolute path, 1-based line, 1-based byte column. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** `fmt.Errorf`, `(*log.Logger).Printf`, `io.WriteString`. */
  readonly callee: string;
  /** By argument, in order; undefined where go/types could not type it (the package has errors there). */
  readonly operands: readonly (OperandType | undefined)[];
  /** The last argument is passed with `...`. */
  readonly spread: boolean;
}

/** go/types' answer for one package, or why there is none (the rewrites then use the declarations alone). */
export type PackageOperandTypes =
  | { readonly status: 'ok'; readonly calls: readonly TypedCall[]; readonly typeErrors: readonly string[] }
  | {
      readonly status: 'unavailable';
      readonly reason: string;
      /** The type checker was still being built: asking again once it is may give types. */
      readonly building?: boolean;
    };
