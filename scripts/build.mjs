// Bundles the client, the language server and the CLI with esbuild, and puts the tree-sitter wasm files
// beside the bundles, where server/src/syntax/goParser.ts looks for them.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dist = path.join(root, 'dist');
// Overwrite in place rather than delete first: a test run reading dist/ never sees it missing.
fs.mkdirSync(dist, { recursive: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  // No comments and no whitespace, but the names are kept, so a stack trace in the log still reads. A
  // single non-ASCII character in a comment made V8 hold the whole bundle's source as a two-byte string:
  // 3.5 MB of the server's memory.
  minifyWhitespace: true,
  minifySyntax: true,
  charset: 'ascii',
  logLevel: 'warning',
  absWorkingDir: root,
  // web-tree-sitter locates its files through import.meta.url, which a CommonJS bundle does not have.
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
};

await Promise.all([
  esbuild.build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] }),
  esbuild.build({ ...common, entryPoints: ['server/src/main.ts'], outfile: 'dist/server.js' }),
  esbuild.build({ ...common, entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli.js' }),
  // Decodes a share of a large allocation profile on a worker thread (server/src/engine/profileWorkers.ts).
  esbuild.build({ ...common, entryPoints: ['server/src/engine/profileWorker.ts'], outfile: 'dist/profileWorker.js' }),
]);
fs.chmodSync(path.join(dist, 'cli.js'), 0o755);

// web-tree-sitter's CommonJS file is loaded at run time, not bundled, so the server can load a fresh copy
// and drop an old WebAssembly memory (server/src/syntax/goParser.ts).
for (const file of [
  'node_modules/web-tree-sitter/web-tree-sitter.wasm',
  'node_modules/web-tree-sitter/web-tree-sitter.cjs',
  'node_modules/tree-sitter-go/tree-sitter-go.wasm',
]) {
  fs.copyFileSync(path.join(root, file), path.join(dist, path.basename(file)));
}
// The tree-sitter queries are read at run time from grammars/ beside dist/ (server/src/syntax/goQueries.ts);
// package.json's `files` ships that folder. A build without them would fail on the first Go file.
const queries = fs.readdirSync(path.join(root, 'grammars', 'go')).filter((file) => file.endsWith('.scm'));
if (queries.length === 0) throw new Error('grammars/go/ holds no .scm query: the server cannot run without them');
console.log(
  `built dist/client.js, dist/server.js, dist/cli.js, dist/profileWorker.js and the tree-sitter runtime files; queries: ${queries.join(', ')}`,
);
