/**
 * The optimisation annotations over real stdio, compiled by the installed Go: what the editor counts (the
 * Heap Allocations tree, code lenses, the status bar, inlay hints) follows `goEscapeLens.annotations`, and
 * every count agrees with a plain compiler run.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import {
  type CodeLens,
  CodeLensRequest,
  HoverRequest,
  type InlayHint,
  InlayHintRequest,
  type MarkupContent,
} from 'vscode-languageserver-protocol';
import {
  type EscapeTreeFile,
  type EscapeTreePackage,
  EscapeTreePackageRequest,
  EscapeTreeRequest,
  type StatusParams,
} from '../../server/src/protocol';
import { compilerLinesMatching, heapFactsFromCompiler, type OracleFact, requireGo } from '../helpers/goOracle';
import { LspTestClient, REPOSITORY_ROOT } from '../helpers/lspClient';

const FIXTURE = path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'annotations');
const MIXED = path.join(FIXTURE, 'mixed');
const BOUNDS = /^Found Is(?:Slice)?InBounds$/;
const EVERYTHING = { start: { line: 0, character: 0 }, end: { line: 1000, character: 0 } };

let client: LspTestClient;
let boundsChecks: OracleFact[];
let heapFacts: OracleFact[];

before(async () => {
  requireGo();
  boundsChecks = compilerLinesMatching(MIXED, '-d=ssa/check_bce/debug=1', BOUNDS);
  heapFacts = heapFactsFromCompiler(MIXED);
  assert.equal(boundsChecks.length, 5, 'the fixture keeps five bounds checks');
  assert.equal(heapFacts.length, 2, 'the fixture has two heap allocations');
  client = await LspTestClient.start(FIXTURE, { settings: {} });
});
after(() => client.stop());

let opened: string | undefined;

/** Changes the settings (opening mixed.go the first time) and waits for the analysis with them. */
async function withSettings(settings: Record<string, unknown>): Promise<{ uri: string; status: StatusParams }> {
  const analysed = client.nextStatus((status) => status.state === 'idle' && status.packageDirectory === MIXED);
  await client.changeSettings(settings);
  opened ??= await client.open(path.join(MIXED, 'mixed.go'));
  return { uri: opened, status: await analysed };
}

async function tree(): Promise<{ item: EscapeTreePackage; files: readonly EscapeTreeFile[] }> {
  const packages = await client.connection.sendRequest(EscapeTreeRequest);
  const item = packages.find((candidate) => candidate.directory === MIXED);
  assert.ok(item, `the mixed package is in the tree: ${JSON.stringify(packages)}`);
  return { item, files: await client.connection.sendRequest(EscapeTreePackageRequest, { directory: MIXED }) };
}

async function lensTitles(uri: string): Promise<string[]> {
  const lenses: CodeLens[] = (await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) ?? [];
  return lenses.map((lens) => lens.command?.title ?? '');
}

async function hintLabels(uri: string): Promise<string[]> {
  const hints: InlayHint[] =
    (await client.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: EVERYTHING })) ?? [];
  return hints.map((hint) => String(hint.label));
}

/** Each compiler position is inside exactly one site of the function tree, and there are no other sites. */
function assertSitesAt(files: readonly EscapeTreeFile[], kinds: readonly string[], expected: readonly OracleFact[]): void {
  const sites = files.flatMap((file) => file.functions.flatMap((entry) => entry.sites)).filter((site) => kinds.includes(site.kind));
  assert.equal(sites.length, expected.length, JSON.stringify(sites));
  for (const fact of expected) {
    const containing = sites.filter(
      ({ range }) =>
        (range.start.line < fact.line0 || (range.start.line === fact.line0 && range.start.character <= fact.utf16Column)) &&
        (range.end.line > fact.line0 || (range.end.line === fact.line0 && range.end.character >= fact.utf16Column)),
    );
    assert.equal(containing.length, 1, `${fact.line}:${fact.byteColumn} ${fact.message}`);
  }
}

test('escapes off, bounds on: the tree, lenses, status bar and hints count bounds checks only', async () => {
  const { uri, status } = await withSettings({ annotations: { escape: false, bounds: true } });
  assert.equal(status.heapAllocationsByUri?.[uri], undefined, 'no heap count in the status bar');
  assert.deepEqual(status.checksByUri?.[uri], { bounds: boundsChecks.length });

  const { item, files } = await tree();
  assert.equal(item.heapAllocations, undefined, 'no heap count when escapes are off');
  assert.equal(item.boundsChecks, boundsChecks.length);
  assertSitesAt(files, ['bounds'], boundsChecks);
  assertSitesAt(files, ['escape', 'moved'], []);
  const functions = Object.fromEntries(files[0].functions.map((entry) => [entry.name, entry.boundsChecks]));
  assert.deepEqual(functions, { Header: 2, At: 1, Parse: 1, first: 1 }, 'Name allocates only: not listed');
  assert.equal(files[0].functions[0].name, 'Header', 'the most checks first');

  const titles = await lensTitles(uri);
  assert.equal(titles.length, 4, JSON.stringify(titles));
  assert.ok(
    titles.every((title) => /^\d bounds checks? · inlinable \(cost \d+\)$/.test(title)),
    JSON.stringify(titles),
  );
  assert.ok(!(await hintLabels(uri)).includes('heap'), 'no heap hints when escapes are off');
});

