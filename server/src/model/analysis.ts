/**
 * The results of an analysis, as plain data: what one compiler run said about a package, every fact placed
 * on its expression, and the per-file and per-package results the features render.
 */
import type { EscapeFact, PackageFacts } from './facts';
import type { ModuleVersion } from './moduleVersion';
import type { LspRange, SourceText } from './positions';

export type AnalysisStatus =
  | 'ok' // the package compiled; facts are complete
  | 'buildFailed' // the package (or a dependency) does not compile, or is outside a module
  | 'goMissing' // the go binary could not be started
  | 'cancelled' // a newer analysis replaced this one
  | 'failed'; // anything else: killed, output too large

export interface PackageAnalysis {
  readonly directory: string;
  readonly status: AnalysisStatus;
  readonly facts: PackageFacts;
  /** For every status but `ok`: one line a user can act on. */
  readonly message?: string;
  /** How long the go command ran. */
  readonly durationMilliseconds: number;
  /** How long parsing its output took, and how much output there was: the server logs both. */
  readonly parse?: { readonly milliseconds: number; readonly bytes: number };
  readonly commandLine: string;
  /**
   * Set when the build failed only because these modules are not in the module cache (a fresh clone): the
   * analysis never downloads, the user may (`go mod download`).
   */
  readonly missingModules?: readonly ModuleVersion[];
}

export interface LocatedFact {
  readonly fact: EscapeFact;
  readonly range: LspRange;
  /** The tree-sitter node type the range covers, e.g. `unary_expression`, `call_expression`. */
  readonly nodeType: string;
  /** The name of the enclosing function or method declaration, if any. */
  readonly enclosingFunction?: string;
  /**
   * The source text of the range, kept only when the compiler's expression names something it invented
   * (`~r0`, `.autotmp_6`): the features say the expression in the source's terms.
   */
  readonly placedText?: string;
  /**
   * For a fact placed on a call because it names the called function's own expression (an inlined call):
   * the callee as written (`fmt.Errorf`), and how many arguments the call passes (absent with a spread,
   * `xs...`, whose length only the run knows).
   */
  readonly placedCall?: { readonly callee: string; readonly arguments?: number };
}

export interface FileAnalysis {
  readonly file: string;
  /** The text the compiler saw, prepared for position conversion. */
  readonly source: SourceText;
  readonly located: readonly LocatedFact[];
  /**
   * Set in a stale result on the files without last good facts (new, or changed since): the syntax-only
   * analyser's predictions stand in for them.
   */
  readonly withoutFacts?: boolean;
}

export interface PackageResult {
  readonly directory: string;
  /** Whether the package's `_test.go` files were compiled (`go test -c`) or not (`go build`). */
  readonly includesTests: boolean;
  readonly analysis: PackageAnalysis;
  /** Every Go file of the package; a file without facts has an empty list (its old diagnostics are cleared). */
  readonly files: ReadonlyMap<string, FileAnalysis>;
  readonly fromCache: boolean;
  /**
   * True when the analysis failed and `files` holds the last good facts of the files whose content has not
   * changed since: their positions are still right. Changed files are left out.
   */
  readonly stale: boolean;
}
