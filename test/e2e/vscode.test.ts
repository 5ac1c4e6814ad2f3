/**
 * The extension the way a user meets it: the packed .vsix installed into a real VS Code (code-server) that
 * runs isolated in a temp folder, driven through Chromium. A copy of the article fixture module is opened;
 * the test looks at what is drawn on screen — squiggles, the Problems panel, the hover, the lightbulb, the
 * status bar, the escape tree — and checks it against the installed Go compiler, run independently
 * (test/helpers/goOracle.ts). Then the bounds checks: switched on with their toggle command, each one the
 * compiler keeps in constant-index reads is a squiggle and a Problems row, and the verified hoist is offered,
 * named by the hover, applied and saved.
 *
 * The steps run in order on one editor session; each is a subtest so a failure names the step, leaves a
 * screenshot (failed-<step>.png) and lets the later steps still report.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type TestContext, test } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { compilerLinesMatching, heapFactsFromCompiler, type OracleFact, requireGo } from '../helpers/goOracle';
import { REASONS } from '../../server/src/features/reasonText';
import { type CodeServer, installExtension, startCodeServer } from './helpers/codeServer';
import { artifactsFolder, e2eTools, makeRunFolder, REPOSITORY_ROOT, vsixUnderTest } from './helpers/environment';
import { escapeTreePane, escapeTreeRow, escapeTreeViewName, openEscapeTree, waitForTreeRow } from './helpers/escapeTree';
import { endRunProcesses, markedProcesses } from './helpers/processes';
import { ANALYSIS_TIMEOUT_MS, launchBrowser, Workbench } from './helpers/workbench';

const NEW_POINT_RETURN = 'return &Point{X: x, Y: y}';
const REPORT_SPRINTF = 'return fmt.Sprintf("%s took %dms: %v", name, tookMillis, status)';
const BOUNDS = /^Found Is(?:Slice)?InBounds$/;

test('VS Code: a user sees, reads and fixes the heap allocations of pointers.go', { timeout: 15 * 60_000 }, async (t) => {
  requireGo();
  const tools = e2eTools();
  const run = makeRunFolder('vscode');
  const screenshots = artifactsFolder('vscode');
  const session: EditorSession = {};
  let ui: Workbench | undefined;
  /** Runs one user step as a subtest; on failure, leaves a screenshot and closes whatever the step opened. */
  const step = (name: string, body: (ui: Workbench) => Promise<void>) =>
    t.test(name, async () => {
      if (!ui) throw new Error('the editor never opened');
      try {
        await body(ui);
      } catch (error) {
        await ui.screenshot(`failed-${name.replace(/\W+/g, '-').slice(0, 60)}`).catch(() => undefined);
        await ui.dismiss().catch(() => undefined);
        throw error;
      }
    });

  try {
    const workspace = run.copyFixture('article');
    // Constant-index reads for the bounds check steps: the annotations fixture's hoist package, in this module.
    const hoist = path.join(workspace, 'hoist');
    fs.cpSync(path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'annotations', 'hoist'), hoist, { recursive: true });
    const hoistFile = path.join(hoist, 'hoist.go');
    // A fmt call whose rewrite needs its operands' types (an int64, a named type with a String method).
    const report = path.join(workspace, 'report');
    fs.cpSync(path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'fixes', 'report'), report, { recursive: true });
    const reportFile = path.join(report, 'report.go');
    // A module at Go 1.26, nested in the workspace, where errors.AsType exists.
    const modern = path.join(workspace, 'modern');
    fs.cpSync(path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'fixes', 'modern'), modern, { recursive: true });
    const lookupFile = path.join(modern, 'lookup', 'lookup.go');
    // An errors.New with a constant message, made at every failing call.
    const readbody = path.join(workspace, 'readbody');
    fs.cpSync(path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'fixes', 'readbody'), readbody, { recursive: true });
    const readbodyFile = path.join(readbody, 'readbody.go');
    // fmt.Errorf calls with and without arguments: the fallback the compiler reports runs only without. Copied
    // in its own step, after the escape tree's: its nine facts would rank it above the package that step expands.
    const errorfFile = path.join(workspace, 'errorf', 'errorf.go');
    const file = path.join(workspace, 'pointers', 'pointers.go');
    const before = factsOf(file);
    const lineOfNewPointReturn = lineNumberOf(file, NEW_POINT_RETURN);
    assert.ok(
      before.some((fact) => fact.line === lineOfNewPointReturn),
      `the compiler reports no escape on line ${lineOfNewPointReturn}`,
    );

    await t.test('the .vsix installs into an isolated code-server and the editor opens the module', async () => {
      ui = await openEditor(session, tools, run, workspace, screenshots);
    });

    await step('opening pointers.go puts a squiggle on each line the compiler reports', async (ui) => {
      await ui.openFromExplorer('pointers/pointers.go');
      await ui.waitForLanguage('Go');
      await ui.line('func NewPoint(').waitFor();
      await ui.waitForSquiggleLines(linesOf(before));
      await ui.screenshot('01-squiggles');
    });

    await step('Ctrl+. as soon as the squiggles settle offers to return Point by value', async (ui) => {
      // The first request: the server waits for the compiler's verification instead of answering "none".
      await ui.clickOn(NEW_POINT_RETURN, '&Point');
      await firstCtrlDot(ui, /Return Point by value/);
      await ui.screenshot('02a-first-ctrl-dot');
      await ui.page.keyboard.press('Escape');
    });

    await step('the status bar shows the file’s heap allocation count', async (ui) => {
      await ui.statusBarItem(new RegExp(`Escape\\b.*\\b${before.length}\\b`)).waitFor({ timeout: ANALYSIS_TIMEOUT_MS });
    });

    await step('the log names the go it found, though the login shell’s PATH has no Go', async (ui) => {
      await ui.runCommand('Go Escape Lens: Show Log');
      const output = ui.page.locator('.part.panel .monaco-editor');
      await output.click();
      await ui.page.keyboard.press('Control+Home');
      const line = output.locator('.view-line', { hasText: `Using ${run.desktop.goBinary} (go` });
      await line.waitFor({ timeout: ANALYSIS_TIMEOUT_MS });
      // The output view wraps long lines into several view lines, and draws spaces as no-break spaces.
      const shown = (await output.locator('.view-line').allTextContents()).join('').replace(/\u00a0/g, ' ');
      assert.match(shown, run.desktop.foundWhere);
      await ui.screenshot('01b-log-go-found');
      await ui.closePanel();
    });

    await step('the Problems panel lists each heap allocation at its line and column', async (ui) => {
      await ui.page.keyboard.press('Control+Shift+M');
      for (const fact of before) {
        await ui.page
          .locator('.markers-panel .monaco-list-row[aria-label*="heap"]')
          .and(ui.page.locator(`[aria-label*="at line ${fact.line} and character ${fact.utf16Column + 1}."]`))
          .waitFor();
      }
      await ui.screenshot('02-problems');
    });

    await step('the escape tree lists the functions that allocate', async (ui) => {
      await openEscapeTree(ui);
      for (const name of functionsOf(file, before)) await waitForTreeRow(ui, escapeTreeRow(ui, name), name);
      await ui.screenshot('03-escape-tree');
    });

    await step('hovering the squiggle on NewPoint’s &Point{…} explains it in plain words', async (ui) => {
      const hover = await ui.hover(NEW_POINT_RETURN, '&Point{X: x, Y: y}');
      await hover.filter({ hasText: REASONS.return.sentence }).waitFor();
      const shot = await ui.screenshot('04-hover');
      if (process.env.GO_ESCAPE_LENS_E2E_UPDATE_SCREENSHOT === '1')
        fs.copyFileSync(shot, path.join(REPOSITORY_ROOT, 'docs', 'screenshot.png'));
      await ui.dismiss();
    });

    await step('the lightbulb on NewPoint’s &Point{…} offers to return by value; applying and saving clears its squiggle', async (ui) => {
      // The cursor is still on &Point from the first Ctrl+.: a user comes to the line from elsewhere, and
      // VS Code asks for a lightbulb when the cursor moves, not when it is clicked where it already is.
      await ui.clickOn('// NewPoint returns a pointer', 'NewPoint');
      await ui.clickOn(NEW_POINT_RETURN, '&Point');
      await ui.page.locator('.lightBulbWidget:visible').click({ timeout: ANALYSIS_TIMEOUT_MS });
      const fix = ui.page.locator('.action-widget .monaco-list-row', { hasText: /by value/i });
      await fix.first().waitFor();
      await ui.screenshot('05-quick-fix');
      await fix.first().click();
      await ui.line('func NewPoint(x, y int) Point {').waitFor();
      await ui.line('return Point{X: x, Y: y}').first().waitFor();

      await ui.page.keyboard.press('Control+S');
      await ui.page.locator('.tab.active:not(.dirty)', { hasText: 'pointers.go' }).waitFor();
      // Squiggles are read where they are drawn: close the panel so the whole file is on screen.
      await ui.closePanel();
      assert.match(fs.readFileSync(file, 'utf8'), /func NewPoint\(x, y int\) Point \{\n\treturn Point\{X: x, Y: y\}\n\}/);
      const after = factsOf(file);
      assert.ok(!after.some((fact) => fact.line === lineOfNewPointReturn), 'the compiler still reports the escape the fix removes');
      // The new count proves the save was analysed (an edit alone may already hide the old squiggle).
      await ui.statusBarItem(new RegExp(`Escape\\b.*\\b${after.length}\\b`)).waitFor({ timeout: ANALYSIS_TIMEOUT_MS });
      await ui.waitForSquiggleLines(linesOf(after));
      await ui.screenshot('06-fixed');
    });

    await step('after the fix, the escape tree no longer lists NewPoint', async (ui) => {
      await openEscapeTree(ui);
      const after = factsOf(file);
      for (const name of functionsOf(file, after)) await waitForTreeRow(ui, escapeTreeRow(ui, name), name);
      await escapeTreeRow(ui, 'NewPoint').waitFor({ state: 'detached', timeout: ANALYSIS_TIMEOUT_MS });
    });

    await step('a function row the user expanded stays expanded when a save adds lines above the function', async (ui) => {
      const target = functionsOf(file, factsOf(file)).at(-1) ?? assert.fail('pointers.go has no function that allocates');
      await openEscapeTree(ui);
      const row = escapeTreeRow(ui, target);
      await waitForTreeRow(ui, row, target);
      await row.locator('.monaco-tl-twistie').click();
      const expanded = row.and(ui.page.locator('[aria-expanded="true"]'));
      await expanded.waitFor();
      const header = escapeTreePane(ui).locator('.pane-header');
      const total = Number(/(\d+) heap allocations?/.exec((await header.textContent()) ?? '')?.[1] ?? Number.NaN);
      assert.ok(Number.isInteger(total), `the view's header counts no heap allocations: ${await header.textContent()}`);
      // A function that allocates, above the others: the save moves them down and adds one to the count.
      await ui.clickOn('// NewPoint returns a pointer', 'NewPoint');
      await ui.page.keyboard.press('Home');
      await ui.page.keyboard.insertText('func movedDown() *int { return new(int) }\n\n');
      await ui.page.keyboard.press('Control+S');
      await ui.page.locator('.tab.active:not(.dirty)', { hasText: 'pointers.go' }).waitFor();
      await header.filter({ hasText: new RegExp(`(?<!\\d)${total + 1} heap allocations`) }).waitFor({ timeout: ANALYSIS_TIMEOUT_MS });
      // The new function's row is drawn in the same pass as its siblings', the expanded one among them.
      await waitForTreeRow(ui, escapeTreeRow(ui, 'movedDown'), 'movedDown, the function the save added');
      await waitForTreeRow(ui, row, target);
      assert.equal(
        await row.getAttribute('aria-expanded'),
        'true',
        `${target}'s row, expanded before the save, is drawn collapsed after it`,
      );
      await ui.screenshot('06b-tree-kept-expanded');
    });

    await step(
      'with the operands’ types, Ctrl+. on a fmt.Sprintf offers the concatenation that prints the same; applying and saving clears the boxing squiggles',
      async (ui) => {
        const sprintfLine = lineNumberOf(reportFile, REPORT_SPRINTF);
        assert.equal(factsOf(reportFile).filter((fact) => fact.line === sprintfLine).length, 3, 'the compiler boxes the three operands');
        await ui.openFromExplorer('report/report.go');
        await ui.waitForLanguage('Go');
        await ui.waitForSquiggleLines(linesOf(factsOf(reportFile)));
        // Drawn with an inlay hint after each boxed operand, so the line is found by its start.
        await ui.clickOn('return fmt.Sprintf("%s took', 'fmt.Sprintf');
        // Its count includes the copies inlined into the package's test, which the verification compiles too.
        const title = /^Concatenate instead of fmt\.Sprintf — removes \d+ heap allocations \(verified\)$/;
        await firstCtrlDot(ui, title);
        await ui.screenshot('07a-typed-fmt-fix');
        await applyAndSave(ui, title, 'report.go');
        assert.match(
          fs.readFileSync(reportFile, 'utf8'),
          /\treturn name \+ " took " \+ strconv\.FormatInt\(tookMillis, 10\) \+ "ms: " \+ status\.String\(\)\n/,
        );
        assert.match(fs.readFileSync(reportFile, 'utf8'), /import "strconv"\n/);
        // No operand is boxed any more; the returned string is still the heap's, as Sprintf's result was.
        const after = factsOf(reportFile);
        assert.equal(after.length, 1, after.map((fact) => fact.message).join('; '));
        assert.match(after[0].message, /^name \+ " took " \+ .* escapes to heap$/);
        await ui.closePanel();
        await ui.statusBarItem(/Escape\b.*\b1\b/).waitFor({ timeout: ANALYSIS_TIMEOUT_MS });
        await ui.waitForSquiggleLines(linesOf(after));
        await ui.screenshot('07b-typed-fmt-fixed');
      },
    );

    await step(
      'in a Go 1.26 module, Ctrl+. on the variable errors.As moves to the heap offers errors.AsType; applying and saving clears its squiggle',
      async (ui) => {
        const declarationLine = lineNumberOf(lookupFile, 'var pathErr *fs.PathError');
        assert.deepEqual(
          factsOf(lookupFile).map((fact) => `${fact.line}: ${fact.message}`),
          [`${declarationLine}: moved to heap: pathErr`],
        );
        await ui.openFromExplorer('modern/lookup/lookup.go');
        await ui.waitForLanguage('Go');
        await ui.waitForSquiggleLines([declarationLine]);
        await ui.page.locator('.codelens-decoration', { hasText: /^1 heap allocation · / }).waitFor({ timeout: ANALYSIS_TIMEOUT_MS });
        // An inlay hint follows the variable, so the line is found by its start.
        await ui.clickOn('var pathErr', 'pathErr');
        // The package's test inlines FailedPath, and with it the allocation: the count includes that copy.
        const title = /^Use errors\.AsType instead of errors\.As — removes \d+ heap allocations? \(verified\)$/;
        await firstCtrlDot(ui, title);
        await ui.screenshot('08a-errors-astype-fix');
        await applyAndSave(ui, title, 'lookup.go');
        const text = fs.readFileSync(lookupFile, 'utf8');
        assert.match(text, /\n\tif pathErr, ok := errors\.AsType\[\*fs\.PathError\]\(err\); ok \{\n\t\treturn pathErr\.Path\n/);
        assert.doesNotMatch(text, /var pathErr/);
        assert.deepEqual(factsOf(lookupFile), [], 'the compiler still reports a heap allocation in lookup.go');
        await ui.closePanel();
        await ui.statusBarItem(/Escape\b.*\b0\b/).waitFor({ timeout: ANALYSIS_TIMEOUT_MS });
        await ui.waitForSquiggleLines([]);
        // The lens above FailedPath counted 1 heap allocation before the fix; it counts 0 now.
        await ui.page.locator('.codelens-decoration', { hasText: /^0 heap allocations · / }).waitFor({ timeout: 20_000 });
        await ui.screenshot('08b-errors-astype-fixed');
      },
    );

    await step(
      'Ctrl+. on an errors.New with a constant message offers to create the error once; applying and saving clears its squiggle',
      async (ui) => {
        const call = 'return nil, errors.New("cannot read nil body")';
        const callLine = lineNumberOf(readbodyFile, call);
        const before = factsOf(readbodyFile);
        assert.deepEqual(
          before.map((fact) => `${fact.line}: ${fact.message}`),
          [`${callLine}: &errors.errorString{...} escapes to heap`],
        );
        await ui.openFromExplorer('readbody/readbody.go');
        await ui.waitForLanguage('Go');
        await ui.waitForSquiggleLines(linesOf(before));
        await ui.page.locator('.codelens-decoration', { hasText: /^1 heap allocation · / }).waitFor({ timeout: ANALYSIS_TIMEOUT_MS });
        await ui.clickOn(call, 'errors.New');
        const title =
          /^Create the error once, in a package variable errCannotReadNilBody — removes 1 heap allocation \(verified; every call returns the same error value\)$/;
        await firstCtrlDot(ui, title);
        await ui.screenshot('09a-errors-new-once');
        await applyAndSave(ui, title, 'readbody.go');
        const text = fs.readFileSync(readbodyFile, 'utf8');
        assert.match(text, /\nvar errCannotReadNilBody = errors\.New\("cannot read nil body"\)\n\n\/\/ Read fails on a nil body\.\n/);
        assert.match(text, /\n\t\treturn nil, errCannotReadNilBody\n/);
        assert.deepEqual(factsOf(readbodyFile), [], 'the compiler still reports a heap allocation in readbody.go');
        await ui.closePanel();
        await ui.statusBarItem(/Escape\b.*\b0\b/).waitFor({ timeout: ANALYSIS_TIMEOUT_MS });
        await ui.waitForSquiggleLines([]);
        // The lens above Read counted 1 heap allocation before the fix; it counts 0 now, above Read, not the variable.
        await ui.page.locator('.codelens-decoration', { hasText: /^0 heap allocations · / }).waitFor({ timeout: 20_000 });
        await ui.screenshot('09b-errors-new-once-fixed');
      },
    );

    await step('Analyse the Whole Workspace lists a package never opened; expanding it shows its functions', async (ui) => {
      // closures has no open file: the server's workspace worker analyses it and sends its tree.
      const closuresFile = path.join(workspace, 'closures', 'closures.go');
      const closuresFunctions = functionsOf(closuresFile, factsOf(closuresFile));
      assert.ok(closuresFunctions.length > 0, 'the compiler reports no heap allocation in closures.go');
      await ui.runCommand('Go Escape Lens: Analyse the Whole Workspace');
      await ui.openView(escapeTreeViewName());
      const closures = escapeTreePane(ui)
        .locator('.monaco-list-row[aria-level="1"]')
        .filter({ has: ui.page.locator('.label-name', { hasText: /^example\.com\/article\/closures$/ }) });
      await waitForTreeRow(ui, closures, 'the package example.com/article/closures');
      const file = escapeTreePane(ui)
        .locator('.monaco-list-row[aria-level="2"]')
        .filter({ has: ui.page.locator('.label-name', { hasText: /^closures\.go$/ }) });
      await waitForTreeRow(ui, file, 'closures.go under its package', { under: closures });
      for (const name of closuresFunctions) await waitForTreeRow(ui, escapeTreeRow(ui, name), `${name} of closures.go`, { under: file });
      await ui.screenshot('07-whole-workspace');
    });

    const checks = boundsChecksOf(hoistFile);
    await step('with bounds checks off (the default), hoist.go shows nothing', async (ui) => {
      await ui.runCommand('View: Close All Editors');
      await ui.openFromExplorer('hoist/hoist.go');
      await ui.waitForLanguage('Go');
      await ui.line('func Uint32(').waitFor();
      // The count proves hoist.go was analysed: no squiggle is then the answer, not a wait.
      await ui.statusBarItem(/Escape: 0 heap\s*$/).waitFor({ timeout: ANALYSIS_TIMEOUT_MS });
      await ui.waitForSquiggleLines([]);
    });

    await step('Toggle Bounds Check Annotations: a squiggle and a Problems row on each check the compiler keeps', async (ui) => {
      assert.ok(checks.length >= 4, `the compiler keeps bounds checks in hoist.go (${checks.length})`);
      await ui.runCommand('Go Escape Lens: Toggle Bounds Check Annotations');
      await ui.statusBarItem(new RegExp(`Escape: 0 heap · ${checks.length} bounds`)).waitFor({ timeout: ANALYSIS_TIMEOUT_MS });
      await ui.waitForSquiggleLines(linesOf(checks));
      await ui.page.keyboard.press('Control+Shift+M');
      const rows = ui.page.locator('.markers-panel .monaco-list-row[aria-label*="bounds check"]');
      // The compiler points at the `[`; the squiggle covers the whole index expression, from its operand.
      for (const check of checks) {
        const character = indexExpressionStart(hoistFile, check) + 1;
        await rows.and(ui.page.locator(`[aria-label*="at line ${check.line} and character ${character}."]`)).waitFor();
      }
      assert.equal(await rows.count(), checks.length, 'one Problems row per bounds check, none spurious');
      await ui.screenshot('07-bounds-checks');
      await ui.closePanel();
    });

    // Uint32's return line: Hinted and Array have the same text, so the line is found by its number.
    const uint32Line = lineNumberOf(hoistFile, 'func Uint32(') + 1;
    const uint32 = checks.filter((check) => check.line === uint32Line).length;
    const hinted = checks.filter((check) => check.line === lineNumberOf(hoistFile, '_ = b[3]')).length;
    const hoistTitle = `Check b's bounds once — removes ${uint32 - hinted} bounds checks (verified)`;
    await step('Ctrl+. on b[1] offers to check b’s bounds once, the lightbulb shows, and the hover names it', async (ui) => {
      await ui.clickOn(await ui.lineNumbered(uint32Line), 'b[1]');
      await firstCtrlDot(ui, hoistTitle);
      await ui.screenshot('08-bounds-quick-fix');
      await ui.page.keyboard.press('Escape');
      await ui.page.locator('.lightBulbWidget:visible').waitFor({ timeout: ANALYSIS_TIMEOUT_MS });
      const hover = await ui.hover(await ui.lineNumbered(uint32Line), 'b[1]');
      await hover.filter({ hasText: hoistTitle }).waitFor();
      await ui.screenshot('09-bounds-hover');
      await ui.dismiss();
    });

    await step('applying the hoist and saving leaves the checks the compiler then keeps', async (ui) => {
      await ui.clickOn(await ui.lineNumbered(uint32Line), 'b[1]');
      await ui.page.locator('.lightBulbWidget:visible').click({ timeout: ANALYSIS_TIMEOUT_MS });
      await ui.page.locator('.action-widget .monaco-list-row', { hasText: hoistTitle }).first().click();
      await ui.page.locator('.tab.active.dirty', { hasText: 'hoist.go' }).waitFor();
      await ui.page.keyboard.press('Control+S');
      await ui.page.locator('.tab.active:not(.dirty)', { hasText: 'hoist.go' }).waitFor();
      assert.match(fs.readFileSync(hoistFile, 'utf8'), /func Uint32\(b \[\]byte\) uint32 \{\n\t_ = b\[3\]\n\treturn uint32\(b\[0\]\)/);
      const after = boundsChecksOf(hoistFile);
      assert.equal(after.length, checks.length - (uint32 - hinted), 'the compiler keeps the checks the title promised to remove');
      await ui.statusBarItem(new RegExp(`Escape: 0 heap · ${after.length} bounds`)).waitFor({ timeout: ANALYSIS_TIMEOUT_MS });
      await ui.waitForSquiggleLines(linesOf(after));
      // Uint32's lens counts what the compiler now keeps, as Hinted's does.
      const lenses = ui.page.locator('.codelens-decoration');
      await lenses.filter({ hasText: `${uint32} bounds checks` }).waitFor({ state: 'detached', timeout: ANALYSIS_TIMEOUT_MS });
      assert.equal(await lenses.filter({ hasText: /^1 bounds check · / }).count(), 2, 'Uint32 and Hinted each keep one check');
      await ui.screenshot('10-bounds-hoisted');
    });

    await step('Toggle Inlining Annotations: an `inlined` hint right after each call the compiler inlined', async (ui) => {
      const sizes = path.join(workspace, 'sizes', 'sizes.go');
      const inlined = compilerLinesMatching(path.dirname(sizes), '-m', /^inlining call to doWork$/).filter((fact) => fact.file === sizes);
      assert.ok(inlined.length >= 2, `the compiler inlines doWork in sizes.go (${inlined.length})`);
      await ui.runCommand('Go Escape Lens: Toggle Inlining Annotations');
      await ui.openFromExplorer('sizes/sizes.go');
      await ui.waitForLanguage('Go');
      for (const fact of inlined) {
        const line = await ui.lineNumbered(fact.line);
        await line.filter({ hasText: /doWork\([^)]*\)\s*inlined/ }).waitFor({ timeout: ANALYSIS_TIMEOUT_MS });
      }
      // The hints stand for the inlined-call diagnostics: no Hint dots under the calls, only the heap squiggles.
      await ui.waitForSquiggleLines(linesOf(factsOf(sizes)));
      await ui.screenshot('11-inlined-hints');
    });

    await step(
      'fmt.Errorf’s fallback, which a call with arguments never runs, is a hint marked “not run” and not counted; without arguments it is heap',
      async (ui) => {
        fs.mkdirSync(path.dirname(errorfFile));
        fs.copyFileSync(path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'annotations', 'errorf', 'errorf.go'), errorfFile);
        const withArgument = lineNumberOf(errorfFile, 'func WithArgument(');
        const constant = lineNumberOf(errorfFile, 'func Constant(');
        const facts = factsOf(errorfFile);
        for (const line of [withArgument, constant])
          assert.ok(
            facts.some((fact) => fact.line === line && fact.message === '&errors.errorString{...} escapes to heap'),
            `the compiler reports no errors.New allocation on line ${line}`,
          );
        await ui.openFromExplorer('errorf/errorf.go');
        await ui.waitForLanguage('Go');
        // Every fact is drawn, the claimed ones as Hint dots. (The view draws spaces as no-break spaces.)
        await ui.waitForSquiggleLines(linesOf(facts));
        const withArgumentLine = await ui.lineNumbered(withArgument);
        await withArgumentLine
          .filter({ hasText: /fmt\.Errorf\("code\s%d",\sn\s*heap\)\s*not\srun/ })
          .waitFor({ timeout: ANALYSIS_TIMEOUT_MS });
        const constantLine = await ui.lineNumbered(constant);
        await constantLine.filter({ hasText: /fmt\.Errorf\("constant\sfailure"\)\s*heap/ }).waitFor({ timeout: ANALYSIS_TIMEOUT_MS });
        // The status bar counts what allocates: every fact but the fallbacks of WithArgument and Wrapped.
        const wrapped = lineNumberOf(errorfFile, 'func Wrapped(');
        const neverRun = facts.filter(
          (fact) => [withArgument, wrapped].includes(fact.line) && fact.message === '&errors.errorString{...} escapes to heap',
        );
        assert.equal(neverRun.length, 2, 'the compiler reports the fallback of WithArgument and of Wrapped');
        await ui
          .statusBarItem(new RegExp(`Escape\\b.*\\b${facts.length - neverRun.length} heap`))
          .waitFor({ timeout: ANALYSIS_TIMEOUT_MS });
        await ui.screenshot('12-errorf-not-run');
      },
    );
  } finally {
    await closeEditor(t, session, run, screenshots);
  }
});

