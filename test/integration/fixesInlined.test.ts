/**
 * Return by value of a function the compiler inlines: the compiler's count falls by one (the allocation in
 * the function's own body, which no inlined call runs), but nothing changes at run time, as the fix's title
 * says. Checked with testing.AllocsPerRun on the package's callers, before and after the fix, in a copy.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { applyToSource } from '../../server/src/fixes/textEdits';
import { toSourceText } from '../../server/src/syntax/positions';
import { heapFactsFromCompiler, requireGo } from '../helpers/goOracle';
import { FIXES, fixesOf, temporary } from '../helpers/quickFixes';

/** Allocations per call of each of retval's callers of newPoint, as the runtime counts them. */
const ALLOCS_TEST = `package retval

import "testing"

func TestAllocsOfNewPointCallers(t *testing.T) {
	for _, caller := range []struct {
		name string
		call func()
	}{{"ScaledSum", func() { ScaledSum() }}, {"Describe", func() { Describe() }}, {"XOf", func() { XOf() }}, {"ScaleOnce", ScaleOnce}} {
		t.Logf("allocs %s %v", caller.name, testing.AllocsPerRun(100, caller.call))
	}
}
`;

function allocsPerCaller(packageDirectory: string): string[] {
  fs.writeFileSync(path.join(packageDirectory, 'allocs_test.go'), ALLOCS_TEST);
  const run = spawnSync('go', ['test', '-count=1', '-v', '-run', '^TestAllocsOfNewPointCallers$', '.'], {
    cwd: packageDirectory,
    encoding: 'utf8',
    env: { ...process.env, GOPROXY: 'off', GOFLAGS: '' },
  });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  fs.rmSync(path.join(packageDirectory, 'allocs_test.go'));
  return [...run.stdout.matchAll(/allocs (\w+ [\d.]+)/g)].map((match) => match[1]);
}

describe('return by value of an inlined function', () => {
  before(() => requireGo());

  test('the compiler counts one heap fact fewer, the runtime the same allocations: the title claims none', async () => {
    const directory = path.join(FIXES, 'retval');
    const fixes = await fixesOf(directory);
    const newPoint = fixes.offered.find((fix) => fix.candidate.id === 'returnByValue:newPoint');
    assert.ok(newPoint, JSON.stringify(fixes.offered.map((fix) => fix.candidate.id)));
    assert.match(newPoint.action.title, /no heap allocation removed: the compiler inlines newPoint/);

    const copy = fs.mkdtempSync(path.join(temporary, 'inlined-'));
    fs.cpSync(FIXES, copy, { recursive: true });
    const packageCopy = path.join(copy, 'retval');
    const allocsBefore = allocsPerCaller(packageCopy);
    for (const [file, edits] of newPoint.candidate.edits) {
      const target = path.join(copy, path.relative(FIXES, file));
      fs.writeFileSync(target, applyToSource(toSourceText(fs.readFileSync(target, 'utf8')), edits));
    }
    assert.equal(heapFactsFromCompiler(packageCopy).length, heapFactsFromCompiler(directory).length - 1, 'the compiler counts one fewer');
    const after = allocsPerCaller(packageCopy);
    assert.equal(allocsBefore.length, 4, allocsBefore.join(', '));
    assert.ok(
      allocsBefore.some((line) => !line.endsWith(' 0')),
      `some caller allocates: ${allocsBefore.join(', ')}`,
    );
    assert.deepEqual(after, allocsBefore);
  });
});
