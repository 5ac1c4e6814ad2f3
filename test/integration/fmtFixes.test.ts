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
import { collectFixCandidates } from '../../server/src/fixes/fixCandidates';
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

  /** The offered fix's edited line (found again after the import edits moved it). */
  const editedLine = (file: string, line: number) => {
    const fix = fixes.offered.find((item) => item.candidate.id.includes(`${file}:${line}:`));
    assert.ok(fix, `no fix offered at ${file}:${line}`);
    const absolute = path.join(directory, file);
    const edits = fix.candidate.edits.get(absolute)!;
    const moved = edits
      .filter((edit) => edit.range.start.line < line - 1)
      .reduce((lines, edit) => lines + edit.newText.split('\n').length - 1 - (edit.range.end.line - edit.range.start.line), 0);
    return applyToSource(toSourceText(fs.readFileSync(absolute, 'utf8')), edits)
      .split('\n')
      [line - 1 + moved].trim();
  };

  test('the traps are never offered: widths, %w, a type parameter, and a rewrite the compiler counts as more', () => {
    for (const line of [75, 79, 83, 129]) assert.equal(titleAt(line), undefined, `line ${line} got a fix`);
    assert.match(refusalOf(fixes, 'fmt.Sprintf at line 75'), /%5/);
    assert.match(refusalOf(fixes, 'fmt.Errorf at line 79'), /%w/);
    assert.match(refusalOf(fixes, 'fmt.Sprintf at line 129'), /type parameter/);
    // errors.New("bad " + l.String()): the concatenation escapes into the error, one more than before.
    assert.equal(fixes.verdicts.get(fixes.proposals.candidates.find((item) => item.id.includes('format.go:83:'))!.id)?.outcome, 'adds');
  });

  test('with go/types, named types print through their String method or as their kind', () => {
    assert.equal(editedLine('format.go', 63), 'return l.String()');
    assert.match(titleAt(63)!.title, /^Use l\.String\(\) instead of fmt\.Sprintf — removes \d+ heap allocations? \(verified\)$/);
    assert.equal(editedLine('format.go', 67), 'return a.String() + "-" + b.String()');
    assert.equal(editedLine('format.go', 71), 'return strconv.Itoa(int(c))');
    assert.equal(editedLine('format.go', 120), 'return e.code.String() + "-" + e.op');
    // Two strings: Sprint puts no space between them.
    assert.equal(editedLine('format.go', 124), 's := e.op + e.path');
    // Two integers: Sprint puts a space between them.
    assert.equal(editedLine('format.go', 133), 'return strconv.Itoa(a) + " " + strconv.Itoa(b)');
    assert.equal(editedLine('format.go', 161), 'io.WriteString(w, l.String()+"\\n")');
  });

  test('with go/types: any integer size, []byte, floats, %x, a String method on a pointer, a guarded error, a buffer', () => {
    assert.equal(
      editedLine('typed.go', 11),
      'return strconv.FormatInt(int64(a), 10) + "/" + strconv.FormatUint(uint64(b), 10) + "/" + strconv.FormatUint(uint64(c), 16)',
    );
    assert.equal(editedLine('typed.go', 15), 'return errors.New("count " + strconv.Itoa(int(c)) + " of " + strconv.FormatInt(n, 10))');
    assert.equal(editedLine('typed.go', 19), 'return name + "=" + string(b)');
    assert.equal(
      editedLine('typed.go', 23),
      `return strconv.FormatFloat(r, 'g', -1, 64) + " " + strconv.FormatFloat(float64(f), 'g', -1, 32)`,
    );
    assert.equal(editedLine('typed.go', 32), 'return n.String() + " at " + strconv.Itoa(depth)');
    assert.equal(editedLine('typed.go', 38), 'return errors.New(op + " #" + strconv.Itoa(attempt) + ": " + err.Error())');
    assert.equal(editedLine('typed.go', 45), 'buf.WriteString(file + ":" + strconv.Itoa(n) + "\\n")');
    assert.match(
      fixes.offered.find((item) => item.candidate.id.includes('typed.go:45:'))!.action.title,
      /^Use buf\.WriteString instead of fmt\.Fprintf — removes \d+ heap allocations \(verified\)$/,
    );
  });

  test('with go/types, the traps are refused with their reasons: an unguarded error, an interface, a Formatter', () => {
    assert.match(refusalOf(fixes, 'fmt.Errorf at line 52'), /err may be a nil error/);
    assert.match(refusalOf(fixes, 'fmt.Sprintf at line 56'), /v is an interface \(any\)/);
    assert.match(refusalOf(fixes, 'fmt.Sprintf at line 64'), /formats itself \(fmt\.Formatter\)/);
    // A nil *place prints as <nil>; its String method has a value receiver, so calling it would panic.
    assert.match(refusalOf(fixes, 'fmt.Sprintf at line 74'), /p may be a nil \*format\.place/);
    for (const line of [52, 56, 64, 74]) {
      assert.equal(
        fixes.offered.find((item) => item.candidate.id.includes(`typed.go:${line}:`)),
        undefined,
        `typed.go:${line}`,
      );
    }
    // Inside `if p != nil` it cannot be nil.
    assert.equal(editedLine('typed.go', 79), 'return p.String() + " at " + strconv.Itoa(depth)');
  });

  test('without go/types, operands of unknown type are proposed only where the compiler then checks them', async () => {
    const files = new Map(
      fs
        .readdirSync(directory)
        .filter((name) => name.endsWith('.go'))
        .map((name) => [path.join(directory, name), toSourceText(fs.readFileSync(path.join(directory, name), 'utf8'))]),
    );
    const untyped = await collectFixCandidates({ directory, files, facts: fixes.facts, valueReceiverMaxBytes: 64 });
    const text = (line: number) =>
      untyped.candidates
        .find((item) => item.id.includes(`format.go:${line}:`))
        ?.edits.get(path.join(directory, 'format.go'))
        ?.find((edit) => edit.range.start.line === line - 1)?.newText;
    // Returned as a `string`, a Label operand is written as it is: the compiler refuses the build.
    assert.equal(text(63), 'l');
    assert.equal(text(71), 'strconv.Itoa(c)');
    assert.match(
      untyped.refused.find((item) => item.subject === 'fmt.Sprint at line 124')!.reason,
      /spaces between those that are not strings/,
    );
    assert.match(untyped.refused.find((item) => item.subject === 'fmt.Sprintf at line 11')!.reason, /%x of c needs its type/);
  });

  test('plain strings are concatenated where the result must be a string', () => {
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
  });

  test('every offered fix compiles, passes vet and the tests, and removes what its title says', () => {
    for (const fix of fixes.offered) checkInCopy(FIXES, directory, fix);
  });
});
