/**
 * Positions and text as the features see them: LSP units (0-based lines, UTF-16 columns), without LSP types,
 * so every layer can speak of ranges. Conversions from the compiler's byte columns are in syntax/positions.ts.
 */

export interface LspPosition {
  readonly line: number;
  readonly character: number;
}

export interface LspRange {
  readonly start: LspPosition;
  readonly end: LspPosition;
}

/** Source text prepared for position conversion: the text without its BOM, split into lines. */
export interface SourceText {
  /** The text without a leading byte-order mark, as editors show it. */
  readonly text: string;
  /** Lines without their terminators (`\n` or `\r\n`). */
  readonly lines: readonly string[];
  /** True when the compiled file started with a byte-order mark. */
  readonly hadByteOrderMark: boolean;
}