test('VS Code: a user measures a benchmark with the lens, and the hover shows the per-op figures', { timeout: 15 * 60_000 }, async (t) => {
  requireGo();
  const tools = e2eTools();
  const run = makeRunFolder('vscode-measured');
  // Its own folder: artifactsFolder empties the folder it returns, and the first test's screenshots stay.
  const screenshots = artifactsFolder('vscode-measured');
  const session: EditorSession = {};
  try {
    const workspace = run.copyFixture('measured');
    // A count keeps the profiled benchmark short on a shared machine.
    fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'goEscapeLens.measurement.benchtime': '500x' }));
    const ui = await openEditor(session, tools, run, workspace, screenshots);
    try {
      await ui.openFromExplorer('parse/parse_test.go');
      await ui.waitForLanguage('Go');
      const lens = ui.page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Measure allocations' }).first();
      await lens.waitFor({ timeout: ANALYSIS_TIMEOUT_MS });
      await ui.screenshot('10-measure-lens');
      await lens.click();
      // The lens shows the benchmark's own figures when the measurement is done.
      await ui.page
        .locator('.codelens-decoration', { hasText: /24 allocs\/op · Measure again/ })
        .first()
        .waitFor({ timeout: ANALYSIS_TIMEOUT_MS });
      await ui.screenshot('11-measured-lens');

      await ui.openFromExplorer('parse/parse.go');
      await ui.line('return &Token{Kind: kind, Text: text}').waitFor();
      // The function lenses gain their measured totals: wait for them, or the lines move under the mouse.
      await ui.page
        .locator('.codelens-decoration', { hasText: /measured \d+ B\/op in 15 allocs\/op/ })
        .first()
        .waitFor({ timeout: ANALYSIS_TIMEOUT_MS });
      await ui.page
        .locator('.codelens-decoration', { hasText: /measured \d+ B\/op in 3 allocs\/op/ })
        .first()
        .waitFor({ timeout: ANALYSIS_TIMEOUT_MS });
      const hover = await ui.hover('return &Token{Kind: kind, Text: text}', '&Token{Kind');
      await hover
        .filter({ hasText: /Measured in BenchmarkParse: \d+ B and 15 allocations per op, \d+% of its bytes/ })
        .waitFor({ timeout: ANALYSIS_TIMEOUT_MS });
      await ui.screenshot('12-measured-hover');
      await ui.dismiss();

      const map = await ui.hover('counts[w]++', 'counts[w]++');
      await map.filter({ hasText: /Likely cause: map growth/ }).waitFor({ timeout: ANALYSIS_TIMEOUT_MS });
      await ui.screenshot('13-measured-map-growth');
      await ui.dismiss();

      // The Heap Allocations view shows the figures on each function, and ranks by them.
      await openEscapeTree(ui);
      for (const name of ['Fields', 'NewToken']) {
        await waitForTreeRow(ui, escapeTreeRow(ui, name).filter({ hasText: /measured \d+ B\/op/ }), `${name} with its measured B/op`);
      }
      await ui.screenshot('14-measured-tree');
    } catch (error) {
      await ui.screenshot('failed-measured').catch(() => undefined);
      throw error;
    }
  } finally {
    await closeEditor(t, session, run, screenshots);
  }
});

