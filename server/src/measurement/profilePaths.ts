/**
 * Maps the file paths a profile recorded to files on this machine. Pure but for `exists`, which is injected.
 *
 * A profile may come from another machine (absolute paths that do not exist here), from a binary built with
 * -trimpath (`example.com/m/parse/parse.go`, `runtime/malloc.go`, `github.com/x/y@v1.2.3/z.go`), or from this
 * workspace as it is. The function's package path, read from its symbol name, is the most reliable key: a
 * package of a workspace module lives in the module's directory whatever machine built it.
 */
import * as path from 'node:path';

export interface WorkspaceModule {
  /** The module path from go.mod: `example.com/measured`. */
  readonly path: string;
  /** Its directory on this machine, absolute. */
  readonly directory: string;
}

export interface PathContext {
  readonly modules: readonly WorkspaceModule[];
  /** This machine's GOROOT and GOMODCACHE, for links into the standard library and dependencies. */
  readonly goroot?: string;
  readonly moduleCache?: string;
  readonly exists: (file: string) => boolean;
}

export type ResolvedPath =
  | { readonly kind: 'workspace'; readonly file: string; readonly module: WorkspaceModule }
  /** The standard library or a dependency: `file` is the local copy when there is one, to link to. */
  | { readonly kind: 'goroot' | 'moduleCache'; readonly file?: string }
  | { readonly kind: 'unmatched' };

/** `example.com/m/parse.(*T).M` → `example.com/m/parse`; `main.main.func1` → `main`. */
export function packagePathOf(functionName: string): string {
  const withoutTypeArguments = functionName.split('[')[0] ?? functionName;
  const lastSlash = withoutTypeArguments.lastIndexOf('/');
  const dot = withoutTypeArguments.indexOf('.', lastSlash + 1);
  return dot < 0 ? withoutTypeArguments : withoutTypeArguments.slice(0, dot);
}

/** `example.com/m/parse.(*T).M` → `(*T).M`; generic instantiations lose their type arguments. */
export function shortFunctionName(functionName: string): string {
  const packagePath = packagePathOf(functionName);
  return functionName.slice(packagePath.length + 1).replace(/\[[^\]]*\]/g, '');
}

const isStandardLibrary = (packagePath: string) => !(packagePath.split('/')[0] ?? '').includes('.') && packagePath !== 'main';

/** A memoizing resolver: a profile repeats the same few hundred files across millions of frames. */
export function pathResolver(context: PathContext): (file: string, functionName: string) => ResolvedPath {
  const memo = new Map<string, ResolvedPath>();
  const modules = [...context.modules].sort((a, b) => b.path.length - a.path.length);
  return (file, functionName) => {
    const key = `${file}\0${packagePathOf(functionName)}`;
    let resolved = memo.get(key);
    if (!resolved) {
      resolved = resolve(file, functionName, modules, context);
      memo.set(key, resolved);
    }
    return resolved;
  };
}

function resolve(file: string, functionName: string, modules: readonly WorkspaceModule[], context: PathContext): ResolvedPath {
  const packagePath = packagePathOf(functionName);
  const base = path.posix.basename(file);
  // 1. The package path names a workspace module's package: its directory, wherever the binary was built.
  for (const module of modules) {
    if (packagePath !== module.path && !packagePath.startsWith(`${module.path}/`)) continue;
    const candidate = path.join(module.directory, packagePath.slice(module.path.length), base);
    if (context.exists(candidate)) return { kind: 'workspace', file: candidate, module };
  }
  // 2. A path that exists here, inside a module (this machine's own build, or package main).
  if (path.isAbsolute(file)) {
    const inside = modules.find((module) => isInside(file, module.directory));
    if (inside && context.exists(file)) return { kind: 'workspace', file, module: inside };
  }
  // 3. -trimpath: module path, then the path inside the module.
  for (const module of modules) {
    if (!file.startsWith(`${module.path}/`)) continue;
    const candidate = path.join(module.directory, file.slice(module.path.length + 1));
    if (context.exists(candidate)) return { kind: 'workspace', file: candidate, module };
  }
  // 4. The module cache, on any machine (`…/pkg/mod/…`) or trimmed (`github.com/x/y@v1.2.3/z.go`).
  const cacheMarker = file.indexOf('/pkg/mod/');
  const inCache =
    cacheMarker >= 0 ? file.slice(cacheMarker + '/pkg/mod/'.length) : !path.isAbsolute(file) && /@v[^/]*\//.test(file) ? file : undefined;
  if (inCache !== undefined) return { kind: 'moduleCache', file: localCopy(context.moduleCache, inCache, context) };
  // 5. The standard library: GOROOT/src on any machine, or trimmed to the package's own path.
  if (isStandardLibrary(packagePath)) {
    const sourceMarker = file.lastIndexOf(`/src/${packagePath}/`);
    const inRoot = sourceMarker >= 0 ? file.slice(sourceMarker + '/src/'.length) : path.posix.join(packagePath, base);
    return { kind: 'goroot', file: localCopy(context.goroot && path.join(context.goroot, 'src'), inRoot, context) };
  }
  // 6. An absolute path from another machine, in package main: a module's checkout by its folder's or its
  // module path's name (`/home/ci/measured/service/main.go` for the module `example.com/measured`), so another
  // program's `cmd/main.go` does not match ours.
  if (path.isAbsolute(file)) {
    const parts = file.split('/').filter(Boolean);
    for (let start = 1; start < parts.length - 1; start++) {
      const checkout = parts[start - 1];
      const tail = parts.slice(start).join('/');
      for (const module of modules) {
        if (checkout !== path.basename(module.directory) && checkout !== module.path.split('/').pop()) continue;
        const candidate = path.join(module.directory, tail);
        if (context.exists(candidate)) return { kind: 'workspace', file: candidate, module };
      }
    }
  }
  return { kind: 'unmatched' };
}

function localCopy(root: string | undefined, relative: string, context: PathContext): string | undefined {
  if (!root) return undefined;
  const candidate = path.join(root, relative);
  return context.exists(candidate) ? candidate : undefined;
}

function isInside(file: string, directory: string): boolean {
  const relative = path.relative(directory, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
