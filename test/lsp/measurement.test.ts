/**
 * Measuring allocations through the language server over real stdio: the "Measure allocations" lens runs
 * the real benchmark, and the hover, inlay hints, function lenses and `measured-allocation` diagnostics then
 * show the per-op figures on the lines of test/fixtures/measured; edits move them with the code; Restricted
 * Mode runs nothing.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import {
  type CodeAction,
  CodeActionRequest,
  type CodeLens,
  CodeLensRequest,
  ExecuteCommandRequest,
  type Hover,
  HoverRequest,
  type InlayHint,
  InlayHintRequest,
  type MarkupContent,
  ShowMessageRequest,
} from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  COMMANDS,
  type EscapeTreeFile,
  EscapeTreePackageRequest,
  EscapeTreeRequest,
  type MeasurementOutcome,
} from '../../server/src/protocol';
import { requireGo } from '../helpers/goOracle';
import { LspTestClient, REPOSITORY_ROOT } from '../helpers/lspClient';

const MODULE = path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'measured');
const PARSE = path.join(MODULE, 'parse');
const PARSE_GO = path.join(PARSE, 'parse.go');
const PARSE_TEST_GO = path.join(PARSE, 'parse_test.go');
const SETTINGS = { measurement: { benchtime: '500x' } };

function positionOf(text: string, needle: string) {
  const lines = text.split('\n');
  const line = lines.findIndex((candidate) => candidate.includes(needle));
  assert.ok(line >= 0, `${needle} is in the text`);
  return { line, character: (lines[line] ?? '').indexOf(needle) };
}

describe('measuring a benchmark in the editor', () => {
  let client: LspTestClient;
  let parseUri: string;
  let testUri: string;
  const parseText = fs.readFileSync(PARSE_GO, 'utf8');

  const hoverAt = async (uri: string, text: string, needle: string) => {
    const hover: Hover | null = await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: positionOf(text, needle),
    });
    return hover ? (hover.contents as MarkupContent).value : '';
  };
  const lenses = (uri: string): Promise<CodeLens[]> =>
    client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } }) as Promise<CodeLens[]>;

  before(async () => {
    requireGo();
    client = await LspTestClient.start(MODULE, { settings: SETTINGS });
    const analysed = client.nextStatus((status) => status.state === 'idle' && status.packageDirectory === PARSE);
    testUri = await client.open(PARSE_TEST_GO);
    await analysed;
    parseUri = await client.open(PARSE_GO);
  });
  after(() => client.stop());

  test('a lens above each benchmark offers to measure it', async () => {
    const titles = (await lenses(testUri)).filter((lens) => lens.command?.command === COMMANDS.measureBenchmark);
    assert.deepEqual(
      titles.map((lens) => lens.command?.arguments?.[1]),
      [
        'BenchmarkParse',
        'BenchmarkFields',
        'BenchmarkCount',
        'BenchmarkChecksum',
        'BenchmarkShout',
        'BenchmarkPair',
        'BenchmarkNewToken',
        'BenchmarkNothing',
        'BenchmarkFails',
      ],
    );
    assert.ok(titles.every((lens) => lens.command?.title === 'Measure allocations'));
    assert.deepEqual(
      await client.connection.sendRequest(ExecuteCommandRequest.type, { command: COMMANDS.listBenchmarks, arguments: [parseUri] }),
      titles.map((lens) => lens.command?.arguments?.[1]),
    );
  });

  test('measuring shows the figures: lens, hover, hint, function lens and diagnostics', async () => {
    const diagnostics = client.nextDiagnostics(parseUri, (params) =>
      params.diagnostics.some((diagnostic) => diagnostic.code === 'measured-allocation'),
    );
    const outcome = (await client.connection.sendRequest(ExecuteCommandRequest.type, {
      command: COMMANDS.measureBenchmark,
      arguments: [testUri, 'BenchmarkParse'],
    })) as MeasurementOutcome;
    assert.ok(outcome.ok, outcome.message);
    assert.match(outcome.message, /^BenchmarkParse: [\d.]+ [nµm]?s\/op · [\d.]+ K?B\/op · 24 allocs\/op/);

    const lens = (await lenses(testUri)).find((candidate) => candidate.command?.arguments?.[1] === 'BenchmarkParse');
    assert.match(lens?.command?.title ?? '', /^[\d.]+ [nµm]?s\/op · [\d.]+ K?B\/op · 24 allocs\/op · Measure again$/);

    const token = await hoverAt(parseUri, parseText, '&Token{Kind');
    assert.match(token, /\*\*Measured in BenchmarkParse\*\*: \d+ B and 15 allocations per op, \d+% of its bytes\./);
    assert.match(token, /escapes to the heap|returned/, 'the compiler’s explanation follows');

    const map = await hoverAt(parseUri, parseText, 'counts[w]++');
    assert.match(map, /\*\*Measured in BenchmarkParse\*\*: \d+ B and 3 allocations per op/);
    assert.match(map, /The compiler reports no heap allocation on this line\. Likely cause: map growth/);
    const shout = await hoverAt(parseUri, parseText, 'strings.Repeat(word, 8)');
    assert.match(shout, /Likely cause: inside \[`strings\.Repeat`\]\(file:\/\/.*strings\.go#L\d+\), which this line calls/);

    const hints = (await client.connection.sendRequest(InlayHintRequest.type, {
      textDocument: { uri: parseUri },
      range: { start: { line: 0, character: 0 }, end: { line: 200, character: 0 } },
    })) as InlayHint[];
    const tokenLine = positionOf(parseText, 'return &Token{').line;
    assert.ok(
      hints.some((hint) => hint.position.line === tokenLine && /^heap · \d+ B\/op$/.test(String(hint.label))),
      JSON.stringify(hints.map((hint) => hint.label)),
    );

    const newToken = (await lenses(parseUri)).find(
      (candidate) => candidate.range.start.line === positionOf(parseText, 'func NewToken').line,
    );
    assert.match(newToken?.command?.title ?? '', /· measured \d+ B\/op in 15 allocs\/op$/);

    const published = await diagnostics;
    const measured = published.diagnostics.filter((diagnostic) => diagnostic.code === 'measured-allocation');
    const lines = measured.map((diagnostic) => diagnostic.range.start.line).sort((a, b) => a - b);
    const expected = ['counts[w]++', 'buf := make([]byte, len(s))', 'strings.Repeat(word, 8)', 'return len(a + " and " + b'].map(
      (needle) => positionOf(parseText, needle).line,
    );
    assert.deepEqual(
      lines,
      expected.sort((a, b) => a - b),
      'one per line the compiler reports no heap allocation on',
    );
    assert.ok(measured.every((diagnostic) => /^Measured in BenchmarkParse: .* Likely cause: /.test(String(diagnostic.message))));
  });

  test('an edit moves the figures with the code', async () => {
    const shifted = parseText.replace('// Fields splits on spaces', '// Two lines added\n// above Fields.\n\n// Fields splits on spaces');
    await client.change(PARSE_GO, shifted);
    const growth = await hoverAt(parseUri, shifted, 'out = append(out, s[start:i])');
    assert.match(growth, /\*\*Measured in BenchmarkParse\*\*: \d+ B and 3 allocations per op/);
    // The line that was there before the edit has no figures now.
    const before = positionOf(parseText, 'out = append(out, s[start:i])');
    const old: Hover | null = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: parseUri }, position: before });
    assert.doesNotMatch(old ? (old.contents as MarkupContent).value : '', /Measured in/);
    await client.change(PARSE_GO, parseText);
  });

  test('measuring again shows the difference per op', async () => {
    const outcome = (await client.connection.sendRequest(ExecuteCommandRequest.type, {
      command: COMMANDS.measureBenchmark,
      arguments: [testUri, 'BenchmarkParse'],
    })) as MeasurementOutcome;
    assert.ok(outcome.ok, outcome.message);
    const lens = (await lenses(testUri)).find((candidate) => candidate.command?.arguments?.[1] === 'BenchmarkParse');
    assert.match(
      lens?.command?.title ?? '',
      /24 allocs\/op \((no change in allocations|[−+]\d+ allocs?\/op, [−+]\d+ B\/op)\) · Measure again$/,
    );
  });

  test('a failing benchmark says why, and the figures shown stay', async () => {
    const outcome = (await client.connection.sendRequest(ExecuteCommandRequest.type, {
      command: COMMANDS.measureBenchmark,
      arguments: [testUri, 'BenchmarkFails'],
    })) as MeasurementOutcome;
    assert.equal(outcome.ok, false);
    assert.match(outcome.message, /BenchmarkFails failed/);
    assert.match(await hoverAt(parseUri, parseText, '&Token{Kind'), /Measured in BenchmarkParse/);
  });

  test('the Heap Allocations tree ranks by measured bytes, unmeasured sites after the measured ones', async () => {
    const tree = () => client.connection.sendRequest(EscapeTreePackageRequest, { directory: PARSE });
    const functionNames = (files: readonly EscapeTreeFile[]) => files.flatMap((file) => file.functions.map((fn) => fn.name));
    // By BenchmarkParse, Fields' first append (the largest compiler site) leads; its second is not measured.
    const byParse = await tree();
    const fields = byParse[0]?.functions.find((fn) => fn.name === 'Fields');
    assert.match(fields?.measuredLabel ?? '', /^\d+ B\/op$/);
    assert.deepEqual(
      fields?.sites.map((site) => [site.range.start.line, site.measuredLabel !== undefined]),
      [
        [positionOf(parseText, 'out = append(out, s[start:i])').line, true],
        [positionOf(parseText, 'return append(out, s[start:])').line, false],
      ],
    );

    // BenchmarkNewToken reaches only NewToken: its one allocation now ranks above Fields' two.
    const outcome = (await client.connection.sendRequest(ExecuteCommandRequest.type, {
      command: COMMANDS.measureBenchmark,
      arguments: [testUri, 'BenchmarkNewToken'],
    })) as MeasurementOutcome;
    assert.ok(outcome.ok, outcome.message);
    const byNewToken = await tree();
    assert.deepEqual(functionNames(byNewToken).slice(0, 2), ['NewToken', 'Fields']);
    const [newToken, unmeasured] = byNewToken[0]?.functions ?? [];
    assert.equal(newToken?.heapAllocations, 1);
    assert.match(newToken?.measuredLabel ?? '', /^\d+ B\/op$/);
    assert.equal(unmeasured?.measuredLabel, undefined);
    const [parsePackage] = await client.connection.sendRequest(EscapeTreeRequest);
    assert.equal(parsePackage?.directory, PARSE, 'the measured package comes first');
    assert.equal(parsePackage?.measuredLabel, newToken?.measuredLabel);
  });
});

describe('a quick-fix in a measured package measures the benchmark again', () => {
  const FIXABLE = path.join(MODULE, 'fixable');
  const POINTS_GO = path.join(FIXABLE, 'points.go');
  let client: LspTestClient;
  before(async () => {
    requireGo();
    client = await LspTestClient.start(MODULE, { settings: SETTINGS });
  });
  after(() => client.stop());

  test('the fix carries “Measure BenchmarkSum again”, which shows the difference per op', async () => {
    const pointsText = fs.readFileSync(POINTS_GO, 'utf8');
    const analysed = client.nextStatus((status) => status.state === 'idle' && status.packageDirectory === FIXABLE);
    const pointsUri = await client.open(POINTS_GO);
    const testUri = await client.open(path.join(FIXABLE, 'points_test.go'));
    await analysed;
    const measured = (await client.connection.sendRequest(ExecuteCommandRequest.type, {
      command: COMMANDS.measureBenchmark,
      arguments: [testUri, 'BenchmarkSum'],
    })) as MeasurementOutcome;
    assert.ok(measured.ok, measured.message);
    assert.match(measured.message, / 10 allocs\/op/);

    const at = positionOf(pointsText, '&point{');
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: pointsUri },
      range: { start: at, end: at },
      context: { diagnostics: [] },
    })) as CodeAction[];
    const fix = actions.find((action) => action.title.startsWith('Return point by value'));
    assert.ok(fix?.edit, JSON.stringify(actions.map((action) => action.title)));
    assert.deepEqual(fix.command, {
      title: 'Measure BenchmarkSum again',
      command: COMMANDS.measureBenchmark,
      arguments: [pointsUri, 'BenchmarkSum', true],
    });

    // As the editor does: apply the edit (unsaved), then run the action's command.
    const edits = fix.edit.changes?.[pointsUri] ?? [];
    assert.ok(edits.length > 0, JSON.stringify(fix.edit));
    await client.change(POINTS_GO, TextDocument.applyEdits(TextDocument.create(pointsUri, 'go', 1, pointsText), edits));
    const shown = new Promise<string>((resolve) =>
      client.connection.onRequest(ShowMessageRequest.type, ({ message }) => {
        resolve(message);
        return null;
      }),
    );
    const again = (await client.connection.sendRequest(ExecuteCommandRequest.type, {
      command: fix.command?.command ?? '',
      arguments: fix.command?.arguments,
    })) as MeasurementOutcome;
    assert.ok(again.ok, again.message);
    // B/op can keep a few bytes of one-off allocations spread over b.N (more on a busy machine, where the
    // runtime allocates during the first run); the ten 16-byte points are gone.
    assert.match(again.message, / 0 allocs\/op \(−10 allocs\/op, −1[5-9]\d B\/op\)/);
    assert.equal(await shown, `Go Escape Lens: after the fix, ${again.message}`);
  });
});

describe('with a benchmark measured, the lightbulb lists the fixes by the bytes measured on their lines', () => {
  const RANKED = path.join(MODULE, 'ranked');
  const RANKED_GO = path.join(RANKED, 'ranked.go');
  let client: LspTestClient;
  before(async () => {
    requireGo();
    client = await LspTestClient.start(MODULE, { settings: SETTINGS });
  });
  after(() => client.stop());

  test('before: file order; after measuring: the hundred points first, titled with their bytes, and alone preferred', async () => {
    const text = fs.readFileSync(RANKED_GO, 'utf8');
    const analysed = client.nextStatus((status) => status.state === 'idle' && status.packageDirectory === RANKED);
    const uri = await client.open(RANKED_GO);
    const testUri = await client.open(path.join(RANKED, 'ranked_test.go'));
    await analysed;
    // The whole file selected, as a user selects a function or a block and presses Ctrl+.
    const lines = text.split('\n');
    const everything = { start: { line: 0, character: 0 }, end: { line: lines.length - 1, character: 0 } };
    const actions = async () =>
      (await client.connection.sendRequest(CodeActionRequest.type, {
        textDocument: { uri },
        range: everything,
        context: { diagnostics: [] },
      })) as CodeAction[];

    const unmeasured = await actions();
    assert.deepEqual(
      unmeasured.map((action) => [action.title, action.isPreferred]),
      [
        ['Use strconv.Itoa instead of fmt.Sprint — removes 2 heap allocations (verified)', true],
        ['Return point by value — removes 1 heap allocation (verified)', true],
      ],
    );

    const measured = (await client.connection.sendRequest(ExecuteCommandRequest.type, {
      command: COMMANDS.measureBenchmark,
      arguments: [testUri, 'BenchmarkRender'],
    })) as MeasurementOutcome;
    assert.ok(measured.ok, measured.message);
    const ranked = await actions();
    assert.equal(ranked.length, 2, JSON.stringify(ranked.map((action) => action.title)));
    // A hundred 16-byte points per op (give or take one-off allocations spread over b.N), then the label's few bytes.
    assert.match(
      ranked[0].title,
      /^Return point by value — removes 1 heap allocation \(verified\) · 1\.[56] KB\/op measured on its lines in BenchmarkRender$/,
    );
    assert.match(
      ranked[1].title,
      /^Use strconv\.Itoa instead of fmt\.Sprint — removes 2 heap allocations \(verified\) · [\d.]+ B\/op measured on its lines in BenchmarkRender$/,
    );
    assert.deepEqual(
      ranked.map((action) => action.isPreferred),
      [true, undefined],
    );
  });
});

describe('a fix whose gain only a run shows is measured by the benchmark shown', () => {
  const LOOPS = path.join(MODULE, 'loops');
  const LOOPS_GO = path.join(LOOPS, 'loops.go');
  let client: LspTestClient;
  before(async () => {
    requireGo();
    client = await LspTestClient.start(MODULE, { settings: SETTINGS, workDoneProgress: true });
  });
  after(() => client.stop());

  test('“not measured” refactors until BenchmarkLoops is measured; then quick-fixes titled with the difference per op', async () => {
    const text = fs.readFileSync(LOOPS_GO, 'utf8');
    const analysed = client.nextStatus((status) => status.state === 'idle' && status.packageDirectory === LOOPS);
    const uri = await client.open(LOOPS_GO);
    const testUri = await client.open(path.join(LOOPS, 'loops_test.go'));
    await analysed;
    const actionsAt = async (needle: string) => {
      const at = positionOf(text, needle);
      return (await client.connection.sendRequest(CodeActionRequest.type, {
        textDocument: { uri },
        range: { start: at, end: at },
        context: { diagnostics: [] },
      })) as CodeAction[];
    };
    const titled = (actions: CodeAction[]) => actions.map((action) => [action.title, action.kind]);

    assert.deepEqual(titled(await actionsAt('var out []int')), [
      ['Preallocate out with capacity len(src) — not measured (builds, vet clean)', 'refactor.rewrite'],
    ]);
    assert.deepEqual(titled(await actionsAt('s := ""')), [
      ['Build s with a strings.Builder — not measured (builds, vet clean)', 'refactor.rewrite'],
    ]);
    // Evens appends only some elements: nothing is offered there.
    assert.deepEqual(titled(await actionsAt('out := []int{}')), []);

    const measured = (await client.connection.sendRequest(ExecuteCommandRequest.type, {
      command: COMMANDS.measureBenchmark,
      arguments: [testUri, 'BenchmarkLoops'],
    })) as MeasurementOutcome;
    assert.ok(measured.ok, measured.message);

    // The package with and without each edit, run by BenchmarkLoops through -overlay: 100 ints grow the slice
    // seven times, twenty names and commas copy the string forty times. The runs are shown as progress.
    const fixMeasurements = () =>
      client.progress.filter(
        (progress) => progress.value.kind === 'begin' && progress.value.title === 'Measuring a fix with BenchmarkLoops',
      );
    const shown = client.nextProgress((progress) => progress.value.title === 'Measuring a fix with BenchmarkLoops');
    const [preallocate] = await actionsAt('var out []int');
    assert.match((await shown).value.message ?? '', /^Preallocate out with capacity len\(src\): the benchmark without and with it$/);
    assert.match(
      preallocate.title,
      /^Preallocate out with capacity len\(src\) — −[1-9]\d* allocs?\/op, −[\d,]+ B\/op measured in BenchmarkLoops \(builds, vet clean\)$/,
    );
    assert.equal(preallocate.kind, 'quickfix');
    const [builder] = await actionsAt('s := ""');
    assert.match(
      builder.title,
      /^Build s with a strings\.Builder — −[1-9]\d* allocs\/op, −[\d,]+ B\/op measured in BenchmarkLoops \(builds, vet clean\)$/,
    );
    assert.equal(builder.kind, 'quickfix');
    // Asked again, the figures are known: nothing runs and no progress shows.
    assert.equal(fixMeasurements().length, 2);
    assert.equal((await actionsAt('var out []int'))[0]?.title, preallocate.title);
    assert.equal(fixMeasurements().length, 2);
    // Nothing was written: the runs saw the edits through -overlay only.
    assert.equal(fs.readFileSync(LOOPS_GO, 'utf8'), text);
  });
});

test('in Restricted Mode nothing is measured', async () => {
  requireGo();
  const client = await LspTestClient.start(MODULE, { settings: SETTINGS, initializationOptions: { workspaceTrusted: false } });
  try {
    const uri = await client.open(PARSE_TEST_GO);
    const outcome = (await client.connection.sendRequest(ExecuteCommandRequest.type, {
      command: COMMANDS.measureBenchmark,
      arguments: [uri, 'BenchmarkParse'],
    })) as MeasurementOutcome;
    assert.equal(outcome.ok, false);
    assert.match(outcome.message, /trust the workspace/);
    const shown = (await client.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) as CodeLens[];
    assert.equal(shown.filter((lens) => lens.command?.command === COMMANDS.measureBenchmark).length, 0);
  } finally {
    await client.stop();
  }
});

describe('loading a large profile in the editor', () => {
  // bench/profilegen: every path through a binary tree of calls allocates once at `sink = make(…)`, so with
  // 2^17 paths the profile is over 4 MB and the server decodes it on worker threads (dist/profileWorker.js).
  const GENERATOR = path.join(REPOSITORY_ROOT, 'bench', 'profilegen');
  const MAIN_GO = path.join(GENERATOR, 'main.go');
  const DEPTH = 17;
  let client: LspTestClient;
  let scratch: string;

  before(async () => {
    requireGo();
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'go-escape-lens-large-profile-'));
    const generated = spawnSync('go', ['run', '.', '-depth', String(DEPTH), '-out', path.join(scratch, 'large.pb.gz')], {
      cwd: GENERATOR,
      env: { ...process.env, GOPROXY: 'off', GOTOOLCHAIN: 'local', GOFLAGS: '-buildvcs=false' },
      encoding: 'utf8',
    });
    assert.equal(generated.status, 0, generated.stderr);
    client = await LspTestClient.start(GENERATOR);
  });
  after(async () => {
    await client.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  test('every sample is counted once on its line, and the hover shows the total', async () => {
    const profile = path.join(scratch, 'large.pb.gz');
    assert.ok(gunzipSync(fs.readFileSync(profile)).length > 4 * 1024 * 1024, 'large enough to be split across workers');
    const outcome = (await client.connection.sendRequest(ExecuteCommandRequest.type, {
      command: COMMANDS.loadProfile,
      arguments: [profile, 'alloc_objects'],
    })) as MeasurementOutcome;
    assert.ok(outcome.ok, outcome.message);
    const text = fs.readFileSync(MAIN_GO, 'utf8');
    const analysed = client.nextStatus((status) => status.state === 'idle' && status.packageDirectory === GENERATOR);
    const uri = await client.open(MAIN_GO);
    await analysed;
    const hover: Hover | null = await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: positionOf(text, 'sink = make('),
    });
    const shown = hover ? (hover.contents as MarkupContent).value : '';
    assert.match(shown, new RegExp(` in ${(2 ** DEPTH).toLocaleString('en-US')} objects`));
  });
});