/** The compiler's heap facts for one file, from the oracle (a plain `go build -gcflags=-m`). */
function factsOf(file: string): OracleFact[] {
  return heapFactsFromCompiler(path.dirname(file)).filter((fact) => fact.file === file);
}

/** Chooses the code action titled `title` in the open action list, and saves the file it changed. */
async function applyAndSave(ui: Workbench, title: RegExp, fileName: string): Promise<void> {
  await ui.page.locator('.action-widget .monaco-list-row', { hasText: title }).first().click();
  await ui.page.locator('.tab.active.dirty', { hasText: fileName }).waitFor();
  await ui.page.keyboard.press('Control+S');
  await ui.page.locator('.tab.active:not(.dirty)', { hasText: fileName }).waitFor();
}

/**
 * Presses Ctrl+. as the first request for the fixes at the cursor and waits for the menu to offer `title`:
 * the server waits for the compiler's verification instead of answering "none".
 */
async function firstCtrlDot(ui: Workbench, title: string | RegExp): Promise<void> {
  const fix = ui.page.locator('.action-widget .monaco-list-row', { hasText: title });
  const none = ui.page.getByText('No code actions available');
  const answer = fix.first().or(none).first();
  // Only an answer counts: "No code actions available" fails below. VS Code drops a pending Ctrl+. menu when
  // its code-action model triggers itself: 250 ms after a cursor move (the click) and on any change of the
  // file's markers. A press inside that window shows nothing at all, so silence is met with the key again
  // (at most 3 times, each given longer than the server's bounded wait for a verification).
  let presses = 0;
  for (; presses < 3 && !(await answer.isVisible()); presses++) {
    await ui.page.keyboard.press('Control+.');
    await answer.waitFor({ timeout: 30_000 }).catch(() => undefined);
  }
  // Said in the output, so a run shows whether a press was lost (the menu should come at the first).
  console.log(`the first Ctrl+. for ${title} was answered after ${presses} press${presses === 1 ? '' : 'es'}`);
  await answer.waitFor({ timeout: 1_000 });
  assert.ok(!(await none.isVisible()), 'VS Code said "No code actions available" to the first Ctrl+.');
  await fix.first().waitFor();
}

