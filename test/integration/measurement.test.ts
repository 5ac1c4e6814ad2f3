/**
 * Measurements joined to the source, with the real go command: benchmarks of test/fixtures/measured run with
 * `-benchmem -memprofile`, and heap profiles written by its `service` program (built as is and with
 * -trimpath, and from an older version of the source). Each site is checked against a figure known without
 * this code: the -benchmem totals of a benchmark that runs only that site.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AnalysisService } from '../../server/src/analysisService';
import { runBenchmark } from '../../server/src/engine/runBenchmark';
import { runGo } from '../../server/src/engine/runGo';
import { ensureSkipLinkTool } from '../../server/src/engine/skipLinkTool';
import { findWorkspaceModules, goPaths, loadProfile, type MeasureContext, measureBenchmark } from '../../server/src/measurementService';
import type { BenchmarkFigures, MeasuredSite, Measurement } from '../../server/src/model/measurement';
import { requireGo } from '../helpers/goOracle';
import { REPOSITORY_ROOT } from '../helpers/lspClient';

const MODULE = path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'measured');
const PARSE = path.join(MODULE, 'parse');
const PARSE_GO = path.join(PARSE, 'parse.go');
const GO = { goBinary: 'go', buildFlags: [], env: {} };
const BENCHTIME = '2000x';
let scratch: string;
let context: MeasureContext;

const readText = (file: string) => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

/** The line of `needle` in parse.go, 1-based: the tests name lines by their code, not by number. */
function lineOf(file: string, needle: string): number {
  const index = (readText(file) ?? '').split('\n').findIndex((line) => line.includes(needle));
  assert.ok(index >= 0, `${needle} is in ${file}`);
  return index + 1;
}

function siteAt(measurement: Measurement, file: string, needle: string): MeasuredSite {
  const line = lineOf(file, needle);
  const site = measurement.sites.find((candidate) => candidate.file === file && candidate.line === line);
  assert.ok(
    site,
    `a measured site at ${path.basename(file)}:${line} (${needle}); sites: ${measurement.sites.map((s) => `${s.line}`).join(', ')}`,
  );
  return site;
}

async function benchmarkFigures(name: string): Promise<BenchmarkFigures> {
  const run = await runBenchmark({ directory: PARSE, benchmark: name, benchtime: BENCHTIME }, GO, runGo);
  assert.ok(run.ok, run.ok ? '' : run.message);
  return run.figures;
}

