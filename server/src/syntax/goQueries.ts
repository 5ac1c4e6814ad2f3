/**
 * The tree-sitter queries of grammars/go/*.scm: each compiled once per tree-sitter runtime, on first use, and
 * freed by `disposeGoQueries` when the server shuts down, or when the runtime is renewed (goParser.ts). A match is handed out as its captures by name; the nodes
 * belong to the caller's tree and live as long as it (inside `withGoTree`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Language, Node, Query } from 'web-tree-sitter';
import { queryClassOf } from './goParser';

/** The query files, by name: grammars/go/<name>.scm. */
export const GO_QUERY_NAMES = ['functions', 'imports', 'structTypes'] as const;
export type GoQueryName = (typeof GO_QUERY_NAMES)[number];

const compiled = new Map<GoQueryName, Query>();
/** The language (and so the runtime) the compiled queries belong to. */
let compiledFor: Language | undefined;

/** The bundles find grammars/ beside dist/; tests running from source find it at the repository root. */
export function goQueryFile(name: GoQueryName): string {
  const candidates = [path.join(__dirname, '..', 'grammars', 'go'), path.join(__dirname, '..', '..', '..', 'grammars', 'go')].map(
    (directory) => path.join(directory, `${name}.scm`),
  );
  const found = candidates.find((candidate) => fs.existsSync(candidate));
  if (!found) throw new Error(`Go Escape Lens cannot find the query ${name}.scm; looked in:\n${candidates.join('\n')}`);
  return found;
}

function query(language: Language, name: GoQueryName): Query {
  // A renewed runtime: the old queries live in the old WebAssembly memory, which is being let go.
  if (compiledFor !== language) disposeGoQueries();
  compiledFor = language;
  let compiledQuery = compiled.get(name);
  if (!compiledQuery) {
    const QueryClass = queryClassOf(language);
    compiledQuery = new QueryClass(language, fs.readFileSync(goQueryFile(name), 'utf8'));
    compiled.set(name, compiledQuery);
  }
  return compiledQuery;
}

/** One match: each capture's node by capture name (the first, for a capture that repeats). */
export type Captures = Readonly<Record<string, Node | undefined>>;

/** The matches of a query under `node`, in document order. */
export function goMatches(name: GoQueryName, node: Node): Captures[] {
  return query(node.tree.language, name)
    .matches(node)
    .map((match) => {
      const captures: Record<string, Node> = {};
      for (const capture of match.captures) captures[capture.name] ??= capture.node;
      return captures;
    });
}

/** Frees the compiled queries (they live in WebAssembly memory). The next use compiles them again. */
export function disposeGoQueries(): void {
  for (const compiledQuery of compiled.values()) compiledQuery.delete();
  compiled.clear();
  compiledFor = undefined;
}
