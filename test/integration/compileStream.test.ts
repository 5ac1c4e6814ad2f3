/**
 * Streaming the compile's output through the real `-toolexec` wrapper and the real compiler: the facts read
 * when escape analysis is known to be complete are the facts of the finished go command, and the saved
 * file's facts are handed over from the stream.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { analysePackage } from '../../server/src/engine/analysePackage';
import { asPrintedByGoCommand, type CompleteEscapeAnalysis, CompileStream } from '../../server/src/engine/compileStream';
import type { PackageFacts } from '../../server/src/model/facts';
import { packageAnalysisInvocation } from '../../server/src/engine/goCommand';
import { withOverlay } from '../../server/src/engine/overlay';
import { readPackageSnapshot } from '../../server/src/engine/packageSnapshot';
import { parseCompilerOutput } from '../../server/src/engine/parseCompilerOutput';
import { runGo } from '../../server/src/engine/runGo';
import { ensureSkipLinkTool } from '../../server/src/engine/skipLinkTool';
import { requireGo } from '../helpers/goOracle';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const SETTINGS = { goBinary: 'go', buildFlags: [], env: {} };

const copies: string[] = [];
before(() => requireGo());
after(() => {
  for (const copy of copies) fs.rmSync(copy, { recursive: true, force: true });
});

/**
 * A copy of a fixture package in a temp folder, with a comment no earlier run had: the go command's build
 * cache then has no entry for it, and the compiler runs (a cached compile is never run, so never streamed).
 */
function freshCopy(fixture: string): string {
  const module = fs.mkdtempSync(path.join(os.tmpdir(), 'gel-stream-test-'));
  copies.push(module);
  fs.copyFileSync(path.join(path.dirname(fixture), 'go.mod'), path.join(module, 'go.mod'));
  const directory = path.join(module, path.basename(fixture));
  fs.mkdirSync(directory);
  for (const name of fs.readdirSync(fixture).filter((name) => name.endsWith('.go'))) {
    fs.writeFileSync(path.join(directory, name), `${fs.readFileSync(path.join(fixture, name), 'utf8')}\n// ${module}\n`);
  }
  return directory;
}

/** Runs the analysis build of `directory` with a stream, and resolves with the go result and the signal. */
async function streamedBuild(directory: string) {
  const signals: CompleteEscapeAnalysis[] = [];
  const stream = new CompileStream((analysis) => signals.push(analysis));
  try {
    const invocation = packageAnalysisInvocation(
      { directory, hasTestFiles: false, skipLinkTool: ensureSkipLinkTool(), streamEnvironment: stream.environment },
      SETTINGS,
    );
    assert.ok(invocation.args.some((arg) => arg.startsWith('-toolexec=')));
    const result = await runGo(invocation);
    // The file events may be handled after the go command's end; catching up handles them now.
    stream.catchUp();
    assert.equal(signals.length, 1, 'one compile printed escape analysis, and it signalled once');
    return { result, analysis: signals[0] };
  } finally {
    stream.close();
  }
}

function factsOf(output: Uint8Array, directory: string): string[] {
  const options = { workingDirectory: directory, packageDirectory: directory, buildSucceeded: true };
  return parseCompilerOutput(output, options).facts.map((fact) => JSON.stringify(fact));
}

