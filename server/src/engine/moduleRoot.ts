/**
 * Whether a directory belongs to a module, found as the go command finds it: a go.mod in the directory or
 * one of its parents. A Go file outside any module (a script run with `go run main.go`) cannot be built as
 * a package (`go build .` says "go.mod file not found"), but the go command builds it when given by name,
 * as `go run` does; the analysis then names the file instead of the directory.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

export async function isOutsideModule(directory: string, environment: Readonly<Record<string, string | undefined>>): Promise<boolean> {
  // GOPATH mode, or an explicit go.mod elsewhere: the go command decides, as it would for `go build`.
  if (environment.GO111MODULE === 'off' || (environment.GOFLAGS ?? '').includes('-modfile')) return false;
  for (let current = path.resolve(directory); ; current = path.dirname(current)) {
    if (await isFile(path.join(current, 'go.mod'))) return false;
    if (path.dirname(current) === current) return true;
  }
}

export async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}
