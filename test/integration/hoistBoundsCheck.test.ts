/**
 * The hoist-bounds-checks quick-fix on real code: proposed where consecutive statements index one slice at
 * constant indexes, verified by the compiler (builds with its tests, vet clean, fewer bounds checks in the
 * function), offered with the measured count in its title, and checked again in a copy of the module by a
 * plain compiler run.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { applyToSource } from '../../server/src/fixes/textEdits';
import { toSourceText } from '../../server/src/syntax/positions';
import { compilerLinesMatching } from '../helpers/goOracle';
import { analyses, FIX_SETTINGS, go, GO, quickFixes, temporary } from '../helpers/quickFixes';
import { REPOSITORY_ROOT } from '../helpers/lspClient';

const MODULE = path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'annotations');
const PACKAGE = path.join(MODULE, 'hoist');
const BOUNDS_GO = { ...GO, annotations: { escape: true, inline: false, bounds: true, nil: false } };
const BOUNDS = /^Found Is(?:Slice)?InBounds$/;

/** The compiler's bounds checks per function of hoist.go, by a plain run, from the lines each function spans. */
function checksPerFunction(directory: string): Record<string, number> {
  const text = fs.readFileSync(path.join(directory, 'hoist.go'), 'utf8').split('\n');
  const starts = text.flatMap((line, index) => {
    const name = /^func (?:\([^)]*\) )?(\w+)/.exec(line)?.[1];
    return name ? [{ name, line: index + 1 }] : [];
  });
  const counts: Record<string, number> = {};
  for (const fact of compilerLinesMatching(directory, '-d=ssa/check_bce/debug=1', BOUNDS)) {
    const owner = starts.filter((start) => start.line <= fact.line).pop();
    if (owner) counts[owner.name] = (counts[owner.name] ?? 0) + 1;
  }
  return counts;
}

describe('hoist bounds checks', () => {
  test('offered where the count drops, with the measured count; checked again in a copy', async () => {
    const result = await analyses.analyseDirectory(PACKAGE, BOUNDS_GO, { includeTests: true });
    assert.ok(result && result.analysis.status === 'ok', result?.analysis.message);
    const fixes = await quickFixes.verifiedFixes(result, BOUNDS_GO, FIX_SETTINGS, (file) => pathToFileURL(file).href);
    const hoists = fixes.offered.filter((fix) => fix.candidate.fix === 'hoistBoundsCheck');
    assert.deepEqual(hoists.map((fix) => fix.action.title).sort(), [
      "Check b's bounds once — removes 1 bounds check (verified)",
      "Check b's bounds once — removes 3 bounds checks (verified)",
    ]);
    // Hinted already has `_ = b[3]`, and Array's indexes need no check: nothing is proposed there.
    assert.equal(fixes.proposals.candidates.filter((candidate) => candidate.fix === 'hoistBoundsCheck').length, 2);

    const before = checksPerFunction(PACKAGE);
    assert.deepEqual(before, { Uint32: 4, PutUint16: 2, Hinted: 1 });
    for (const fix of hoists) {
      const copy = fs.mkdtempSync(path.join(temporary, 'hoist-'));
      fs.cpSync(MODULE, copy, { recursive: true });
      const target = path.join(copy, 'hoist', 'hoist.go');
      const edits = fix.candidate.edits.get(path.join(PACKAGE, 'hoist.go'))!;
      fs.writeFileSync(target, applyToSource(toSourceText(fs.readFileSync(target, 'utf8')), edits));
      assert.equal(go(path.join(copy, 'hoist'), ['vet', '.']).status, 0);
      assert.equal(go(path.join(copy, 'hoist'), ['test', '.']).status, 0);
      const after = checksPerFunction(path.join(copy, 'hoist'));
      const inserted = fs.readFileSync(target, 'utf8');
      const removed = /removes (\d+)/.exec(fix.action.title)![1];
      if (removed === '3') {
        assert.match(inserted, /func Uint32\(b \[\]byte\) uint32 \{\n\t_ = b\[3\]\n\treturn uint32\(b\[0\]\)/);
        assert.deepEqual(after, { ...before, Uint32: 1 });
      } else {
        assert.match(inserted, /func PutUint16\(b \[\]byte, v uint16\) \{\n\t_ = b\[1\]\n\tb\[0\] = byte\(v\)/);
        assert.deepEqual(after, { ...before, PutUint16: 1 });
      }
    }
  });

  test('not proposed where a branch could skip a later index, or the slice is assigned between', async () => {
    const directory = fs.mkdtempSync(path.join(temporary, 'branchy-'));
    fs.writeFileSync(path.join(directory, 'go.mod'), 'module example.com/branchy\n\ngo 1.22\n');
    fs.writeFileSync(
      path.join(directory, 'branchy.go'),
      [
        'package branchy',
        '',
        'func Early(b []byte) byte {',
        '\tif b[0] == 0 {',
        '\t\treturn 0',
        '\t}',
        '\treturn b[1]',
        '}',
        '',
        'func Short(b []byte) bool { return b[0] == 1 && b[1] == 2 }',
        '',
        'func Moved(b []byte) byte {',
        '\tx := b[0]',
        '\tb = b[1:]',
        '\treturn x + b[1]',
        '}',
        '',
      ].join('\n'),
    );
    const result = await analyses.analyseDirectory(directory, BOUNDS_GO, { includeTests: true });
    assert.ok(result && result.analysis.status === 'ok', result?.analysis.message);
    const checks = [...result.files.values()].flatMap((file) => file.located.filter((item) => item.fact.kind === 'indexCheck'));
    assert.ok(checks.length >= 5, `the compiler keeps the checks these tests are about (${checks.length})`);
    const fixes = await quickFixes.verifiedFixes(result, BOUNDS_GO, FIX_SETTINGS, (file) => pathToFileURL(file).href);
    assert.deepEqual(
      fixes.proposals.candidates.filter((candidate) => candidate.fix === 'hoistBoundsCheck').map((candidate) => candidate.id),
      [],
    );
  });
});
