/**
 * errors.New("…") inside a function → a package variable made once, verified by the real compiler: the
 * inlined errors.New's *errorString is on the heap at every call, a package variable's is laid out at build
 * time. Each offered rewrite is applied to a copy of the fixture's module, which must stay gofmt-clean,
 * vet-clean and pass its Go test (which checks every function's error message), and remove what its title
 * says. A message made at run time is refused with its reason; an errors.New of another package (one that
 * records its caller, as github.com/pkg/errors does) is never touched, though the compiler names its
 * allocation the same way.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { CodeActionKind } from 'vscode-languageserver-protocol';
import { applyToSource } from '../../server/src/fixes/textEdits';
import { toSourceText } from '../../server/src/syntax/positions';
import { checkInCopy, FIXES, fixesOf, offeredIds, type PackageFixes } from '../helpers/quickFixes';

describe('a constant errors.New inside a function becomes a package variable', () => {
  const directory = path.join(FIXES, 'sentinel');
  let fixes: PackageFixes;
  before(async () => {
    fixes = await fixesOf(directory);
  });
  const fixed = (id: string) => {
    const fix = fixes.offered.find((offered) => offered.candidate.id === id);
    assert.ok(fix, `${id} is not offered: ${offeredIds(fixes).join(', ')}`);
    const [[file, edits]] = [...fix.candidate.edits];
    return { fix, text: applyToSource(toSourceText(fs.readFileSync(file, 'utf8')), edits) };
  };

  test('each call of the standard errors.New with a literal is a quick-fix that removes its allocation', () => {
    assert.deepEqual(
      offeredIds(fixes).filter((id) => id.startsWith('hoistErrorsNew:')),
      [
        'hoistErrorsNew:renamed.go:12:10',
        'hoistErrorsNew:sentinel.go:16:15',
        'hoistErrorsNew:sentinel.go:24:10',
        'hoistErrorsNew:sentinel.go:27:10',
        'hoistErrorsNew:sentinel.go:43:10',
        'hoistErrorsNew:sentinel.go:57:10',
        'hoistErrorsNew:sentinel.go:82:9',
      ],
    );
    for (const fix of fixes.offered.filter((offered) => offered.candidate.fix === 'hoistErrorsNew')) {
      assert.match(
        fix.action.title,
        /^Create the error once, in a package variable err\w+ — removes \d+ heap allocations? \(verified; every call returns the same error value\)$/,
      );
      assert.equal(fix.action.kind, CodeActionKind.QuickFix);
    }
  });

  test('the variable is declared above the function and its doc comment, named from the message', () => {
    const { text } = fixed('hoistErrorsNew:sentinel.go:16:15');
    assert.match(
      text,
      /\nvar errCannotReadNilBody = errors\.New\("cannot read nil body"\)\n\n\/\/ Read fails on a nil body\.\nfunc Read\(/,
    );
    assert.match(text, /\t\treturn nil, errCannotReadNilBody\n/);
    // Two calls with one message: a variable each, so errors from different places stay different.
    assert.match(fixed('hoistErrorsNew:sentinel.go:24:10').text, /\nvar errValueOutOfRange = errors\.New\("value out of range"\)\n/);
    assert.match(fixed('hoistErrorsNew:sentinel.go:27:10').text, /\nvar errValueOutOfRange2 = errors\.New\("value out of range"\)\n/);
    // Short's local errTooLong would hide a package variable of that name inside Short.
    assert.match(fixed('hoistErrorsNew:sentinel.go:43:10').text, /\nvar errTooLong2 = errors\.New\(`too long`\)\n/);
    // Articles are left out of the name; a package-level function literal's variable goes above its var.
    assert.match(
      fixed('hoistErrorsNew:sentinel.go:57:10').text,
      /\nvar errEmptyString = errors\.New\("the \\"empty\\" string"\)\n\n\/\/ validate is a function literal/,
    );
    // A call spread over lines is declared on one, as gofmt would lay it out.
    assert.match(fixed('hoistErrorsNew:sentinel.go:82:9').text, /\nvar errLongMessage = errors\.New\("a long message"\)\n/);
    // The standard errors package under another name is called by that name.
    assert.match(fixed('hoistErrorsNew:renamed.go:12:10').text, /\nvar errAlreadyClosed = stderrors\.New\("already closed"\)\n/);
  });

  test('a message made at run time is refused; another package named errors is not touched', () => {
    const refusals = fixes.proposals.refused.filter((refusal) => refusal.fix === 'hoistErrorsNew');
    assert.deepEqual(
      refusals.map((refusal) => `${path.basename(refusal.file)}: ${refusal.subject}: ${refusal.reason}`),
      [
        'sentinel.go: errors.New("bad name: " + name): the message is not a string literal: each call may make a different error',
        'sentinel.go: errors.New(message): the message is not a string literal: each call may make a different error',
        // Open's parameter errors is a registry, whose New counts: at package level the name means the import.
        'sentinel.go: errors.New("not found"): errors is declared again in the function, so the call may not be the package\'s',
      ],
    );
    // traced's New is inlined and its allocation is "&errors.errorString{...}" too, but it records its caller.
    const tracedFact = fixes.facts.some((fact) => fact.position.file.endsWith('renamed.go') && fact.position.line === 20);
    assert.ok(tracedFact, 'the compiler reports traced.New’s allocation, so only the import path keeps it out');
    assert.ok(!offeredIds(fixes).some((id) => id.includes('renamed.go:20')));
  });

  test('every offered rewrite builds, vets clean, passes the tests and removes what its title says', () => {
    // The test file's calls inline some of these functions, and with them errors.New: the compiler counts
    // one allocation per inlined copy too.
    for (const fix of fixes.offered.filter((offered) => offered.candidate.fix === 'hoistErrorsNew'))
      assert.ok(checkInCopy(FIXES, directory, fix) >= 1);
  });
});