before(async () => {
  requireGo();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'go-escape-lens-measured-test-'));
  const analysis = await new AnalysisService({ runGo, skipLinkTool: ensureSkipLinkTool(), parallelism: 2 }).analyseDirectory(PARSE, GO, {
    includeTests: true,
  });
  assert.equal(analysis?.analysis.status, 'ok');
  context = {
    modules: findWorkspaceModules([MODULE]),
    ...(await goPaths(GO, runGo, MODULE)),
    textOf: readText,
    factsOf: (file) => analysis?.files.get(file)?.located.map((located) => located.fact),
  };
});
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe('measuring a benchmark', () => {
  let measured: Measurement;
  let figures: BenchmarkFigures;
  before(async () => {
    const result = await measureBenchmark({ directory: PARSE, benchmark: 'BenchmarkParse', benchtime: BENCHTIME }, GO, runGo, context);
    assert.ok(result.ok, result.ok ? '' : result.message);
    measured = result.measurement;
    figures = result.figures as BenchmarkFigures;
  });

  test('the sites add up to the benchmark’s own B/op and allocs/op', () => {
    assert.ok(figures.bytesPerOp > 0 && figures.allocsPerOp > 0);
    const bytes = measured.sites.reduce((sum, site) => sum + (site.perOp?.bytes ?? 0), 0);
    const allocs = measured.sites.reduce((sum, site) => sum + (site.perOp?.allocs ?? 0), 0);
    assert.ok(Math.abs(bytes - figures.bytesPerOp) < 0.5, `${bytes} B/op over the sites, ${figures.bytesPerOp} from -benchmem`);
    assert.ok(Math.abs(allocs - figures.allocsPerOp) < 0.05, `${allocs} allocs/op over the sites, ${figures.allocsPerOp} from -benchmem`);
    assert.equal(measured.coverage.staleDropped, 0);
    assert.ok(
      measured.sites.every((site) => site.file === PARSE_GO),
      'every site is in parse.go, none in the testing package',
    );
  });

  test('each site matches the -benchmem totals of a benchmark of that site alone', async () => {
    // Parse calls NewToken once per word (15 words); the other parts once.
    const cases: [string, string, number][] = [
      ['return &Token{Kind: kind, Text: text}', 'BenchmarkNewToken', 15],
      ['counts[w]++', 'BenchmarkCount', 1],
      ['buf := make([]byte, len(s))', 'BenchmarkChecksum', 1],
      ['strings.Repeat(word, 8)', 'BenchmarkShout', 1],
      ['return len(a + " and " + b', 'BenchmarkPair', 1],
    ];
    for (const [needle, benchmark, calls] of cases) {
      const alone = await benchmarkFigures(benchmark);
      const site = siteAt(measured, PARSE_GO, needle);
      // -benchmem's B/op also counts the runtime's own odd allocation during the run (a few bytes per op at
      // 2000 ops), and the lone benchmark's odd bytes are multiplied by the calls; allocs/op, an integer,
      // must match exactly.
      const expected = alone.bytesPerOp * calls;
      assert.ok(
        Math.abs((site.perOp?.bytes ?? 0) - expected) <= Math.max(4 * calls, 0.05 * expected),
        `${needle}: ${site.perOp?.bytes} B/op, ${benchmark} says ${alone.bytesPerOp} × ${calls}`,
      );
      assert.ok(
        Math.abs((site.perOp?.allocs ?? 0) - alone.allocsPerOp * calls) < 0.05,
        `${needle}: ${site.perOp?.allocs} allocs/op, ${benchmark} says ${alone.allocsPerOp} × ${calls}`,
      );
    }
    // Fields' append starts in a 32-byte stack array (two strings) and grows to 4, 8 and 16 strings on the
    // heap: 64 + 128 + 256 bytes. (BenchmarkFields alone differs: there its last append grows once more.)
    // The per-op figures are scaled to -benchmem's B/op, which carries the runtime's odd bytes too: a byte or
    // two more on some runs.
    const fields = siteAt(measured, PARSE_GO, 'out = append(out, s[start:i])');
    assert.ok(Math.abs((fields.perOp?.bytes ?? 0) - 448) <= 4, `${fields.perOp?.bytes} B/op`);
    assert.equal(Math.round(fields.perOp?.allocs ?? 0), 3);
  });

  test('the allocations the compiler does not report get their likely cause', () => {
    const cause = (needle: string) => siteAt(measured, PARSE_GO, needle).causes[0];
    assert.deepEqual(cause('counts[w]++'), { kind: 'map-growth' });
    assert.deepEqual(cause('out = append(out, s[start:i])'), { kind: 'append-growth' });
    assert.deepEqual(cause('buf := make([]byte, len(s))'), { kind: 'runtime-sized-make' });
    assert.deepEqual(cause('return len(a + " and " + b'), { kind: 'string-building' });
    const callee = cause('strings.Repeat(word, 8)');
    assert.equal(callee?.kind, 'callee');
    assert.equal(callee?.kind === 'callee' && callee.functionName, 'strings.Repeat');
    assert.ok(callee?.kind === 'callee' && callee.file && fs.existsSync(callee.file), 'linked to the local GOROOT source');
  });

  test('a benchmark that allocates nothing measures nothing, with its figures', async () => {
    const result = await measureBenchmark({ directory: PARSE, benchmark: 'BenchmarkNothing', benchtime: '100x' }, GO, runGo, context);
    assert.ok(result.ok, result.ok ? '' : result.message);
    assert.equal(result.figures?.allocsPerOp, 0);
    assert.equal(result.measurement.sites.length, 0);
  });

  test('nothing is left in the package directory', () => {
    assert.deepEqual(fs.readdirSync(PARSE).sort(), ['parse.go', 'parse_test.go']);
  });
});

describe('a benchmark that cannot be measured says why', () => {
  test('a failing benchmark', async () => {
    const run = await runBenchmark({ directory: PARSE, benchmark: 'BenchmarkFails', benchtime: '1x' }, GO, runGo);
    assert.equal(run.ok, false);
    assert.match(run.ok ? '' : run.message, /BenchmarkFails failed[\s\S]*this benchmark fails on purpose/);
  });

  test('a package whose tests do not build (unsaved text, through -overlay)', async () => {
    const broken = new Map([[PARSE_GO, `${readText(PARSE_GO)}\nfunc broken() { undefinedName() }\n`]]);
    const run = await runBenchmark({ directory: PARSE, benchmark: 'BenchmarkParse', benchtime: '1x', overlays: broken }, GO, runGo);
    assert.equal(run.ok, false);
    assert.match(run.ok ? '' : run.message, /do not build[\s\S]*undefined: undefinedName/);
  });

  test('a benchmark that does not exist', async () => {
    const run = await runBenchmark({ directory: PARSE, benchmark: 'BenchmarkMissing', benchtime: '1x' }, GO, runGo);
    assert.equal(run.ok, false);
    assert.match(run.ok ? '' : run.message, /no benchmark of that name/);
  });

  test('a cancelled measurement', async () => {
    const controller = new AbortController();
    const running = runBenchmark({ directory: PARSE, benchmark: 'BenchmarkParse', benchtime: '100000x' }, GO, runGo, controller.signal);
    controller.abort();
    const run = await running;
    assert.equal(run.ok, false);
    assert.equal(!run.ok && run.cancelled, true);
  });
});

