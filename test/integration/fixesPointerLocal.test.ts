/**
 * Return by value through a pointer variable (`x := &T{}; …; return x` becomes `return *x`), decided by the
 * compiler: the fix holds only if, after it, the allocation is no longer on the heap, which proves nothing
 * else keeps the object. A counter nobody keeps is offered and removes its allocation; one kept in a
 * registry and a node pointing at itself still escape, so the verification breaks them; a deferred write is
 * refused before any compile.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { CodeActionKind } from 'vscode-languageserver-protocol';
import { checkInCopy, FIXES, fixesOf, type PackageFixes, refusalOf } from '../helpers/quickFixes';

describe('return by value through a pointer variable', () => {
  const directory = path.join(FIXES, 'pointerlocal');
  let fixes: PackageFixes;
  before(async () => {
    fixes = await fixesOf(directory);
  });

  test('the counter nobody else keeps is a quick-fix that removes its allocation; inlined, only a refactor', () => {
    const offered = fixes.offered.filter((fix) => fix.candidate.fix === 'returnByValue');
    assert.deepEqual(
      offered.map((fix) => fix.candidate.id),
      ['returnByValue:newCounter', 'returnByValue:newTally'],
    );
    assert.equal(offered[0].action.title, 'Return Counter by value — removes 1 heap allocation (verified)');
    assert.equal(offered[0].action.kind, CodeActionKind.QuickFix);
    assert.equal(
      offered[1].action.title,
      'Return Counter by value — no heap allocation removed: the compiler inlines newTally into its callers (verified)',
    );
    assert.equal(offered[1].action.kind, CodeActionKind.RefactorRewrite);
  });

  test('what the compiler still puts on the heap after the edit breaks the fix, with the reason', () => {
    for (const id of ['returnByValue:registered', 'returnByValue:newNode']) {
      const verdict = fixes.verdicts.get(id);
      assert.equal(verdict?.outcome, 'breaks', `${id}: ${JSON.stringify(verdict)}`);
      assert.match(verdict.outcome === 'breaks' ? verdict.reason : '', /is still on the heap: something else keeps it/);
    }
    assert.match(refusalOf(fixes, 'finished'), /deferred call/);
  });

  test('every offered fix compiles, passes vet and the tests, and removes what its title says', () => {
    for (const fix of fixes.offered) checkInCopy(FIXES, directory, fix);
  });
});
