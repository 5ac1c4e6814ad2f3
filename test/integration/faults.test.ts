/**
 * Bad input and faults, through the same AnalysisService the language server drives, with the real process
 * runner. The compiler's failure modes are played by fake `go` scripts given as the go binary (the test
 * double for "missing", "wrong version", "killed", "unknown lines", "50 MB"); the file and folder cases
 * run the real compiler on real modules written to a temporary directory.
 *
 * Each case checks the three promises: a clear status, no crash (the promise resolves), no wrong positions
 * (every range is where the expression is, or inside the document for predictions).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AnalysisService } from '../../server/src/analysisService';
import type { FileAnalysis, PackageResult } from '../../server/src/model/analysis';
import { runGo } from '../../server/src/engine/runGo';
import { ensureSkipLinkTool } from '../../server/src/engine/skipLinkTool';
import { isPredictedDiagnostic, standInDiagnostics } from '../../server/src/features/predictedDiagnostics';
import { DEFAULT_SETTINGS } from '../../server/src/settings';
import { offsetAt } from '../../server/src/syntax/positions';
import type { LspRange, SourceText } from '../../server/src/model/positions';
import { requireGo } from '../helpers/goOracle';
import { REPOSITORY_ROOT } from '../helpers/lspClient';

const ARTICLE = path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'article');
const POINTERS = path.join(ARTICLE, 'pointers');
const GO = { goBinary: 'go', buildFlags: [], env: {} };
let scratch: string;
const logs: string[] = [];
const verboseLogs: string[] = [];

function service(): AnalysisService {
  return new AnalysisService({
    runGo,
    skipLinkTool: ensureSkipLinkTool(),
    parallelism: 2,
    log: (line) => logs.push(line),
    verbose: (line) => verboseLogs.push(line),
  });
}

/** A fake go binary: answers `go env GOVERSION` with `version`, and runs `body` (sh) for anything else. */
function fakeGo(name: string, body: string, version = 'go1.26.8'): string {
  const file = path.join(scratch, `fake-go-${name}`);
  fs.writeFileSync(file, `#!/bin/sh\nif [ "$1" = env ]; then echo '${version}'; exit 0; fi\n${body}\n`, { mode: 0o755 });
  return file;
}

/** Writes a module with the given files (path → text) and returns its directory. */
function writeModule(directory: string, files: Record<string, string>): string {
  fs.mkdirSync(directory, { recursive: true });
  fs.writeFileSync(path.join(directory, 'go.mod'), 'module example.com/faults\n\ngo 1.22\n');
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(directory, name)), { recursive: true });
    fs.writeFileSync(path.join(directory, name), text);
  }
  return directory;
}

function textAt(source: SourceText, range: LspRange): string {
  return source.text.slice(offsetAt(source, range.start), offsetAt(source, range.end));
}

function heapTexts(file: FileAnalysis): string[] {
  return file.located
    .filter((item) => item.fact.kind === 'escape' || item.fact.kind === 'moved')
    .map((item) => textAt(file.source, item.range));
}

function assertRangesInside(file: FileAnalysis, ranges: readonly LspRange[]): void {
  for (const range of ranges) {
    assert.ok(range.end.line < file.source.lines.length, JSON.stringify(range));
    assert.ok(range.start.character <= file.source.lines[range.start.line].length, JSON.stringify(range));
    assert.ok(range.end.character <= file.source.lines[range.end.line].length, JSON.stringify(range));
  }
}

async function predictedFor(result: PackageResult) {
  return standInDiagnostics(result, { settings: DEFAULT_SETTINGS, readmeUri: 'file:///README.md' });
}

function fileOf(result: PackageResult, name: string): FileAnalysis {
  const file = result.files.get(path.join(result.directory, name));
  assert.ok(file, `${name} is not in the result: ${[...result.files.keys()].join(', ')}`);
  return file;
}

/** The real pointers fixture's heap expressions, the reference for the fake compilers' positions. */
const POINTERS_HEAP = ['&Point{X: x, Y: y}', 'u', '&Point{X: 1}'];