describe('loading a production profile', () => {
  /** Builds the service (with extra go build flags) into the scratch folder, runs it, returns its heap profile. */
  async function serviceProfile(moduleDirectory: string, name: string, flags: string[]): Promise<string> {
    const binary = path.join(scratch, name);
    const build = await runGo({
      goBinary: 'go',
      args: ['build', ...flags, '-o', binary, './service'],
      cwd: moduleDirectory,
      env: { ...process.env, GOPROXY: 'off', GOTOOLCHAIN: 'local' },
    });
    assert.equal(build.exitCode, 0, build.stderr);
    const profile = path.join(scratch, `${name}.pb.gz`);
    const run = await runGo({ goBinary: binary, args: ['-out', profile], cwd: scratch, env: process.env });
    assert.equal(run.exitCode, 0, run.stderr);
    return profile;
  }

  function expectServiceSites(measurement: Measurement): void {
    // 500 requests of 8 words: a Token per word, one request each, a growing slice of them.
    const token = siteAt(measurement, PARSE_GO, 'return &Token{Kind: kind, Text: text}');
    assert.equal(token.objects, 4000);
    assert.equal(token.bytes, 4000 * 24);
    const mainGo = path.join(MODULE, 'service', 'main.go');
    assert.equal(siteAt(measurement, mainGo, 'r := &request{id: id, body: body}').objects, 500);
    assert.equal(siteAt(measurement, mainGo, 'return append(kept, r)').causes[0]?.kind, 'append-growth');
    assert.deepEqual(measurement.coverage.unmatchedFiles, []);
    assert.equal(measurement.coverage.staleDropped, 0);
  }

  test('with absolute paths', async () => {
    const result = await loadProfile(await serviceProfile(MODULE, 'service-absolute', []), 'alloc_space', context);
    assert.ok(result.ok, result.ok ? '' : result.message);
    expectServiceSites(result.measurement);
  });

  test('built with -trimpath', async () => {
    const result = await loadProfile(await serviceProfile(MODULE, 'service-trimpath', ['-trimpath']), 'alloc_space', context);
    assert.ok(result.ok, result.ok ? '' : result.message);
    expectServiceSites(result.measurement);
  });

  test('in-use figures are what the service still holds', async () => {
    const result = await loadProfile(await serviceProfile(MODULE, 'service-inuse', []), 'inuse_space', context);
    assert.ok(result.ok, result.ok ? '' : result.message);
    const mainGo = path.join(MODULE, 'service', 'main.go');
    // The service keeps every request; the tokens are garbage once Parse returns.
    assert.equal(siteAt(result.measurement, mainGo, 'r := &request{id: id, body: body}').objects, 500);
    assert.equal(
      result.measurement.sites.some((site) => site.functionName === 'NewToken'),
      false,
    );
  });

  test('from an older version of the source: shifted with the code, and what no longer matches is dropped', async () => {
    // The older version: a copy of the module, without the lines added since and with a function since removed.
    const older = path.join(scratch, 'older');
    fs.cpSync(MODULE, older, { recursive: true });
    const olderParse = path.join(older, 'parse', 'parse.go');
    const text = readText(PARSE_GO) ?? '';
    fs.writeFileSync(
      olderParse,
      text.replace('// Fields splits on spaces', '// An older comment,\n// two lines long.\n\n// Fields splits on spaces'),
    );
    const profile = await serviceProfile(older, 'service-older', []);
    // Today's source: the module as it is, with Pair deleted (a copy, so the fixture stays as it is).
    const today = path.join(scratch, 'today');
    fs.cpSync(MODULE, today, { recursive: true });
    const todayParse = path.join(today, 'parse', 'parse.go');
    // Since the profile: Pair deleted, and a line each inserted inside Shout and Checksum, above their sites.
    fs.writeFileSync(
      todayParse,
      text
        .replace(/\/\/ Pair joins[\s\S]*?\n}\n/, '')
        .replace(' + Pair(words[1], words[2])', '')
        .replace('\treturn len(strings.Repeat(word, 8))', '\tword = strings.TrimSpace(word)\n\treturn len(strings.Repeat(word, 8))')
        .replace('\tbuf := make([]byte, len(s))', '\t// A scratch buffer.\n\tbuf := make([]byte, len(s))'),
    );
    const todayContext = { ...context, modules: findWorkspaceModules([today]), factsOf: undefined };
    const result = await loadProfile(profile, 'alloc_space', todayContext);
    assert.ok(result.ok, result.ok ? '' : result.message);
    // Fields' append growth was three lines lower in the older source; it lands on today's line.
    const growth = siteAt(result.measurement, todayParse, 'out = append(out, s[start:i])');
    assert.equal(growth.objects, 1000);
    assert.equal(siteAt(result.measurement, todayParse, 'return &Token{Kind: kind, Text: text}').objects, 4000);
    assert.equal(
      result.measurement.sites.some((site) => site.functionName === 'Pair'),
      false,
    );
    // The profile knows only where each function starts: Shout's and Checksum's sites are one line lower now,
    // and their offsets land on the inserted lines, which cannot be them (no call of strings.Repeat; a
    // comment). They are dropped and counted, never shown on the wrong line.
    const todayText = readText(todayParse) ?? '';
    for (const inserted of ['word = strings.TrimSpace(word)', '// A scratch buffer.']) {
      const line = todayText.split('\n').findIndex((candidate) => candidate.includes(inserted)) + 1;
      assert.equal(
        result.measurement.sites.some((site) => site.file === todayParse && site.line === line),
        false,
        `nothing measured on the inserted line ${inserted}`,
      );
    }
    assert.equal(result.measurement.coverage.staleDropped, 3, 'Pair’s, Shout’s and Checksum’s sites are dropped and counted');
  });

  test('a profile of an unrelated program matches nothing, and says so', async () => {
    const unrelated = path.join(scratch, 'unrelated');
    fs.mkdirSync(path.join(unrelated, 'service'), { recursive: true });
    fs.writeFileSync(path.join(unrelated, 'go.mod'), 'module example.com/unrelated\n\ngo 1.22\n');
    // Another program whose files happen to have the same names as the workspace's.
    fs.writeFileSync(
      path.join(unrelated, 'service', 'main.go'),
      [
        'package main',
        '',
        'import (',
        '\t"os"',
        '\t"runtime"',
        '\t"runtime/pprof"',
        '\t"strings"',
        ')',
        '',
        'var kept []string',
        '',
        'func main() {',
        '\truntime.MemProfileRate = 1',
        '\tfor i := 0; i < 100; i++ {',
        '\t\tkept = append(kept, strings.Repeat("x", i))',
        '\t}',
        '\truntime.GC()',
        '\truntime.GC()',
        '\tf, _ := os.Create(os.Args[2])',
        '\tdefer f.Close()',
        '\tpprof.Lookup("allocs").WriteTo(f, 0)',
        '}',
        '',
      ].join('\n'),
    );
    const result = await loadProfile(await serviceProfile(unrelated, 'service-unrelated', []), 'alloc_space', context);
    assert.equal(result.ok, false, result.ok ? JSON.stringify(result.measurement.sites) : '');
    assert.match(result.ok ? '' : result.message, /Nothing in service-unrelated\.pb\.gz matches this workspace/);
  });

  test('a truncated profile, a CPU profile and a file that is no profile get clear messages', async () => {
    const good = fs.readFileSync(await serviceProfile(MODULE, 'service-whole', []));
    const truncated = path.join(scratch, 'truncated.pb.gz');
    fs.writeFileSync(truncated, good.subarray(0, Math.floor(good.length / 2)));
    const truncatedResult = await loadProfile(truncated, 'alloc_space', context);
    assert.match(truncatedResult.ok ? '' : truncatedResult.message, /not a complete gzip file.*truncated/);

    const cpu = path.join(scratch, 'cpu.pb.gz');
    const cpuRun = await runGo({
      goBinary: 'go',
      args: [
        'test',
        '-run=^$',
        '-bench=^BenchmarkParse$',
        '-benchtime=200x',
        `-cpuprofile=${cpu}`,
        '-o',
        path.join(scratch, 'cpu.test'),
        '.',
      ],
      cwd: PARSE,
      env: { ...process.env, GOPROXY: 'off', GOTOOLCHAIN: 'local' },
    });
    assert.equal(cpuRun.exitCode, 0, cpuRun.stderr);
    const cpuResult = await loadProfile(cpu, 'alloc_space', context);
    assert.match(cpuResult.ok ? '' : cpuResult.message, /is a CPU profile, not an allocation profile/);

    const notProfile = await loadProfile(path.join(MODULE, 'go.mod'), 'alloc_space', context);
    assert.match(notProfile.ok ? '' : notProfile.message, /not a pprof profile/);
    const missing = await loadProfile(path.join(scratch, 'missing.pb.gz'), 'alloc_space', context);
    assert.match(missing.ok ? '' : missing.message, /cannot be read \(ENOENT\)/);
  });
});
