/** A module at a version, as go.mod and `go mod download` name it. */
export interface ModuleVersion {
  readonly path: string;
  readonly version: string;
}
