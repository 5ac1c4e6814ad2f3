/**
 * Hover, inlay hints, code lenses, the escape tree and the workspace command over real stdio, on the article's
 * examples compiled by the installed Go. The hover checks are the acceptance list: a returned
 * pointer, a captured variable, a pointer sent on a channel, a value passed to `fmt.Println`, a `make` with
 * a non-constant size and a 16 MiB array, each explained in plain words with links that lead to real lines.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import {
  CodeLensRequest,
  ExecuteCommandRequest,
  type Hover,
  HoverRequest,
  type InlayHint,
  InlayHintRequest,
  type MarkupContent,
} from 'vscode-languageserver-protocol';
import { COMMANDS, EscapeTreePackageRequest, EscapeTreeRequest } from '../../server/src/protocol';
import { requireGo } from '../helpers/goOracle';
import { LspTestClient, REPOSITORY_ROOT } from '../helpers/lspClient';

const ARTICLE = path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'article');
const DEFAULT_HINTS = { heapAllocations: true, stackAllocations: false, leakingParameters: true, inliningDecisions: false };
let client: LspTestClient;

before(async () => {
  requireGo();
  client = await LspTestClient.start(ARTICLE, { settings: {} });
});
after(() => client.stop());

/** Opens a fixture file and waits until its analysis has been published. */
async function openAnalysed(relative: string): Promise<string> {
  const file = path.join(ARTICLE, relative);
  const directory = path.dirname(file);
  const analysed = client.nextStatus((status) => status.state === 'idle' && status.packageDirectory === directory);
  const uri = await client.open(file);
  await analysed;
  return uri;
}

