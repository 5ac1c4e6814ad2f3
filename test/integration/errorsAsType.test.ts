/**
 * errors.As → errors.AsType (Go 1.26), verified by the real compiler: the target errors.As takes as `any`
 * is on the heap, AsType's result is not. Each offered rewrite is applied to a copy of the fixture's module,
 * which must stay gofmt-clean, vet-clean and pass its Go test (which checks what every function finds), and
 * remove the heap facts its title claims. The shapes that would change what the code sees are refused
 * before any compile, each with its reason, and so is a module whose go directive predates AsType.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { CodeActionKind } from 'vscode-languageserver-protocol';
import { applyToSource } from '../../server/src/fixes/textEdits';
import { toSourceText } from '../../server/src/syntax/positions';
import { checkInCopy, FIXES, fixesOf, offeredIds, type PackageFixes, refusalOf } from '../helpers/quickFixes';

describe('errors.As becomes errors.AsType in a Go 1.26 module', () => {
  const moduleRoot = path.join(FIXES, 'modern');
  const directory = path.join(moduleRoot, 'astype');
  let fixes: PackageFixes;
  before(async () => {
    fixes = await fixesOf(directory);
  });

  test('each variable declared for the call is a quick-fix that removes its allocation', () => {
    assert.deepEqual(
      offeredIds(fixes).filter((id) => id.startsWith('errorsAsType:')),
      [
        'errorsAsType:astype.go:150:pathErr',
        'errorsAsType:astype.go:174:errs',
        'errorsAsType:astype.go:17:pathErr',
        'errorsAsType:astype.go:26:coded',
        'errorsAsType:astype.go:35:pathErr',
        'errorsAsType:astype.go:45:pathErr',
        'errorsAsType:astype.go:54:parsed',
        'errorsAsType:astype.go:83:pathErr',
      ],
    );
    // The test file's calls inline these functions, and with them the target's allocation: the compiler
    // counts one per inlined copy too.
    for (const fix of fixes.offered.filter((offered) => offered.candidate.fix === 'errorsAsType')) {
      assert.match(fix.action.title, /^Use errors\.AsType instead of errors\.As — removes \d+ heap allocations? \(verified\)$/);
      assert.equal(fix.action.kind, CodeActionKind.QuickFix);
    }
  });

  test('the rewrites declare the variable where errors.As was, with an ok that shadows nothing', () => {
    const conditionOf = (id: string) => {
      const fix = fixes.offered.find((offered) => offered.candidate.id === id);
      assert.ok(fix, id);
      const [edits] = [...fix.candidate.edits.values()];
      const text = applyToSource(toSourceText(fs.readFileSync(path.join(directory, 'astype.go'), 'utf8')), edits);
      return text.split('\n')[fix.candidate.triggerRanges[1].start.line - 1].trim();
    };
    assert.equal(conditionOf('errorsAsType:astype.go:17:pathErr'), 'if pathErr, ok := errors.AsType[*fs.PathError](err); ok {');
    assert.equal(conditionOf('errorsAsType:astype.go:26:coded'), 'if coded, ok := errors.AsType[Coded](err); ok {');
    assert.equal(conditionOf('errorsAsType:astype.go:35:pathErr'), 'if pathErr, ok := errors.AsType[*fs.PathError](err); !ok {');
    assert.equal(conditionOf('errorsAsType:astype.go:45:pathErr'), 'if pathErr, ok2 := errors.AsType[*fs.PathError](err); ok2 {');
    assert.equal(conditionOf('errorsAsType:astype.go:54:parsed'), 'parsed, found := errors.AsType[*fs.PathError](err)');
    assert.equal(conditionOf('errorsAsType:astype.go:174:errs'), 'if errs, ok := errors.AsType[Errs](err); ok {');
    assert.equal(conditionOf('errorsAsType:astype.go:150:pathErr'), 'if pathErr, ok := errors.AsType[*fs.PathError](err); !ok && strict {');
    assert.equal(
      conditionOf('errorsAsType:astype.go:83:pathErr'),
      'if pathErr, ok := errors.AsType[*fs.PathError](err); ok && pathErr.Op == "open" {',
    );
  });

  test('what would compile but change what the code sees is refused before any compile, with the reason', () => {
    const refusals = fixes.proposals.refused.filter((refusal) => refusal.fix === 'errorsAsType').map((refusal) => refusal.reason);
    assert.deepEqual(refusals.sort(), [
      // An As method would be handed an empty map before, a nil one after.
      "Fields is a map type: its Fields{} is empty where AsType's is nil",
      "Fields is a map type: its Fields{} is empty where AsType's is nil",
      // AsType's variable is a Coded, not the *Coded the function returns.
      "coded is used as a pointer (line 127); AsType's variable would be a Coded",
      // The external test's Coded is a map, whatever the package's Coded is: Coded{} is not its zero value.
      "coded is used where errors.As may have found nothing (line 16), where it held Coded{}, not AsType's zero value",
      // An errors.As in a switch case, and one after another operand, which AsType would be evaluated before.
      'errors.As is neither what an if evaluates first nor the value of a new variable (`ok := errors.As(…)`)',
      'errors.As is neither what an if evaluates first nor the value of a new variable (`ok := errors.As(…)`)',
      // Errs{} is an empty slice where nothing matched; AsType's zero value is nil.
      "errs is used where errors.As may have found nothing (line 197), where it held Errs{}, not AsType's zero value",
      'pathErr is used before errors.As (line 161)',
      'pathErr is used outside the if (line 67)',
      // A local type changes what Coded names at the call; a goto could jump back over the declaration.
      'the function declares its own types, which could change what Coded names at the call',
      "the function has a goto, which could jump back over pathErr's declaration",
    ]);
  });

  test('every offered rewrite builds, vets clean, passes the tests and removes what its title says', () => {
    for (const fix of fixes.offered) assert.ok(checkInCopy(moduleRoot, directory, fix) >= 1);
  });
});

describe('errors.As in a module before Go 1.26', () => {
  test('is refused, naming the go directive', async () => {
    const fixes = await fixesOf(path.join(FIXES, 'olderrors'));
    assert.deepEqual(offeredIds(fixes), []);
    assert.equal(refusalOf(fixes, 'pathErr'), "errors.AsType arrived in Go 1.26; the module's go directive is 1.22");
  });
});