test('escapes on, bounds off (the defaults): heap allocations only, as before', async () => {
  const { uri, status } = await withSettings({});
  assert.equal(status.heapAllocationsByUri?.[uri], heapFacts.length);
  assert.deepEqual(status.checksByUri?.[uri], {});

  const { item, files } = await tree();
  assert.equal(item.heapAllocations, heapFacts.length);
  assert.equal(item.boundsChecks, undefined);
  assertSitesAt(files, ['escape', 'moved'], heapFacts);
  assertSitesAt(files, ['bounds'], []);
  assert.deepEqual(
    files[0].functions.map((entry) => entry.name),
    ['Header', 'Name'],
  );
  const titles = await lensTitles(uri);
  assert.deepEqual(
    titles.map((title) => title.replace(/ · inlinable.*/, '')),
    ['1 heap allocation', '1 heap allocation'],
  );
  assert.ok((await hintLabels(uri)).includes('heap'));
});

test('both on: each function counts both kinds, and its lens lists both kinds of site', async () => {
  const { uri } = await withSettings({ annotations: { escape: true, bounds: true } });
  const { item, files } = await tree();
  assert.equal(item.heapAllocations, heapFacts.length);
  assert.equal(item.boundsChecks, boundsChecks.length);
  const header = files[0].functions.find((entry) => entry.name === 'Header');
  assert.deepEqual([header?.heapAllocations, header?.boundsChecks, header?.sites.length], [1, 2, 3]);
  const lenses: CodeLens[] = (await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) ?? [];
  const headerLens = lenses.find((lens) => lens.command?.title.startsWith('1 heap allocation · 2 bounds checks'));
  assert.ok(headerLens, JSON.stringify(lenses.map((lens) => lens.command?.title)));
  assert.equal((headerLens.command!.arguments![2] as unknown[]).length, 3);
});

const INLINING = path.join(FIXTURE, 'inlining');
const GOOD_NEWS = /^(?:inlining call to |devirtualizing |zero-copy string->\[\]byte conversion$|\S+ ignoring self-assignment in )/;

/** Opens inlining.go with the inline annotations on and waits for its diagnostics. */
async function openInlining(lsp: LspTestClient): Promise<{ uri: string; diagnostics: readonly { code?: string | number }[] }> {
  const file = path.join(INLINING, 'inlining.go');
  const analysed = lsp.nextStatus((status) => status.state === 'idle' && status.packageDirectory === INLINING);
  await lsp.changeSettings({ annotations: { inline: true } });
  const uri = await lsp.open(file);
  await analysed;
  return { uri, diagnostics: lsp.diagnostics.get(uri)?.diagnostics ?? [] };
}

test('inlined calls and the good news are inlay hints after their construct in an editor with inlay hints, not diagnostics', async () => {
  const expected = compilerLinesMatching(INLINING, '-m', GOOD_NEWS);
  assert.equal(expected.length, 6, JSON.stringify(expected));
  const lsp = await LspTestClient.start(FIXTURE, { settings: {}, inlayHints: true });
  try {
    const { uri, diagnostics } = await openInlining(lsp);
    assert.deepEqual(
      diagnostics.filter((diagnostic) => diagnostic.code === 'inlined-call'),
      [],
      'the hints stand for them: no dots under every inlined call',
    );
    const hints: InlayHint[] =
      (await lsp.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: EVERYTHING })) ?? [];
    const lines = fs.readFileSync(path.join(INLINING, 'inlining.go'), 'utf8').split('\n');
    // Each hint right after the construct the compiler reported on: the call's closing parenthesis, the
    // conversion's, the self-assignment's end.
    const shown = hints.map((hint) => [
      hint.position.line + 1,
      lines[hint.position.line].slice(0, hint.position.character),
      String(hint.label),
    ]);
    assert.deepEqual(
      shown.map(([line, before, label]) => [
        line,
        String(before).replace(/^.*?(add\(add\(a, b\)|add\(add\(a, b\), c\)|s\.Area\(\)|\[\]byte\(s\)|b\.data\[:n\])$/, '$1'),
        label,
      ]),
      [
        [13, 'add(add(a, b)', 'inlined'],
        [13, 'add(add(a, b), c)', 'inlined'],
        [18, 's.Area()', 'devirtualized, inlined'],
        [24, '[]byte(s)', 'no copy'],
        [35, 'b.data[:n]', 'not stored'],
      ],
    );
    // Every line the compiler printed has its hint, and no hint is on a line it did not print.
    assert.deepEqual(
      [...new Set(shown.map(([line]) => line))],
      [...new Set(expected.map((fact) => fact.line))].sort((a, b) => a - b),
    );
    assert.ok(hints.every((hint) => typeof hint.tooltip === 'object' && hint.tooltip.value.length > 0));

    await lsp.changeSettings({ annotations: { inline: false } });
    const off: InlayHint[] = (await lsp.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: EVERYTHING })) ?? [];
    assert.deepEqual(off, [], 'off by default');
  } finally {
    await lsp.stop();
  }
});