/** The compiler's bounds checks in one file, from the oracle (a plain `go build -gcflags=-d=ssa/check_bce/debug=1`). */
function boundsChecksOf(file: string): OracleFact[] {
  return compilerLinesMatching(path.dirname(file), '-d=ssa/check_bce/debug=1', BOUNDS).filter((fact) => fact.file === file);
}

/** The 0-based column where the index expression whose `[` the compiler points at begins: its operand's start. */
function indexExpressionStart(file: string, check: OracleFact): number {
  const line = fs.readFileSync(file, 'utf8').split('\n')[check.line0];
  const operand = /[\w.]+$/.exec(line.slice(0, check.utf16Column));
  assert.ok(
    line[check.utf16Column] === '[' && operand,
    `${path.basename(file)}:${check.line}: no index expression at ${check.utf16Column}`,
  );
  return check.utf16Column - operand[0].length;
}

function linesOf(facts: readonly OracleFact[]): number[] {
  return [...new Set(facts.map((fact) => fact.line))];
}

function lineNumberOf(file: string, text: string): number {
  const index = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .findIndex((line) => line.includes(text));
  assert.ok(index >= 0, `${path.basename(file)} has no line with ${text}`);
  return index + 1;
}

/** The names of the functions the facts are in: the nearest `func` declaration above each fact. */
function functionsOf(file: string, facts: readonly OracleFact[]): string[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const names = new Set<string>();
  for (const fact of facts) {
    for (let index = fact.line - 1; index >= 0; index--) {
      const name = /^func\s+(?:\([^)]*\)\s*)?(\w+)/.exec(lines[index])?.[1];
      if (name) {
        names.add(name);
        break;
      }
    }
  }
  return [...names];
}

