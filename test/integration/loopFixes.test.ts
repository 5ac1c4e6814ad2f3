/**
 * The loop fixes with the real go command, on test/fixtures/measured/loops: preallocating a slice and
 * building a string with strings.Builder are offered where the rules hold, as refactors that say "not
 * measured" (the compiler does not count what they save), and each offered edit, applied to a copy of the
 * module, is gofmt-clean, vets and passes the tests (which check that a nil input still gives a nil
 * slice). The compiler's count of sites is no judge of them (slices.Grow and strings.Builder bring sites of
 * their own); run by the package's benchmark, each one allocates less per op.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { CodeActionKind } from 'vscode-languageserver-protocol';
import { runBenchmark } from '../../server/src/engine/runBenchmark';
import { runGo } from '../../server/src/engine/runGo';
import { applyToSource } from '../../server/src/fixes/textEdits';
import { toSourceText } from '../../server/src/syntax/positions';
import { checkInCopy, fixesOf, GO, type PackageFixes } from '../helpers/quickFixes';
import { REPOSITORY_ROOT } from '../helpers/lspClient';

const MODULE = path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'measured');
const LOOPS = path.join(MODULE, 'loops');
const LOOPS_GO = path.join(LOOPS, 'loops.go');

describe('loop fixes: preallocate a slice, build a string with strings.Builder', () => {
  let fixes: PackageFixes;
  before(async () => {
    fixes = await fixesOf(LOOPS);
  });
  const offered = (fix: string) => fixes.offered.filter((item) => item.candidate.fix === fix);

  test('offered where every iteration appends once, and for the string; refactors that say they are not measured', () => {
    const preallocate = offered('preallocateSlice');
    assert.deepEqual(
      preallocate.map((item) => [item.action.title, item.action.kind]),
      [['Preallocate out with capacity len(src) — not measured (builds, vet clean)', CodeActionKind.RefactorRewrite]],
    );
    assert.equal(preallocate[0].candidate.triggerRanges[0].start.line, 7, 'Doubles, not Evens (whose append is conditional)');
    const builder = offered('stringsBuilder');
    assert.deepEqual(
      builder.map((item) => [item.action.title, item.action.kind]),
      [['Build s with a strings.Builder — not measured (builds, vet clean)', CodeActionKind.RefactorRewrite]],
    );
  });

  test('each edit, applied to a copy, is gofmt-clean, vets and passes the tests', () => {
    const both = [...offered('preallocateSlice'), ...offered('stringsBuilder')];
    assert.equal(both.length, 2);
    for (const fix of both) checkInCopy(MODULE, LOOPS, fix, { countUnchecked: true });
  });

  test('the nil slice stays nil: slices.Grow, not make, for a slice declared with var', () => {
    const edited = applyToSource(
      toSourceText(fs.readFileSync(LOOPS_GO, 'utf8')),
      offered('preallocateSlice')[0].candidate.edits.get(LOOPS_GO)!,
    );
    assert.match(edited, /\tout := slices\.Grow\(\[\]int\(nil\), len\(src\)\)\n\tfor _, x := range src \{/);
    assert.match(edited, /^import "slices"$/m);
  });

  test('BenchmarkLoops allocates less per op with each fix', async () => {
    const measure = async (overlays?: Map<string, string>) => {
      const run = await runBenchmark({ directory: LOOPS, benchmark: 'BenchmarkLoops', benchtime: '200x', overlays }, GO, runGo);
      assert.ok(run.ok, run.ok ? '' : run.message);
      return run.figures;
    };
    const unfixed = await measure();
    const both = [...offered('preallocateSlice'), ...offered('stringsBuilder')];
    assert.equal(both.length, 2);
    for (const fix of both) {
      const text = applyToSource(toSourceText(fs.readFileSync(LOOPS_GO, 'utf8')), fix.candidate.edits.get(LOOPS_GO)!);
      const fixed = await measure(new Map([[LOOPS_GO, text]]));
      assert.ok(fixed.allocsPerOp < unfixed.allocsPerOp, `${fix.candidate.title}: ${unfixed.allocsPerOp} → ${fixed.allocsPerOp} allocs/op`);
    }
  });
});