/** The 0-based position of the `occurrence`-th `needle` in a fixture file (UTF-16 columns, as LSP counts). */
function positionOf(relative: string, needle: string, occurrence = 1) {
  const lines = fs
    .readFileSync(path.join(ARTICLE, relative), 'utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/);
  let seen = 0;
  for (let line = 0; line < lines.length; line++) {
    for (let character = lines[line].indexOf(needle); character >= 0; character = lines[line].indexOf(needle, character + 1)) {
      if (++seen === occurrence) return { line, character };
    }
  }
  throw new Error(`${needle} not found in ${relative}`);
}

async function hoverText(relative: string, needle: string, occurrence = 1): Promise<string> {
  const uri = await openAnalysed(relative);
  const hover: Hover | null = await client.connection.sendRequest(HoverRequest.type, {
    textDocument: { uri },
    position: positionOf(relative, needle, occurrence),
  });
  assert.ok(hover, `no hover on ${needle} in ${relative}`);
  const value = (hover.contents as MarkupContent).value;
  assertLinksWork(value);
  return value;
}

/** Every `[name.go:N](file:///…#LN,C)` link names an existing file and a line that exists in it. */
function assertLinksWork(markdown: string): void {
  for (const match of markdown.matchAll(/\[([^\]]+\.go):(\d+)\]\((file:\/\/[^)#]+)#L(\d+)(?:,(\d+))?\)/g)) {
    const [, name, shownLine, uri, line, column] = match;
    const file = fileURLToPath(uri);
    assert.equal(path.basename(file), name);
    assert.equal(shownLine, line);
    assert.ok(fs.existsSync(file), `link to a missing file: ${uri}`);
    const text = fs.readFileSync(file, 'utf8').split('\n')[Number(line) - 1];
    assert.ok(text !== undefined, `link past the end of ${name}: line ${line}`);
    if (column) assert.ok(Number(column) <= text.length + 1, `link past the end of ${name}:${line}: column ${column}`);
  }
}

test('a returned pointer: allocated on the heap, because it is returned from NewPoint, with a link to the return', async () => {
  const text = await hoverText('pointers/pointers.go', '&Point{X: x');
  assert.match(text, /\*\*`&Point\{\.\.\.\}` is allocated on the heap\*\* — a `Point`, 16 bytes \(estimated/);
  assert.match(text, /\*\*Why:\*\* returned to the caller, so it must outlive this function\./);
  assert.match(text, /1\. returned from `NewPoint` \(\[pointers\.go:10\]\(file:\/\/.*\/pointers\/pointers\.go#L10,2\)\)/);
  // The article's advice, to return by value, is wrong here: the compiler inlines NewPoint into its callers.
  assert.match(text, /\*\*Inlined at its calls:\*\* the compiler can inline `NewPoint`/);
  assert.match(text, /\*\*What usually fixes it:\*\* Look at the callers' own facts/);
  assert.match(text, /<details><summary>The compiler's words<\/summary>[\s\S]*pointers\.go:10:9: &Point\{\.\.\.\} escapes to heap/);
});

test('a captured variable: moved to the heap because a closure captures it by reference', async () => {
  const text = await hoverText('closures/closures.go', 'c := Counter');
  assert.match(text, /\*\*`c` is moved to the heap\*\*/);
  assert.match(text, /captured by a closure that may run after this function returns/);
  assert.match(text, /captured by reference by a closure that uses it: `c` \(\[closures\.go:12\]/);
  assert.match(text, /→ the closure, which is itself on the heap/);
});

test('a pointer sent on a channel: another goroutine may use it after the function returns', async () => {
  const text = await hoverText('channels/channels.go', '&Job{');
  assert.match(text, /\*\*Why:\*\* sent on a channel: another goroutine may use it after this function returns\./);
  assert.match(text, /1\. assigned to `j`/);
  assert.match(text, /2\. sent on a channel: .*`jobs <- j` \(\[channels\.go:12\]/);
  assert.match(text, /→ \*\*the heap\*\*/);
  assert.match(text, /Send a value \(`chan T`\)/);
});

test('a value passed to fmt.Println: boxed in an interface, packed into its ... arguments', async () => {
  const text = await hoverText('iface/iface.go', 'count)');
  assert.match(text, /\*\*A copy of `count` is allocated on the heap\*\*, boxed in an interface value — an `int`, 8 bytes/);
  assert.match(text, /converted to an interface value that outlives this function/);
  assert.match(text, /packed into the `\.\.\.` arguments of `fmt\.Println`/);
  assert.match(text, /passed to `fmt\.Fprintln` \(called inside `fmt\.Println`, inlined here\)/);
});

test('a make with a non-constant size: on the stack up to 32 bytes, on the heap at run time beyond', async () => {
  const text = await hoverText('sizes/sizes.go', 'make([]byte, n)');
  assert.match(text, /\*\*`make\(\[\]byte, n\)` stays on the stack\*\*/);
  assert.match(text, /32-byte buffer on the stack/);
  assert.match(text, /allocated on the heap \*\*at run time\*\*/);
});

test('a 16 MiB array: too large for the stack', async () => {
  const text = await hoverText('sizes/sizes.go', 'big [16');
  assert.match(text, /\*\*`big` is moved to the heap\*\*.*16 MiB \(16,777,216 bytes\)/);
  assert.match(text, /\*\*Why:\*\* too large for the stack\./);
  assert.match(text, /128 KiB for a declared variable/);
});

test('a hover on a function name shows its summary: allocations, leaking parameters, inlining', async () => {
  const text = await hoverText('pointers/pointers.go', 'CreateUser(');
  assert.match(text, /^\*\*`CreateUser`\*\* · 1 heap allocation · 1 leaking param · inlinable \(cost \d+\)/);
  assert.match(text, /- `u` \(moved\): returned/);
  assert.match(text, /- `name`: leaks/);
});

test('inlay hints: heap marks and parameter leaks by default, each switched off by its setting', async () => {
  const uri = await openAnalysed('config/config.go');
  const everything = { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } };
  const labels = async () =>
    ((await client.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: everything })) ?? []).map(
      (hint: InlayHint) => String(hint.label),
    );
  await client.changeSettings({});
  const defaults = await labels();
  assert.ok(defaults.includes('heap'), JSON.stringify(defaults));
  assert.ok(defaults.includes('leaks'), JSON.stringify(defaults));
  assert.ok(
    !defaults.some((label) => label.startsWith('inlinable') || label.startsWith('not inlinable')),
    'inlining hints are off by default',
  );

  await client.changeSettings({ inlayHints: { ...DEFAULT_HINTS, inliningDecisions: true } });
  assert.ok((await labels()).includes('not inlinable: cost 98 > 80'));

  await client.changeSettings({ inlayHints: { ...DEFAULT_HINTS, heapAllocations: false, leakingParameters: false } });
  assert.deepEqual(await labels(), []);
  await client.changeSettings({});
});

test("code lenses count each function's allocations, list its sites, and can be switched off", async () => {
  const uri = await openAnalysed('pointers/pointers.go');
  await client.changeSettings({});
  const lenses = (await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) ?? [];
  const createUser = lenses.find((lens) => lens.command?.title.includes('leaking param'));
  assert.ok(createUser, JSON.stringify(lenses));
  assert.match(createUser.command!.title, /^1 heap allocation · 1 leaking param · inlinable \(cost \d+\)$/);
  assert.equal(createUser.command!.command, COMMANDS.showSites);
  const sites = createUser.command!.arguments![2] as { uri: string }[];
  assert.equal(sites.length, 2);
  assert.ok(sites.every((site) => site.uri === uri));

  await client.changeSettings({ codeLens: { enabled: false } });
  assert.deepEqual(await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } }), []);
  await client.changeSettings({});
});

test('analysing the workspace fills the escape tree with every package that allocates, hot spots first', async () => {
  const summary = (await client.connection.sendRequest(ExecuteCommandRequest.type, { command: COMMANDS.analyseWorkspace })) as {
    packages: number;
    analysed: number;
  };
  assert.ok(summary.packages >= 10, JSON.stringify(summary));
  assert.equal(summary.analysed, summary.packages, JSON.stringify(summary));

  const tree = await client.connection.sendRequest(EscapeTreeRequest);
  const names = tree.map((item) => item.name);
  // withtests is compiled with its tests (`p [p.test]`, `p_test [p.test]`, `p.test`): one package, its own name.
  for (const name of ['pointers', 'closures', 'channels', 'config', 'iface', 'sizes', 'generics', 'unicode', 'withtests']) {
    assert.ok(names.includes(`example.com/article/${name}`), `${name} is missing from ${names.join(', ')}`);
  }
  assert.ok(!names.includes('example.com/article/vector'), 'vector allocates nothing, so it is not listed');
  assert.equal(new Set(names).size, names.length, `a package is listed twice: ${names.join(', ')}`);
  const counts = tree.map((item) => item.heapAllocations ?? 0);
  assert.deepEqual(
    counts,
    [...counts].sort((a, b) => b - a),
    'packages are sorted by count',
  );
  // The packages come alone; each one's files, functions and sites when it is expanded.
  assert.ok(tree.every((item) => !('files' in item)));
  const filesOf = (directory: string) => client.connection.sendRequest(EscapeTreePackageRequest, { directory });
  for (const item of tree) {
    const files = await filesOf(item.directory);
    assert.equal(
      item.heapAllocations,
      files.reduce((sum, file) => sum + (file.heapAllocations ?? 0), 0),
    );
    for (const file of files) {
      const functionCounts = file.functions.map((entry) => entry.heapAllocations ?? 0);
      assert.deepEqual(
        functionCounts,
        [...functionCounts].sort((a, b) => b - a),
        `functions of ${file.uri} are sorted by count`,
      );
      for (const entry of file.functions) assert.equal(entry.sites.length, entry.heapAllocations);
    }
  }
  const pointers = tree.find((item) => item.name === 'example.com/article/pointers')!;
  const newPoint = (await filesOf(pointers.directory))[0].functions.find((entry) => entry.name === 'NewPoint');
  assert.equal(newPoint?.sites[0].expression, '&Point{...}');
  assert.equal(newPoint?.sites[0].reason, 'returned');
  assert.equal(newPoint?.sites[0].uri, pathToFileURL(path.join(ARTICLE, 'pointers', 'pointers.go')).href);

  // closures was analysed only by the workspace command: the server kept its tree, not its facts. Opening
  // one of its files analyses it again, and the tree it then builds from the facts is the same.
  const closures = path.join(ARTICLE, 'closures');
  const kept = await filesOf(closures);
  assert.ok(kept.length > 0);
  await openAnalysed('closures/closures.go');
  assert.deepEqual(await filesOf(closures), kept);
  assert.deepEqual(await client.connection.sendRequest(EscapeTreeRequest), tree);
});
