/**
 * Loads web-tree-sitter and the Go grammar, and hands out syntax trees that are always freed.
 *
 * web-tree-sitter keeps trees in WebAssembly memory that the JavaScript garbage collector never sees, so a
 * tree that is not deleted leaks for the life of the server. `withGoTree` is the only way to get one.
 *
 * WebAssembly memory only grows: after a 12,000-line file the runtime keeps some 20 MB that no later parse
 * needs. So the runtime itself is renewable: web-tree-sitter's CommonJS file is loaded afresh (it keeps its
 * WebAssembly instance in module state), and `releaseParserMemory` drops the old one once the server is
 * quiet, with everything it held.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { Language, Parser, Tree } from 'web-tree-sitter';

type WebTreeSitter = typeof import('web-tree-sitter');

const RUNTIME_FILES = ['web-tree-sitter.wasm', 'tree-sitter-go.wasm', 'web-tree-sitter.cjs'] as const;

/** A parse of a source larger than this leaves the WebAssembly memory grown: the runtime is renewed when quiet. */
export const LARGE_SOURCE_CHARACTERS = 64 * 1024;

/**
 * The bundles find the wasm files beside themselves (`dist/`); tests running from source find them in
 * node_modules.
 */
function findRuntimeFile(name: (typeof RUNTIME_FILES)[number]): string {
  const candidates = [
    path.join(__dirname, name),
    path.join(__dirname, '..', '..', '..', 'dist', name),
    path.join(__dirname, '..', '..', '..', 'node_modules', 'web-tree-sitter', name),
    path.join(__dirname, '..', '..', '..', 'node_modules', 'tree-sitter-go', name),
  ];
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (!found) throw new Error(`Go Escape Lens cannot find ${name}; looked in:\n${candidates.join('\n')}`);
  return found;
}

let loading: Promise<Parser> | undefined;
/** The largest source parsed by the current runtime. */
let largestParsed = 0;

/** A new copy of web-tree-sitter, with a WebAssembly instance of its own once initialised. */
function freshWebTreeSitter(): WebTreeSitter {
  const file = findRuntimeFile('web-tree-sitter.cjs');
  const load = createRequire(__filename);
  delete load.cache[file];
  const runtime = load(file) as WebTreeSitter;
  // Not kept in require's cache: once the parser is dropped, nothing refers to this copy any more.
  delete load.cache[file];
  return runtime;
}

/** Each runtime's classes by its Go language: queries must be compiled by the runtime their trees come from. */
const runtimes = new WeakMap<Language, WebTreeSitter>();

/** The `Query` class of the runtime that `language` belongs to. */
export function queryClassOf(language: Language): WebTreeSitter['Query'] {
  const runtime = runtimes.get(language);
  if (!runtime) throw new Error('a Go language that this parser did not load');
  return runtime.Query;
}

/** The shared parser. Parsing is synchronous, so one parser serves every request in this process. */
export function loadGoParser(): Promise<Parser> {
  loading ??= (async () => {
    const webTreeSitter = freshWebTreeSitter();
    const { Language, Parser } = webTreeSitter;
    const runtime = findRuntimeFile('web-tree-sitter.wasm');
    await Parser.init({ locateFile: () => runtime });
    const language = await Language.load(findRuntimeFile('tree-sitter-go.wasm'));
    runtimes.set(language, webTreeSitter);
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  })();
  return loading;
}

/** Parses `text`, runs `use` on the tree, and frees the tree whatever happens. */
export async function withGoTree<T>(text: string, use: (tree: Tree) => T): Promise<T> {
  const parser = await loadGoParser();
  largestParsed = Math.max(largestParsed, text.length);
  const tree = parser.parse(text);
  if (!tree) throw new Error('tree-sitter returned no tree for a Go file');
  try {
    return use(tree);
  } finally {
    tree.delete();
  }
}

/**
 * Drops the runtime if it has parsed a large source: its WebAssembly memory goes with it, and the next parse
 * loads a fresh one (some 50 ms). Trees never outlive `withGoTree`, so nothing refers to the old one.
 * Returns whether it was dropped.
 */
export function releaseParserMemory(): boolean {
  if (!loading || largestParsed < LARGE_SOURCE_CHARACTERS) return false;
  loading = undefined;
  largestParsed = 0;
  return true;
}
