/**
 * Where the go command was found, and where it was looked for: plain data shared by the engine (which finds
 * it), the server (which logs it once) and the CLI.
 */

/** The places a go command can come from, in the order they are tried (the Go extension's order). */
export type GoSource = 'goEscapeLens.goPath' | 'go.alternateTools.go' | 'go.goroot' | 'GOROOT' | 'PATH' | 'default install folder';

export interface GoCandidate {
  readonly source: GoSource;
  /** An absolute path to a go executable, or a bare name to look up on PATH. */
  readonly path: string;
}

export interface FoundGo {
  /** The absolute path of the go executable that ran. */
  readonly binary: string;
  readonly source: GoSource;
  /** What `go version` printed, e.g. `go version go1.26.8 linux/amd64`. */
  readonly version: string;
}

export interface GoSearch {
  /** Set when a go command exists there and runs. */
  readonly found?: FoundGo;
  /** Every candidate that was tried before (and including) the one found, with why each was passed over. */
  readonly tried: readonly { readonly candidate: GoCandidate; readonly problem?: string }[];
}
