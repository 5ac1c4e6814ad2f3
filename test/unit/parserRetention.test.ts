/**
 * What a cache keeps of a parse must not keep the compiler's whole output alive. V8 makes substrings views
 * into their parent, so one kept expression could hold megabytes: this leaked 6 MB per save on net/http
 * through the locator's pattern cache, whose keys are expressions.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { parseCompilerOutput } from '../../server/src/engine/parseCompilerOutput';

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

function heapAfterCollection(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

const OUTPUTS = 10;
const LINES_PER_OUTPUT = 40_000; // about 2 MB of output each

function compilerOutput(run: number): string {
  const lines = Array.from({ length: LINES_PER_OUTPUT }, (_, index) => `./a.go:${index + 1}:9: &Point{...} escapes to heap`);
  lines.push(`./a.go:${LINES_PER_OUTPUT + 1}:9: make([]byte, ${run}) escapes to heap`);
  return `${lines.join('\n')}\n`;
}

/** Parses OUTPUTS outputs and keeps the last expression of each, as a cache keyed by expressions would. */
function keepOneExpressionPerParse(form: 'text' | 'bytes', kept: string[]): number {
  let outputBytes = 0;
  for (let run = 0; run < OUTPUTS; run++) {
    const text = compilerOutput(run);
    outputBytes += text.length;
    const output = form === 'text' ? text : Buffer.from(text);
    const { facts } = parseCompilerOutput(output, { workingDirectory: '/p', packageDirectory: '/p', buildSucceeded: true });
    assert.equal(facts.length, LINES_PER_OUTPUT + 1);
    kept.push(facts[facts.length - 1].expression);
  }
  return outputBytes;
}

for (const form of ['text', 'bytes'] as const) {
  test(`an expression kept from each parse does not keep its output (${form})`, () => {
    // The first parses leave compiled code and caches behind, which is not what is measured. The parsing
    // happens in a function of its own, so no stack slot of this one still points at the last result.
    keepOneExpressionPerParse(form, []);
    const kept: string[] = [];
    const before = heapAfterCollection();
    const outputBytes = keepOneExpressionPerParse(form, kept);
    const grown = heapAfterCollection() - before;
    assert.deepEqual(
      kept,
      Array.from({ length: OUTPUTS }, (_, run) => `make([]byte, ${run})`),
    );
    // Kept whole, the outputs would be 20 MB; the ten expressions are a few hundred bytes.
    assert.ok(grown < outputBytes / 10, `the heap grew by ${(grown / 1e6).toFixed(1)} MB for ${OUTPUTS} kept expressions`);
  });
}