describe('the compile stream', () => {
  test('a backend line proves escape analysis complete: the facts up to it are the finished facts', async () => {
    const directory = freshCopy(path.join(FIXTURES, 'stream', 'lookup'));
    const { result, analysis } = await streamedBuild(directory);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(analysis.signal, 'backend');
    assert.ok(!analysis.output.includes('index bounds check elided'), 'the stream stops before the backend line');
    assert.ok(analysis.args.includes(path.join(directory, 'lookup.go')));
    const early = factsOf(asPrintedByGoCommand(analysis.output, directory), directory);
    assert.ok(early.length >= 5, `few facts: ${early.join('\n')}`);
    assert.deepEqual(early, factsOf(result.output, directory));
  });

  test('without a backend line, the compile’s exit says so; the go command still gets the whole output', async () => {
    const directory = freshCopy(path.join(FIXTURES, 'article', 'pointers'));
    const { result, analysis } = await streamedBuild(directory);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(analysis.signal, 'exit');
    assert.equal(analysis.exitCode, 0);
    assert.deepEqual(factsOf(asPrintedByGoCommand(analysis.output, directory), directory), factsOf(result.output, directory));
    assert.match(result.stderr, /^# example\.com\/article\/pointers\n\.\/pointers\.go:/, 'the go command prints as without the wrapper');
  });

  test('the saved file’s facts are handed over once, from the stream, and equal the finished compile’s', async () => {
    const directory = freshCopy(path.join(FIXTURES, 'stream', 'lookup'));
    const file = path.join(directory, 'lookup.go');
    const snapshot = await readPackageSnapshot(directory, { includeTests: false });
    const handed: PackageFacts[] = [];
    let goEnded = false;
    const analysis = await analysePackage(
      snapshot,
      SETTINGS,
      {
        runGo: async (invocation, signal) => {
          const result = await runGo(invocation, signal);
          goEnded = true;
          return result;
        },
        skipLinkTool: ensureSkipLinkTool(),
      },
      {
        first: {
          file,
          facts: async (facts) => {
            handed.push(facts);
          },
        },
      },
    );
    assert.equal(analysis.status, 'ok', analysis.message);
    assert.equal(handed.length, 1);
    assert.ok(goEnded);
    assert.deepEqual(
      handed[0].facts.map((fact) => JSON.stringify(fact)),
      analysis.facts.facts.filter((fact) => fact.position.file === file).map((fact) => JSON.stringify(fact)),
    );
  });

  test('stopping the compiler after escape analysis keeps every fact of the package', async () => {
    const directory = freshCopy(path.join(FIXTURES, 'stream', 'lookup'));
    // A long function keeps the backend busy long after escape analysis, so the stop lands while it runs.
    const statements = Array.from({ length: 4000 }, (_, index) => `\tx = x*${(index % 9) + 3} ^ (x >> ${(index % 7) + 1})\n`);
    fs.writeFileSync(
      path.join(directory, 'long.go'),
      `package lookup\n\nfunc Long(x uint64) uint64 {\n${statements.join('')}\treturn x\n}\n`,
    );
    const file = path.join(directory, 'lookup.go');
    const snapshot = await readPackageSnapshot(directory, { includeTests: false });
    const exitCodes: (number | null)[] = [];
    const recordingRunGo: typeof runGo = async (invocation, signal) => {
      const result = await runGo(invocation, signal);
      exitCodes.push(result.exitCode);
      return result;
    };
    const dependencies = { runGo: recordingRunGo, skipLinkTool: ensureSkipLinkTool() };
    const first = { file, facts: async () => {} };
    const stopped = await analysePackage(snapshot, SETTINGS, dependencies, { first, stopBackend: () => true });
    assert.equal(stopped.status, 'ok', stopped.message);
    assert.notEqual(exitCodes[0], 0, 'the compiler was stopped, so the go command failed');
    assert.deepEqual(stopped.facts.importPaths, ['example.com/stream/lookup']);
    // Nothing was cached for the stopped compile: this one compiles the same content to its end.
    const finished = await analysePackage(snapshot, SETTINGS, dependencies, { first });
    assert.equal(exitCodes[1], 0);
    assert.deepEqual(
      stopped.facts.facts.map((fact) => JSON.stringify(fact)),
      finished.facts.facts.map((fact) => JSON.stringify(fact)),
    );
  });

  test('while typing, the overlay compile is streamed too: the unsaved text’s facts come from the stream', async () => {
    const directory = freshCopy(path.join(FIXTURES, 'stream', 'lookup'));
    const file = path.join(directory, 'lookup.go');
    const unsaved = `${fs.readFileSync(file, 'utf8')}\nfunc Typed() *int {\n\tv := 1\n\treturn &v\n}\n`;
    const overlays = new Map([[file, unsaved]]);
    const snapshot = await readPackageSnapshot(directory, { includeTests: false, overlays });
    const handed: PackageFacts[] = [];
    const analysis = await withOverlay(overlays, (overlayFile) =>
      analysePackage(
        snapshot,
        SETTINGS,
        { runGo, skipLinkTool: ensureSkipLinkTool() },
        { overlayFile, first: { file, facts: async (facts) => void handed.push(facts) } },
      ),
    );
    assert.equal(analysis.status, 'ok', analysis.message);
    assert.equal(handed.length, 1);
    const typedLine = unsaved.split('\n').indexOf('\tv := 1') + 1;
    assert.ok(
      handed[0].facts.some((fact) => fact.kind === 'moved' && fact.position.file === file && fact.position.line === typedLine),
      'the unsaved function’s allocation is among the facts',
    );
    assert.deepEqual(
      handed[0].facts.map((fact) => JSON.stringify(fact)),
      analysis.facts.facts.filter((fact) => fact.position.file === file).map((fact) => JSON.stringify(fact)),
    );
  });
});