before(() => {
  requireGo();
  // Spaces and non-ASCII in every path the cases use.
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'gel faults ü '));
});
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe('the compiler fails', () => {
  test('missing (goPath points nowhere): status goMissing with the setting to fix, predictions stand in', async () => {
    const result = await service().analyseDirectory(POINTERS, { ...GO, goBinary: path.join(scratch, 'no such dir', 'go') });
    assert.ok(result);
    assert.equal(result.analysis.status, 'goMissing');
    assert.match(result.analysis.message ?? '', /go command was not found.*goEscapeLens\.goPath/);
    const predicted = (await predictedFor(result)).get(path.join(POINTERS, 'pointers.go')) ?? [];
    assert.ok(predicted.length >= 3 && predicted.every(isPredictedDiagnostic));
    assert.ok(predicted.every((diagnostic) => /^predicted: .*the go command was not found$/.test(String(diagnostic.message))));
    assert.deepEqual(
      predicted.map((diagnostic) => textAt(fileOf(result, 'pointers.go').source, diagnostic.range)),
      POINTERS_HEAP,
    );
  });

  test('wrong version, too old for our flags: the go command says why, the status carries it, no facts', async () => {
    const goBinary = fakeGo(
      'old',
      'echo "flag provided but not defined: -buildvcs" >&2; echo "usage: go build [-o output] [build flags] [packages]" >&2; exit 2',
      '',
    );
    const result = await service().analyseDirectory(POINTERS, { ...GO, goBinary });
    assert.ok(result);
    assert.equal(result.analysis.status, 'buildFailed');
    assert.match(result.analysis.message ?? '', /flag provided but not defined: -buildvcs/);
    assert.deepEqual(heapTexts(fileOf(result, 'pointers.go')), []);
    assert.ok(((await predictedFor(result)).get(path.join(POINTERS, 'pointers.go')) ?? []).length > 0);
  });

  test('wrong version, old message forms (Go 1.15 "&T literal", "flow: a = b"): facts at the right places', async () => {
    const goBinary = fakeGo(
      'go115',
      `cat >&2 <<'EOF'
# example.com/article/pointers
./pointers.go:10:9: &Point literal escapes to heap:
./pointers.go:10:9:   flow: ~r2 = &{storage for &Point literal}:
./pointers.go:10:9:     from &Point literal (spill) at ./pointers.go:10:9
./pointers.go:10:9:     from return &Point literal (return) at ./pointers.go:10:2
./pointers.go:10:9: &Point literal escapes to heap
./pointers.go:31:2: moved to heap: u
./pointers.go:40:9: &Point literal escapes to heap
EOF`,
      'go1.15.15',
    );
    const result = await service().analyseDirectory(POINTERS, { ...GO, goBinary });
    assert.ok(result);
    assert.equal(result.analysis.status, 'ok');
    assert.deepEqual(heapTexts(fileOf(result, 'pointers.go')), POINTERS_HEAP);
  });

  test('killed mid-run: status failed, no facts of the half-printed output, predictions stand in', async () => {
    const goBinary = fakeGo(
      'killed',
      `echo "# example.com/article/pointers" >&2; echo "./pointers.go:10:9: &Point{...} escapes to heap" >&2; kill -9 $$`,
    );
    const result = await service().analyseDirectory(POINTERS, { ...GO, goBinary });
    assert.ok(result);
    assert.equal(result.analysis.status, 'failed');
    assert.match(result.analysis.message ?? '', /killed/);
    assert.deepEqual(heapTexts(fileOf(result, 'pointers.go')), []);
    const predicted = (await predictedFor(result)).get(path.join(POINTERS, 'pointers.go')) ?? [];
    assert.ok(
      predicted.length > 0 && predicted.every((diagnostic) => String(diagnostic.message).endsWith('the compiler could not finish')),
    );
  });

  test('lines we do not know: the known facts are kept at the right places, the unknown ones counted, and listed when verbose', async () => {
    logs.length = 0;
    verboseLogs.length = 0;
    const goBinary = fakeGo(
      'unknown',
      `cat >&2 <<'EOF'
# example.com/article/pointers
./pointers.go:10:9: &Point{...} escapes to heap
./pointers.go:10:9: &Point{...} teleports to the moon
this line has no position at all
./pointers.go:abc:def: not a position
./pointers.go:9999:1: moved to heap: ghost
./pointers.go:31:2: moved to heap: u
EOF`,
    );
    const result = await service().analyseDirectory(POINTERS, { ...GO, goBinary });
    assert.ok(result);
    assert.equal(result.analysis.status, 'ok');
    assert.deepEqual(heapTexts(fileOf(result, 'pointers.go')), ['&Point{X: x, Y: y}', 'u']);
    assert.deepEqual(logs, ['pointers: 3 compiler lines not recognised']);
    assert.ok(
      verboseLogs.some((line) => line.includes('teleports to the moon')),
      verboseLogs.join('\n'),
    );
  });

  test('50 MB of output: parsed without a crash, duplicates merged, a bounded log, right positions', async () => {
    logs.length = 0;
    const line = './pointers.go:10:9: &Point{...} escapes to heap';
    const unknown = './pointers.go:31:2: something this version of the compiler invented';
    const goBinary = fakeGo(
      'huge',
      `echo "# example.com/article/pointers" >&2
yes '${line}
${unknown}' | head -c 52428800 >&2
echo >&2
echo "./pointers.go:31:2: moved to heap: u" >&2`,
    );
    const result = await service().analyseDirectory(POINTERS, { ...GO, goBinary });
    assert.ok(result);
    assert.equal(result.analysis.status, 'ok');
    assert.deepEqual(heapTexts(fileOf(result, 'pointers.go')), ['&Point{X: x, Y: y}', 'u']);
    assert.equal(logs.length, 1, `one line counts what was not recognised: ${logs.join('\n')}`);
    assert.match(logs[0], /^pointers: \d{6,} compiler lines not recognised$/);
  });
});

