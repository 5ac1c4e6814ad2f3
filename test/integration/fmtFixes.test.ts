/**
 * The fmt and errors rewrites end to end, with the real go command: on the `format` fixture every offered
 * fix is applied to a copy of the module, which must be gofmt-clean, vet and test green and have lost
 * exactly what the title promises; the traps (a Stringer operand, named types, widths, %w) are never offered.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { CodeActionKind } from 'vscode-languageserver-protocol';
import { applyToSource } from '../../server/src/fixes/textEdits';
import { toSourceText } from '../../server/src/syntax/positions';
import { checkInCopy, FIXES, fixesOf, type PackageFixes, refusalOf } from '../helpers/quickFixes';

describe('fmt and errors rewrites', () => {
  const directory = path.join(FIXES, 'format');
  let fixes: PackageFixes;
  before(async () => {
    fixes = await fixesOf(directory);
  });
  const titleAt = (line: number) =>
    fixes.offered.find((fix) => fix.candidate.id.endsWith(`format.go:${line}`) || fix.candidate.id.includes(`format.go:${line}:`))?.action;

  test('offers strconv calls, concatenations and errors.New as quick-fixes, each removing what the compiler counts', () => {
    assert.match(titleAt(21)!.title, /^Use strconv\.Itoa instead of fmt\.Sprintf — removes \d+ heap allocations? \(verified\)$/);
    assert.match(titleAt(25)!.title, /^Use strconv\.Itoa instead of fmt\.Sprint — removes/);
    assert.match(titleAt(29)!.title, /^Use strconv\.FormatBool instead of fmt\.Sprint — removes/);
    assert.match(titleAt(37)!.title, /^Concatenate instead of fmt\.Sprintf — removes/);
    assert.match(titleAt(41)!.title, /^Concatenate instead of fmt\.Sprintf — removes/);
    assert.match(titleAt(45)!.title, /^Use errors\.New instead of fmt\.Errorf — removes/);
    assert.match(titleAt(53)!.title, /^Use errors\.New instead of fmt\.Errorf — removes/);
    for (const line of [21, 25, 29, 37, 41, 45, 53]) assert.equal(titleAt(line)!.kind, CodeActionKind.QuickFix);
    // A message without verbs: Go inlines Errorf to errors.New there, so nothing is removed; still a refactor worth having.
    assert.match(titleAt(49)!.title, /^Use errors\.New for a message without verbs — no heap allocation removed/);
    assert.equal(titleAt(49)!.kind, CodeActionKind.RefactorRewrite);
  });

  test('the rewrites are what fmt would print, with strconv and errors imported and fmt kept while used', () => {
    const edited = (line: number) => {
      const fix = fixes.offered.find((item) => item.candidate.id.includes(`format.go:${line}:`))!;
      return applyToSource(
        toSourceText(fs.readFileSync(path.join(directory, 'format.go'), 'utf8')),
        fix.candidate.edits.get(path.join(directory, 'format.go'))!,
      );
    };
    assert.match(edited(41), /return key \+ "=" \+ strconv\.FormatInt\(value, 10\) \+ " \(100%\)"/);
    assert.match(edited(41), /\t"io"\n\t"strconv"\n\t"strings"\n/);
    assert.match(
      edited(53),
      /return errors\.New\("server " \+ name \+ " did not answer after " \+ strconv\.Itoa\(attempts\) \+ " attempts"\)/,
    );
    assert.match(edited(53), /import \(\n\t"errors"\n\t"fmt"\n\t"io"\n\t"strconv"\n\t"strings"\n\)/);
    // Inside a call of two arguments gofmt writes the + chain without spaces.
    assert.match(edited(91), /return append\(problems, errors\.New\("unit "\+unit\+" of "\+kind\+" unknown"\)\)/);
  });

  test('the traps are never offered: named types the compiler rejects, a Stringer operand, widths, %w', () => {
    for (const line of [63, 67, 71, 75, 79, 83]) assert.equal(titleAt(line), undefined, `line ${line} got a fix`);
    assert.equal(fixes.verdicts.get(fixes.proposals.candidates.find((item) => item.id.includes('format.go:71:'))!.id)?.outcome, 'breaks');
    assert.equal(fixes.verdicts.get(fixes.proposals.candidates.find((item) => item.id.includes('format.go:83:'))!.id)?.outcome, 'breaks');
    // Returned as a `string`, a Label operand is proposed and the compiler refuses it.
    for (const line of [63, 67]) {
      const candidate = fixes.proposals.candidates.find((item) => item.id.includes(`format.go:${line}:`));
      assert.equal(fixes.verdicts.get(candidate!.id)?.outcome, 'breaks', `line ${line}`);
    }
    assert.match(refusalOf(fixes, 'fmt.Sprintf at line 75'), /%5/);
    assert.match(refusalOf(fixes, 'fmt.Errorf at line 79'), /%w/);
  });

  test('operands whose types the declarations do not show are rewritten where only a plain string compiles', () => {
    assert.match(titleAt(103)!.title, /^Concatenate instead of fmt\.Sprintf — removes \d+ heap allocations? \(verified\)$/);
    assert.match(titleAt(110)!.title, /^Use errors\.New instead of fmt\.Errorf — removes 1 heap allocation \(verified\)$/);
    assert.match(titleAt(114)!.title, /^Concatenate instead of fmt\.Sprint — removes \d+ heap allocations \(verified\)$/);
    const source = fs.readFileSync(path.join(directory, 'format.go'), 'utf8');
    const edited = (line: number) => {
      const fix = fixes.offered.find((item) => item.candidate.id.includes(`format.go:${line}:`))!;
      return applyToSource(toSourceText(source), fix.candidate.edits.get(path.join(directory, 'format.go'))!);
    };
    assert.match(edited(103), /return e\.op \+ " " \+ e\.path\n/);
    assert.match(edited(110), /return errors\.New\(e\.op \+ ": " \+ e\.path\)\n/);
    assert.match(edited(114), /return e\.op \+ "\/" \+ e\.path\n/);
    // Passed to strings.TrimSpace, whose parameter is a string.
    assert.match(titleAt(141)!.title, /^Concatenate instead of fmt\.Sprintf — removes \d+ heap allocations? \(verified\)$/);
    assert.match(edited(141), /return strings\.TrimSpace\(e\.op \+ " failed on " \+ e\.path\)\n/);
    // A named string type with a String method, a type parameter and integers do not compile there.
    for (const line of [120, 129, 133, 146]) {
      assert.equal(titleAt(line), undefined, `line ${line} got a fix`);
      const candidate = fixes.proposals.candidates.find((item) => item.id.includes(`format.go:${line}:`));
      assert.equal(fixes.verdicts.get(candidate!.id)?.outcome, 'breaks', `line ${line}`);
    }
    // Where the result may be any string type, operands of unknown type are not proposed at all.
    assert.equal(titleAt(124), undefined);
    assert.match(refusalOf(fixes, 'fmt.Sprint at line 124'), /spaces between those that are not strings/);
  });

  test('fmt.Fprintf and fmt.Fprint of plain strings become io.WriteString', () => {
    assert.match(titleAt(151)!.title, /^Use io\.WriteString instead of fmt\.Fprintf — removes \d+ heap allocations? \(verified\)$/);
    assert.match(titleAt(156)!.title, /^Use io\.WriteString instead of fmt\.Fprint — removes \d+ heap allocations? \(verified\)$/);
    const fix = fixes.offered.find((item) => item.candidate.id.includes('format.go:151:'))!;
    const text = applyToSource(
      toSourceText(fs.readFileSync(path.join(directory, 'format.go'), 'utf8')),
      fix.candidate.edits.get(path.join(directory, 'format.go'))!,
    );
    assert.match(text, /_, err := io\.WriteString\(w, name\+": "\+strconv\.Itoa\(count\)\+"\\n"\)\n/);
    const trap = fixes.proposals.candidates.find((item) => item.id.includes('format.go:161:'));
    assert.equal(fixes.verdicts.get(trap!.id)?.outcome, 'breaks');
    assert.equal(titleAt(161), undefined);
  });

  test('every offered fix compiles, passes vet and the tests, and removes what its title says', () => {
    for (const fix of fixes.offered) checkInCopy(FIXES, directory, fix);
  });
});