test('an editor without inlay hints (Neovim 0.7) gets them as Hint diagnostics, one per compiler line', async () => {
  const expected = compilerLinesMatching(INLINING, '-m', GOOD_NEWS);
  const { diagnostics } = await openInlining(client);
  assert.equal(diagnostics.filter((diagnostic) => diagnostic.code === 'inlined-call').length, expected.length);
  await client.close(path.join(INLINING, 'inlining.go'));
});

test('the hover on a constant-index bounds check names the verified hoist, with the count the compiler measured', async () => {
  const hoist = path.join(FIXTURE, 'hoist');
  const file = path.join(hoist, 'hoist.go');
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  // The oracle: Uint32 keeps a check per index; Hinted, the same code after `_ = b[3]`, keeps one.
  const checks = compilerLinesMatching(hoist, '-d=ssa/check_bce/debug=1', BOUNDS);
  const lineOf = (text: string) => lines.findIndex((line) => line.includes(text)) + 1;
  const uint32 = checks.filter((fact) => fact.line === lineOf('func Uint32') + 1).length;
  const hinted = checks.filter((fact) => fact.line > lineOf('func Hinted') && fact.line < lineOf('func Array')).length;
  assert.deepEqual([uint32, hinted], [4, 1]);

  const analysed = client.nextStatus((status) => status.state === 'idle' && status.packageDirectory === hoist);
  await client.changeSettings({ annotations: { bounds: true } });
  const uri = await client.open(file);
  await analysed;
  await client.logLine((line) => line.startsWith('quick-fixes verified for hoist:'));

  const line = lineOf('func Uint32');
  const hover = await client.connection.sendRequest(HoverRequest.type, {
    textDocument: { uri },
    position: { line, character: lines[line].indexOf('b[1]') },
  });
  const text = (hover?.contents as MarkupContent | undefined)?.value ?? '';
  assert.match(text, /\*\*Bounds check\*\* on `b\[1\]`/);
  assert.match(text, /\*\*Checks kept in `Uint32`:\*\* 4 bounds checks\./);
  assert.ok(
    text.includes(
      `**Quick fix (verified by the compiler):** _Check b's bounds once — removes ${uint32 - hinted} bounds checks (verified)_`,
    ),
    text,
  );

  // Hinted keeps its one check, which no hoist removes: its hover offers nothing.
  const hintedCheck = lineOf('_ = b[3]') - 1;
  const none = await client.connection.sendRequest(HoverRequest.type, {
    textDocument: { uri },
    position: { line: hintedCheck, character: lines[hintedCheck].indexOf('b[3]') },
  });
  const noneText = (none?.contents as MarkupContent | undefined)?.value ?? '';
  assert.match(noneText, /\*\*Bounds check\*\*/);
  assert.doesNotMatch(noneText, /Quick fix/);
  await client.close(file);
});

test('nil checks on, escapes off: the tree and lenses count the explicit nil checks the compiler keeps', async () => {
  const nilchecks = path.join(FIXTURE, 'nilchecks');
  const expected = compilerLinesMatching(nilchecks, '-d=nil', /^generated nil check$/);
  assert.equal(expected.length, 2, JSON.stringify(expected));
  const file = path.join(nilchecks, 'nilchecks.go');
  const analysed = client.nextStatus((status) => status.state === 'idle' && status.packageDirectory === nilchecks);
  await client.changeSettings({ annotations: { escape: false, nil: true } });
  const uri = await client.open(file);
  const status = await analysed;
  assert.deepEqual(status.checksByUri?.[uri], { nil: expected.length });

  const packages = await client.connection.sendRequest(EscapeTreeRequest);
  const item = packages.find((candidate) => candidate.directory === nilchecks);
  assert.deepEqual([item?.heapAllocations, item?.boundsChecks, item?.nilChecks], [undefined, undefined, expected.length]);
  const files = await client.connection.sendRequest(EscapeTreePackageRequest, { directory: nilchecks });
  assertSitesAt(files, ['nil'], expected);
  assert.deepEqual(files[0].functions.map((entry) => [entry.name, entry.nilChecks]).sort(), [
    ['ArrayView', 1],
    ['FieldAddress', 1],
  ]);
  const titles = await lensTitles(uri);
  assert.deepEqual(
    titles.map((title) => title.replace(/ · inlinable.*/, '')),
    ['1 nil check', '1 nil check'],
  );
  await client.close(file);
});