describe('files and folders', () => {
  test('a 1 MB generated file: every allocation located on its own expression', async () => {
    const functions = 8_000;
    const lines = ['// Code generated for a test. DO NOT EDIT.', '', 'package big', '', 'type T struct{ A, B, C int; Name string }', ''];
    for (let index = 0; index < functions; index++) {
      lines.push(`// F${index} returns a new T; this comment pads the file to a realistic generated size.`);
      lines.push(`func F${index}(a, b int) *T {\n\tc := a*${index} + b\n\treturn &T{A: a, B: b, C: c, Name: "n${index}"}\n}\n`);
    }
    const text = lines.join('\n');
    assert.ok(text.length >= 1_000_000, `${text.length} bytes`);
    const directory = writeModule(path.join(scratch, 'big'), { 'big.go': text });
    const result = await service().analyseDirectory(directory, GO);
    assert.ok(result);
    assert.equal(result.analysis.status, 'ok', result.analysis.message);
    const texts = heapTexts(fileOf(result, 'big.go'));
    assert.equal(texts.length, functions);
    for (const [index, found] of texts.entries()) assert.equal(found, `&T{A: a, B: b, C: c, Name: "n${index}"}`);
  });

  test('CRLF, a BOM, tabs, non-ASCII identifiers and strings: ranges cover exactly the expressions', async () => {
    const result = await service().analyseDirectory(path.join(ARTICLE, 'unicode'), GO);
    assert.ok(result);
    assert.equal(result.analysis.status, 'ok', result.analysis.message);
    assert.deepEqual(heapTexts(fileOf(result, 'unicode.go')).sort(), ['"héllo 😀"', '&Größe{Wert: 1}', '名前'].sort());
  });

  test('a path with spaces and non-ASCII characters', async () => {
    const directory = path.join(scratch, 'mod with spaces é 名', 'pointers');
    fs.mkdirSync(directory, { recursive: true });
    fs.copyFileSync(path.join(POINTERS, 'pointers.go'), path.join(directory, 'pointers.go'));
    writeModule(path.dirname(directory), {});
    const result = await service().analyseDirectory(directory, GO);
    assert.ok(result);
    assert.equal(result.analysis.status, 'ok', result.analysis.message);
    assert.deepEqual(heapTexts(fileOf(result, 'pointers.go')), POINTERS_HEAP);
  });

  test('a module folder reached through a symbolic link', async () => {
    const real = writeModule(path.join(scratch, 'real module'), {
      'pointers/pointers.go': fs.readFileSync(path.join(POINTERS, 'pointers.go'), 'utf8'),
    });
    const link = path.join(scratch, 'linked module');
    fs.symlinkSync(real, link);
    const result = await service().analyseDirectory(path.join(link, 'pointers'), GO);
    assert.ok(result);
    assert.equal(result.analysis.status, 'ok', result.analysis.message);
    assert.equal(result.directory, path.join(link, 'pointers'));
    assert.deepEqual(heapTexts(fileOf(result, 'pointers.go')), POINTERS_HEAP);
  });

  test('a package with cgo: facts land in the Go file, not in the generated ones', async () => {
    const directory = writeModule(path.join(scratch, 'cgo'), {
      'cgo/cgo.go': `package cgo

// static int twice(int x) { return 2 * x; }
import "C"

type Box struct{ N int }

// NewBox calls C and returns a pointer.
func NewBox(n int) *Box {
	return &Box{N: int(C.twice(C.int(n)))}
}
`,
    });
    const result = await service().analyseDirectory(path.join(directory, 'cgo'), { ...GO, env: { CGO_ENABLED: '1' } });
    assert.ok(result);
    assert.equal(result.analysis.status, 'ok', result.analysis.message);
    assert.deepEqual(
      [...result.files.keys()].map((file) => path.basename(file)),
      ['cgo.go'],
    );
    assert.deepEqual(heapTexts(fileOf(result, 'cgo.go')), ['&Box{N: int(C.twice(C.int(n)))}']);
  });

  test('a file excluded by build tags has no facts and no predictions; its package is analysed', async () => {
    const directory = writeModule(path.join(scratch, 'tags'), {
      'tags/a.go': 'package tags\n\ntype T struct{ A int }\n\nfunc New() *T { return &T{A: 1} }\n',
      'tags/ignored.go': '//go:build ignore\n\npackage tags\n\nfunc Other() *T { return &T{A: 2} }\n',
    });
    const result = await service().analyseDirectory(path.join(directory, 'tags'), GO);
    assert.ok(result);
    assert.equal(result.analysis.status, 'ok', result.analysis.message);
    assert.deepEqual(heapTexts(fileOf(result, 'a.go')), ['&T{A: 1}']);
    assert.deepEqual(fileOf(result, 'ignored.go').located, []);
    assert.equal((await predictedFor(result)).size, 0);
  });

  test('a file outside any module: a clear status, predictions stand in', async () => {
    const directory = path.join(scratch, 'no module');
    fs.mkdirSync(directory);
    fs.copyFileSync(path.join(POINTERS, 'pointers.go'), path.join(directory, 'pointers.go'));
    const result = await service().analyseDirectory(directory, { ...GO, env: { GOFLAGS: '', GO111MODULE: 'on' } });
    assert.ok(result);
    assert.equal(result.analysis.status, 'buildFailed');
    assert.match(result.analysis.message ?? '', /go\.mod file not found/);
    const predicted = (await predictedFor(result)).get(path.join(directory, 'pointers.go')) ?? [];
    assert.deepEqual(
      predicted.map((diagnostic) => textAt(fileOf(result, 'pointers.go').source, diagnostic.range)),
      POINTERS_HEAP,
    );
  });

  test('an empty file: the package does not build, the other file is predicted, the empty one has nothing', async () => {
    const directory = writeModule(path.join(scratch, 'empty'), {
      'empty/a.go': 'package empty\n\ntype T struct{ A int }\n\nfunc New() *T { return &T{A: 1} }\n',
      'empty/empty.go': '',
    });
    const result = await service().analyseDirectory(path.join(directory, 'empty'), GO);
    assert.ok(result);
    assert.equal(result.analysis.status, 'buildFailed');
    assert.match(result.analysis.message ?? '', /empty\.go/);
    const predicted = await predictedFor(result);
    assert.deepEqual(predicted.get(path.join(directory, 'empty', 'empty.go')), []);
    assert.deepEqual(
      (predicted.get(path.join(directory, 'empty', 'a.go')) ?? []).map((diagnostic) =>
        textAt(fileOf(result, 'a.go').source, diagnostic.range),
      ),
      ['&T{A: 1}'],
    );
  });

  test('a file mid-edit with syntax errors: stale facts for the untouched file, predictions inside the edited one', async () => {
    const directory = path.join(
      writeModule(path.join(scratch, 'midedit'), {
        'midedit/a.go': 'package midedit\n\ntype T struct{ A int }\n\nfunc New() *T { return &T{A: 1} }\n',
        'midedit/b.go': 'package midedit\n\nfunc Other() *T { return &T{A: 2} }\n',
      }),
      'midedit',
    );
    const analyses = service();
    const good = await analyses.analyseDirectory(directory, GO);
    assert.equal(good?.analysis.status, 'ok');
    const broken = 'package midedit\n\nfunc Other() *T {\n\tx := &T{A: 3}\n\treturn &T{A: \n}\n\nfunc (';
    fs.writeFileSync(path.join(directory, 'b.go'), broken);
    const result = await analyses.analyseDirectory(directory, GO);
    assert.ok(result);
    assert.equal(result.analysis.status, 'buildFailed');
    assert.equal(result.stale, true);
    assert.deepEqual(heapTexts(fileOf(result, 'a.go')), ['&T{A: 1}']);
    const predicted = (await predictedFor(result)).get(path.join(directory, 'b.go')) ?? [];
    assertRangesInside(
      fileOf(result, 'b.go'),
      predicted.map((diagnostic) => diagnostic.range),
    );
    assert.equal((await predictedFor(result)).has(path.join(directory, 'a.go')), false);
  });
});
