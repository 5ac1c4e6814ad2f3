/**
 * The quick-fixes end to end, with the real go command: every fix offered on the fixture modules is applied
 * to a copy of the module in a temporary directory, which must then be gofmt-clean, pass `go vet` and
 * `go test`, and (by the independent compiler oracle) have lost exactly the allocations the title promises.
 * The traps must not be offered at all, and the exported functions only as refactors that say why.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CodeActionKind, CodeActionRequest, type CodeAction } from 'vscode-languageserver-protocol';
import { applyToSource } from '../../server/src/fixes/textEdits';
import { toSourceText } from '../../server/src/syntax/positions';
import { LspTestClient } from '../helpers/lspClient';
import {
  ARTICLE,
  checkInCopy,
  FIXES,
  fixesOf,
  offeredIds,
  oracleMessages,
  type PackageFixes,
  refusalOf,
  temporary,
} from '../helpers/quickFixes';

describe('return by value', () => {
  const directory = path.join(FIXES, 'retval');
  let fixes: PackageFixes;
  before(async () => {
    fixes = await fixesOf(directory);
  });

  test('offers exactly the safe functions, as refactors: the compiler inlines each, so none removes an allocation at run time', () => {
    assert.deepEqual(offeredIds(fixes), [
      'returnByValue:NewConfig',
      'returnByValue:newMatcher',
      'returnByValue:newPoint',
      'returnByValue:newUser',
    ]);
    const newPoint = fixes.offered.find((fix) => fix.candidate.id === 'returnByValue:newPoint')!;
    assert.equal(
      newPoint.action.title,
      'Return Point by value — no heap allocation removed: the compiler inlines newPoint into its callers (verified)',
    );
    assert.equal(newPoint.action.kind, CodeActionKind.RefactorRewrite);
    assert.notEqual(newPoint.action.isPreferred, true);
    const exported = fixes.offered.find((fix) => fix.candidate.id === 'returnByValue:NewConfig')!;
    assert.equal(exported.action.kind, CodeActionKind.RefactorRewrite);
    assert.notEqual(exported.action.isPreferred, true);
    assert.match(exported.action.title, /external callers are not seen/);
  });

  test('the traps are refused, each for its reason', () => {
    assert.match(refusalOf(fixes, 'maybePoint'), /returns nil/);
    assert.match(refusalOf(fixes, 'newCounter'), /pointer method on a result that cannot be addressed/);
    assert.match(refusalOf(fixes, 'register'), /address of it is also taken/);
    assert.match(refusalOf(fixes, 'shared'), /returns p .*pointer others share/);
    // Remember leaks only its receiver's content (newMatcher is offered); Keep leaks the receiver itself.
    assert.match(refusalOf(fixes, 'keepMatcher'), /method Keep may keep its address/);
  });

  test('adapts the call sites: binds, takes the address where a pointer is passed on, and edits the test files too', () => {
    const newPoint = fixes.offered.find((fix) => fix.candidate.id === 'returnByValue:newPoint')!;
    const copy = fs.mkdtempSync(path.join(temporary, 'read-'));
    fs.cpSync(FIXES, copy, { recursive: true });
    for (const [file, edits] of newPoint.candidate.edits) {
      const target = path.join(copy, path.relative(FIXES, file));
      fs.writeFileSync(target, applyToSource(toSourceText(fs.readFileSync(target, 'utf8')), edits));
    }
    const source = fs.readFileSync(path.join(copy, 'retval', 'retval.go'), 'utf8');
    assert.match(source, /func newPoint\(x, y int\) Point \{\n\treturn Point\{X: x, Y: y\}/);
    assert.match(source, /return fmt\.Sprint\(&p\)/);
    assert.match(source, /\tpoint := newPoint\(1, 1\)\n\tpoint\.Scale\(2\)\n/);
    assert.match(source, /return newPoint\(5, 6\)\.X/);
    assert.ok(newPoint.candidate.edits.has(path.join(directory, 'retval_test.go')), 'the internal test file is edited too');
  });

  test('every offered fix compiles, passes vet and the tests, and removes what its title says', () => {
    for (const fix of fixes.offered) checkInCopy(FIXES, directory, fix);
  });
});

describe('value receiver', () => {
  const directory = path.join(FIXES, 'receiver');
  let fixes: PackageFixes;
  before(async () => {
    fixes = await fixesOf(directory);
  });

  test('offers only the read-only small methods, as refactors that say nothing was removed and which methods keep pointers', () => {
    assert.deepEqual(offeredIds(fixes), ['valueReceiver:Vector.Dot', 'valueReceiver:Vector.Length']);
    for (const fix of fixes.offered) {
      assert.equal(fix.action.kind, CodeActionKind.RefactorRewrite);
      assert.match(fix.action.title, /— no heap allocation removed \(verified; external callers are not seen; .*keep pointer receivers\)$/);
    }
  });

  test('the traps are refused: a mutating method, a kept receiver, a pointer-method call, a method value, a large type, String', () => {
    assert.match(refusalOf(fixes, 'Vector.Scale'), /writes v\.X/);
    assert.match(refusalOf(fixes, 'Vector.Remember'), /package variable last/);
    assert.match(refusalOf(fixes, 'Vector.Normalised'), /calls Scale on its receiver/);
    assert.match(refusalOf(fixes, 'Vector.IsZero'), /method value/);
    assert.match(refusalOf(fixes, 'Matrix.Trace'), /128 bytes/);
    assert.match(refusalOf(fixes, 'Label.String'), /run time/);
  });

  test('every offered fix compiles, passes vet and the tests, and removes what its title says', () => {
    for (const fix of fixes.offered) checkInCopy(FIXES, directory, fix);
  });
});

describe('capture by value', () => {
  const directory = path.join(FIXES, 'capture');
  let fixes: PackageFixes;
  before(async () => {
    fixes = await fixesOf(directory);
  });

  test('offers the copies that remove the move, as quick-fixes', () => {
    assert.deepEqual(offeredIds(fixes), ['captureByValue:n:27:2', 'captureByValue:t:14:6']);
    for (const fix of fixes.offered) {
      assert.equal(fix.action.kind, CodeActionKind.QuickFix);
      assert.match(fix.action.title, /^Copy [nt] before the closure so it is captured by value — removes 1 heap allocation \(verified\)$/);
    }
  });

  test('refuses a variable written after the closure, inside it, or in a loop around it; the compiler finds no gain for the large one', () => {
    assert.match(refusalOf(fixes, 'x'), /written after the closure is made/);
    assert.match(refusalOf(fixes, 'c'), /written inside a closure/);
    assert.match(refusalOf(fixes, 'total'), /loop/);
    const big = fixes.proposals.candidates.find((candidate) => candidate.id.startsWith('captureByValue:b:'));
    assert.ok(big, 'the copy of b is proposed');
    assert.deepEqual(fixes.verdicts.get(big.id)?.outcome, 'noGain');
  });

  test('copies into a fresh name in the same block, and with `n := n` in a nested one', () => {
    const byId = (id: string) => fixes.offered.find((fix) => fix.candidate.id === id)!;
    const edits = (id: string) => [...byId(id).candidate.edits.values()][0].map((edit) => edit.newText);
    assert.deepEqual(edits('captureByValue:t:14:6'), ['\ttCopy := t\n', 'tCopy']);
    assert.deepEqual(edits('captureByValue:n:27:2'), ['\t\tn := n\n']);
  });

  test('every offered fix compiles, passes vet and the tests, and removes what its title says', () => {
    for (const fix of fixes.offered) {
      checkInCopy(FIXES, directory, fix);
    }
  });
});

describe('in a file with a byte-order mark, CRLF line endings and non-ASCII text', () => {
  const directory = path.join(FIXES, 'umlaut');

  test('the edits land on the right characters, keep CRLF, and the fixes hold', async () => {
    const fixes = await fixesOf(directory);
    assert.deepEqual(offeredIds(fixes), ['captureByValue:z:30:6', 'returnByValue:neueGröße']);
    const capture = fixes.offered.find((fix) => fix.candidate.fix === 'captureByValue')!;
    assert.equal([...capture.candidate.edits.values()][0][0].newText, '\tzCopy := z\r\n');
    for (const fix of fixes.offered) {
      const removed = checkInCopy(FIXES, directory, fix);
      assert.equal(removed, 1);
    }
    const returned = fixes.offered.find((fix) => fix.candidate.fix === 'returnByValue')!;
    const [edits] = [...returned.candidate.edits.values()];
    const text = applyToSource(toSourceText(fs.readFileSync(path.join(directory, 'umlaut.go'), 'utf8')), edits);
    assert.ok(text.startsWith('\uFEFF'), 'the byte-order mark stays');
    assert.match(text, /\r\n\t\/\* ä😀 \*\/ return Größe\{Wert: w\}\r\n/);
    assert.match(text, /func neueGröße\(w int\) Größe \{\r\n/);
  });
});

describe('in a Go 1.26 module, where new(expression) keeps every call site a pointer', () => {
  const moduleRoot = path.join(FIXES, 'modern');
  const directory = path.join(moduleRoot, 'build');

  test('adapts assignments, returns and arguments; the compiler counts no allocation removed, so it is only a refactor', async () => {
    const fixes = await fixesOf(directory);
    assert.deepEqual(offeredIds(fixes), ['returnByValue:newNode']);
    const [fix] = fixes.offered;
    assert.equal(fix.action.kind, CodeActionKind.RefactorRewrite);
    const newTexts = [...fix.candidate.edits.values()].flat().map((edit) => edit.newText);
    assert.ok(newTexts.includes('new(') && newTexts.includes('&'), JSON.stringify(newTexts));
    checkInCopy(moduleRoot, directory, fix);
  });
});

describe("the article's examples", () => {
  test('NewPoint and CreateUser are refactors that remove no allocation at run time (the compiler inlines them); MaybePoint is never offered', async () => {
    const directory = path.join(ARTICLE, 'pointers');
    const fixes = await fixesOf(directory);
    assert.deepEqual(offeredIds(fixes), ['returnByValue:CreateUser', 'returnByValue:NewPoint']);
    assert.equal(
      fixes.offered.find((fix) => fix.candidate.id === 'returnByValue:NewPoint')!.action.title,
      'Return Point by value — no heap allocation removed: the compiler inlines NewPoint into its callers (verified; external callers are not seen)',
    );
    assert.match(refusalOf(fixes, 'MaybePoint'), /returns nil/);
    for (const fix of fixes.offered) checkInCopy(ARTICLE, directory, fix);
  });

  test("Vector's Magnitude may take a value receiver (nothing removed); Scale and Remember may not", async () => {
    const directory = path.join(ARTICLE, 'vector');
    const fixes = await fixesOf(directory);
    assert.deepEqual(offeredIds(fixes), ['valueReceiver:Vector.Magnitude']);
    assert.equal(
      fixes.offered[0].action.title,
      'Use a value receiver for Vector.Magnitude (24 bytes) — no heap allocation removed (verified; external callers are not seen; Scale and Remember keep pointer receivers)',
    );
    assert.match(refusalOf(fixes, 'Vector.Scale'), /writes/);
    assert.match(refusalOf(fixes, 'Vector.Remember'), /keep/);
    for (const fix of fixes.offered) checkInCopy(ARTICLE, directory, fix);
  });

  test("Config's NewConfig returns by value and SetupServer passes &config; inlined, it removes no allocation at run time", async () => {
    const directory = path.join(ARTICLE, 'config');
    const fixes = await fixesOf(directory);
    assert.deepEqual(offeredIds(fixes), ['returnByValue:NewConfig']);
    assert.match(fixes.offered[0].action.title, /no heap allocation removed: the compiler inlines NewConfig/);
    checkInCopy(ARTICLE, directory, fixes.offered[0]);
    assert.ok(oracleMessages(directory).includes('config.go:14: &Config{...} escapes to heap'));
  });

  test("unicode's Neu, in a file with a BOM and CRLF, is a refactor; inlined, it removes no allocation at run time", async () => {
    const directory = path.join(ARTICLE, 'unicode');
    const fixes = await fixesOf(directory);
    assert.deepEqual(offeredIds(fixes), ['returnByValue:Neu']);
    assert.match(fixes.offered[0].action.title, /no heap allocation removed: the compiler inlines Neu/);
    checkInCopy(ARTICLE, directory, fixes.offered[0]);
  });

  test('the closures that write their variable get no fix', async () => {
    const fixes = await fixesOf(path.join(ARTICLE, 'closures'));
    assert.deepEqual(offeredIds(fixes), []);
    assert.match(refusalOf(fixes, 'value'), /written inside a closure/);
  });
});

describe('over LSP', () => {
  let client: LspTestClient;
  const waiters: ((message: string) => void)[] = [];
  before(async () => {
    client = await LspTestClient.start(FIXES);
    // Keep the helper's log list, and also wake the test when the background verification is done.
    client.connection.onNotification('window/logMessage', (params: { message: string }) => {
      client.logs.push(params.message);
      for (const waiter of waiters.splice(0)) waiter(params.message);
    });
  });
  after(() => client.stop());

  function nextLog(predicate: (message: string) => boolean): Promise<string> {
    return new Promise((resolve) => {
      const wait = (message: string) => (predicate(message) ? resolve(message) : waiters.push(wait));
      waiters.push(wait);
    });
  }

  test('after the background verification, the lightbulb on a captured variable has the verified quick-fix with its edit', async () => {
    const file = path.join(FIXES, 'capture', 'capture.go');
    const done = nextLog((message) => message.startsWith('quick-fixes verified for capture'));
    const uri = await client.open(file);
    await done;

    const at = (line: number, character: number) => ({ start: { line, character }, end: { line, character } });
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: at(13, 5),
      context: { diagnostics: [] },
    })) as CodeAction[];
    assert.equal(actions.length, 1, JSON.stringify(actions));
    assert.equal(actions[0].title, 'Copy t before the closure so it is captured by value — removes 1 heap allocation (verified)');
    assert.equal(actions[0].kind, CodeActionKind.QuickFix);
    assert.deepEqual(
      actions[0].edit?.changes?.[uri]?.map((edit) => edit.newText),
      ['\ttCopy := t\n', 'tCopy'],
    );

    const onTrap = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: at(36, 1),
      context: { diagnostics: [] },
    })) as CodeAction[];
    assert.deepEqual(onTrap, [], 'nothing is offered on the variable written after its closure');

    const refactorsOnly = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: at(13, 5),
      context: { diagnostics: [], only: [CodeActionKind.Refactor] },
    })) as CodeAction[];
    assert.deepEqual(refactorsOnly, [], 'a quick-fix is not returned when only refactors are asked for');
  });

  test('a refactor is verified when code actions are first asked for where it applies, and the first request shows it', async () => {
    const file = path.join(FIXES, 'receiver', 'receiver.go');
    const uri = pathToFileURL(file).href;
    const analysed = client.nextDiagnostics(uri, (params) => params.diagnostics.length > 0);
    await client.open(file);
    await analysed;
    const onLength = { start: { line: 10, character: 6 }, end: { line: 10, character: 6 } };
    const request = async () =>
      (await client.connection.sendRequest(CodeActionRequest.type, {
        textDocument: { uri },
        range: onLength,
        context: { diagnostics: [] },
      })) as CodeAction[];

    // The first request waits for the compiler's verdict on the candidate under the cursor.
    const actions = await request();
    assert.deepEqual(
      actions.map((action) => [action.kind, action.title]),
      [
        [
          CodeActionKind.RefactorRewrite,
          'Use a value receiver for Vector.Length (24 bytes) — no heap allocation removed (verified; external callers are not seen; Dot, Scale and 3 other methods keep pointer receivers)',
        ],
      ],
    );
    assert.deepEqual(actions[0].edit?.changes?.[uri], [
      { range: { start: { line: 10, character: 8 }, end: { line: 10, character: 9 } }, newText: '' },
    ]);
    assert.deepEqual(
      (await request()).map((action) => action.title),
      actions.map((action) => action.title),
      'and from then on',
    );
  });
});