/** What an editor session started, so that its end stops each part, also when the start failed half-way. */
interface EditorSession {
  codeServer?: CodeServer;
  browser?: BrowserContext;
}

/** Installs the packed extension into a fresh code-server, and opens `workspace` in it from Chromium. */
async function openEditor(
  session: EditorSession,
  tools: ReturnType<typeof e2eTools>,
  run: ReturnType<typeof makeRunFolder>,
  workspace: string,
  screenshots: string,
): Promise<Workbench> {
  const dirs = installExtension(tools, run, vsixUnderTest(tools, run));
  session.codeServer = await startCodeServer(tools, run, dirs);
  session.browser = await launchBrowser(tools, run);
  return Workbench.open(session.browser, session.codeServer.url, workspace, screenshots);
}

/** Closes the editor, ends every process the run started (and checks none is left), keeps the logs. */
async function closeEditor(t: TestContext, session: EditorSession, run: ReturnType<typeof makeRunFolder>, screenshots: string) {
  const { browser, codeServer } = session;
  await browser?.close().catch(() => undefined);
  await endRunProcesses(run.id, codeServer?.process.pid ? [codeServer.process.pid] : []);
  keepLogs(codeServer, screenshots);
  assert.deepEqual(markedProcesses(run.id), [], 'every process the run started has ended');
  run.remove();
  t.diagnostic(`screenshots and logs: ${screenshots}`);
}

/** Keeps code-server's log and the extension's own log beside the screenshots: the first thing to read on a failure. */
function keepLogs(codeServer: CodeServer | undefined, screenshots: string): void {
  if (!codeServer) return;
  fs.copyFileSync(codeServer.logFile, path.join(screenshots, 'code-server.log'));
  const logs = path.join(codeServer.userDataDir, 'logs');
  for (const entry of fs.existsSync(logs) ? (fs.readdirSync(logs, { recursive: true }) as string[]) : []) {
    if (entry.endsWith('Go Escape Lens.log')) fs.copyFileSync(path.join(logs, entry), path.join(screenshots, 'go-escape-lens.log'));
  }
}
