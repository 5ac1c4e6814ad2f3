/**
 * What the syntax tree of an analysed file says about its declarations, computed once per analysis result.
 *
 * A `FileAnalysis` is immutable and replaced by a new object when the file is analysed again, so the memo is
 * keyed by the object itself (a WeakMap): a result's declarations are parsed once however many hovers, hints
 * and lenses ask, and are dropped with the result. Without it a hover in net/http's 12,000-line
 * h2_bundle.go re-parsed all 34 files of the package (220 ms on average).
 */
import type { FileAnalysis } from '../model/analysis';
import type { LocatedFact } from '../model/analysis';
import { type Allocation, allocationOf } from './allocation';
import {
  type FunctionDeclaration,
  functionDeclarations,
  importedPaths,
  mergeDeclarations,
  type PackageDeclarations,
  packageDeclarations,
} from '../syntax/declarations';
import { withGoTree } from '../syntax/goParser';

export interface FileSyntax {
  readonly functions: readonly FunctionDeclaration[];
  readonly declarations: PackageDeclarations;
  /** The file's import paths: which packages a save should refresh when one of them changes. */
  readonly imports: ReadonlySet<string>;
}

const memo = new WeakMap<FileAnalysis, Promise<FileSyntax>>();

export function fileSyntax(file: FileAnalysis): Promise<FileSyntax> {
  let syntax = memo.get(file);
  if (!syntax) {
    syntax = withGoTree(file.source.text, (tree) => ({
      functions: functionDeclarations(tree),
      declarations: packageDeclarations(tree),
      imports: importedPaths(tree),
    }));
    // A failed parse is not remembered: the next request tries again.
    syntax.catch(() => memo.delete(file));
    memo.set(file, syntax);
  }
  return syntax;
}

const functionsMemo = new WeakMap<FileAnalysis, Promise<readonly FunctionDeclaration[]>>();

/**
 * The file's function declarations alone: all the escape tree needs. Taken from `fileSyntax` when a hover or
 * lens has already parsed the file, else from `rememberFunctions`, else parsed here with no other query.
 */
export function fileFunctions(file: FileAnalysis): Promise<readonly FunctionDeclaration[]> {
  const full = memo.get(file);
  if (full) return full.then((syntax) => syntax.functions);
  let functions = functionsMemo.get(file);
  if (!functions) {
    functions = withGoTree(file.source.text, functionDeclarations);
    functions.catch(() => functionsMemo.delete(file));
    functionsMemo.set(file, functions);
  }
  return functions;
}

/**
 * The declarations read from the tree the facts were placed with: the workspace command builds a tree node
 * of every package, and a second parse of each file only for its functions cost about as much as placing.
 */
export function rememberFunctions(file: FileAnalysis, functions: readonly FunctionDeclaration[]): void {
  functionsMemo.set(file, Promise.resolve(functions));
}

const packageMemo = new WeakMap<ReadonlyMap<string, FileAnalysis>, Promise<PackageDeclarations>>();

/** The types and constants of every file of a package result, merged: a type declared in another file still has a size. */
export function packageSyntax(files: ReadonlyMap<string, FileAnalysis>): Promise<PackageDeclarations> {
  let declarations = packageMemo.get(files);
  if (!declarations) {
    declarations = Promise.all([...files.values()].map(async (file) => (await fileSyntax(file)).declarations)).then(mergeDeclarations);
    declarations.catch(() => packageMemo.delete(files));
    packageMemo.set(files, declarations);
  }
  return declarations;
}

const allocationMemo = new WeakMap<FileAnalysis, Promise<ReadonlyMap<LocatedFact, Allocation>>>();

/**
 * What each fact of a file allocates, read in one parse of the file for all its facts: a hover then needs no
 * tree (parsing a 12,000-line file costs tens of milliseconds, a hover should not).
 */
export function fileAllocations(
  file: FileAnalysis,
  packageFiles: ReadonlyMap<string, FileAnalysis>,
): Promise<ReadonlyMap<LocatedFact, Allocation>> {
  let allocations = allocationMemo.get(file);
  if (!allocations) {
    allocations = (async () => {
      const own = (await fileSyntax(file)).declarations;
      const declarations =
        packageFiles.get(file.file) === file
          ? await packageSyntax(packageFiles)
          : mergeDeclarations([own, await packageSyntax(packageFiles)]);
      return withGoTree(
        file.source.text,
        (tree) => new Map(file.located.map((located) => [located, allocationOf(tree, located, declarations)])),
      );
    })();
    allocations.catch(() => allocationMemo.delete(file));
    allocationMemo.set(file, allocations);
  }
  return allocations;
}
