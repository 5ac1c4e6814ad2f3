/**
 * Loads web-tree-sitter and the Go grammar once, and hands out syntax trees that are always freed.
 *
 * web-tree-sitter keeps trees in WebAssembly memory that the JavaScript garbage collector never sees, so a
 * tree that is not deleted leaks for the life of the server. `withGoTree` is the only way to get one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Language, Parser, type Tree } from 'web-tree-sitter';

const WASM_FILES = ['web-tree-sitter.wasm', 'tree-sitter-go.wasm'] as const;

/**
 * The bundles find the wasm files beside themselves (`dist/`); tests running from source find them in
 * node_modules.
 */
function findWasm(name: (typeof WASM_FILES)[number]): string {
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

/** The shared parser. Parsing is synchronous, so one parser serves every request in this process. */
export function loadGoParser(): Promise<Parser> {
  loading ??= (async () => {
    const runtime = findWasm('web-tree-sitter.wasm');
    await Parser.init({ locateFile: () => runtime });
    const language = await Language.load(findWasm('tree-sitter-go.wasm'));
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  })();
  return loading;
}

/** Parses `text`, runs `use` on the tree, and frees the tree whatever happens. */
export async function withGoTree<T>(text: string, use: (tree: Tree) => T): Promise<T> {
  const parser = await loadGoParser();
  const tree = parser.parse(text);
  if (!tree) throw new Error('tree-sitter returned no tree for a Go file');
  try {
    return use(tree);
  } finally {
    tree.delete();
  }
}
