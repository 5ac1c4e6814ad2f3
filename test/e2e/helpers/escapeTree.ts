/**
 * The Heap Allocations view as a user reads it: opened from View: Open View, rows expanded by clicking,
 * paged through with the keyboard when a row is drawn outside the pane. The pane is a few rows high
 * under the Explorer, and VS Code's list puts only the rows in view into the page, so a row further down
 * is not there until the user scrolls to it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { errors, type Locator } from 'playwright-core';
import { REPOSITORY_ROOT } from './environment';
import { ANALYSIS_TIMEOUT_MS, type Workbench } from './workbench';

/** How long one look at the drawn rows waits before the tree is paged through. */
const LOOK_MS = 2_000;
/** How long a page of rows, just revealed, is given to be drawn. */
const PAGE_MS = 500;

/** The escape tree view as the manifest names it: the user opens it by that name. */
export function escapeTreeViewName(): string {
  viewName ??= viewNameInManifest();
  return viewName;
}

/** Read once: the pane's locator is made on every look while the tree is paged through. */
let viewName: string | undefined;

function viewNameInManifest(): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPOSITORY_ROOT, 'package.json'), 'utf8'));
  const views = Object.values(manifest.contributes?.views ?? {}).flat() as { id: string; name: string }[];
  const view = views.find(
    (candidate) => /escape/i.test(candidate.id) && /tree|sites|allocations/i.test(`${candidate.id} ${candidate.name}`),
  );
  if (!view) throw new Error(`package.json contributes no escape tree view (views: ${JSON.stringify(views)})`);
  return view.name;
}

/** Opens the escape tree with View: Open View and expands it down to the functions. */
export async function openEscapeTree(ui: Workbench): Promise<void> {
  const name = escapeTreeViewName();
  await ui.openView(name);
  const pane = escapeTreePane(ui);
  await pane.locator('.monaco-list-row').first().waitFor({ timeout: ANALYSIS_TIMEOUT_MS });
  // Packages and files may start collapsed: expand until nothing collapsed is left above the functions.
  for (let round = 0; round < 3; round++) {
    const collapsed = pane.locator(
      '.monaco-list-row[aria-expanded="false"][aria-level="1"], .monaco-list-row[aria-expanded="false"][aria-level="2"]',
    );
    if ((await collapsed.count()) === 0) break;
    await collapsed.first().click();
  }
}

export function escapeTreePane(ui: Workbench): Locator {
  return ui.page.locator('.pane').filter({ has: ui.page.locator('.pane-header', { hasText: new RegExp(escapeTreeViewName(), 'i') }) });
}

/** The tree row labelled `functionName` (its description, e.g. "1 heap", is drawn right after the label). */
export function escapeTreeRow(ui: Workbench, functionName: string): Locator {
  return escapeTreePane(ui)
    .locator('.monaco-list-row')
    .filter({ has: ui.page.locator('.label-name', { hasText: new RegExp(`^${functionName}$`) }) });
}

/**
 * Waits for `row` (a locator within the tree), going through the tree as a keyboard user does when it is
 * not in view: Home, then Page Down until the last row, each page drawn in turn. (The mouse wheel scrolls
 * the list some time after the event, so where it got to cannot be told; a key moves the focus at once.)
 * `under`, the row's parent, is expanded by a click when it is drawn collapsed; a second click, on a row a
 * refresh drew collapsed again, is logged, as a row that needed it is worth knowing about.
 * A row that never shows fails with the rows the tree draws, each with its level and whether it is
 * expanded, so a failure says whether the row's parent collapsed, or the row is missing, or elsewhere.
 */
export async function waitForTreeRow(
  ui: Workbench,
  row: Locator,
  what: string,
  { under, timeout = ANALYSIS_TIMEOUT_MS }: { readonly under?: Locator; readonly timeout?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeout;
  const remaining = (most: number) => Math.max(1, Math.min(most, deadline - Date.now()));
  let clicks = 0;
  const find = async (target: Locator) => (await shown(target, remaining(LOOK_MS))) || (await pageThrough(ui, target, remaining));
  while (Date.now() < deadline) {
    if (under) {
      if (!(await find(under))) continue;
      if ((await under.getAttribute('aria-expanded', { timeout: LOOK_MS })) === 'false') {
        if (clicks++ > 0) console.log(`${what}: its parent row was drawn collapsed again; clicked it (click ${clicks})`);
        await under.click({ timeout: LOOK_MS });
      }
    }
    if (await find(row)) return;
  }
  throw new Error(`${what} is not in the escape tree after ${timeout / 1000} s; the tree draws:\n${await drawnRows(ui)}`);
}

/** Whether `row` is drawn within `timeout` ms; errors other than the wait's end (two rows match) are thrown. */
async function shown(row: Locator, timeout: number): Promise<boolean> {
  try {
    await row.waitFor({ timeout });
    return true;
  } catch (error) {
    if (error instanceof errors.TimeoutError) return false;
    throw error;
  }
}

/** Home, then Page Down while the focus moves: true as soon as `row` is drawn on one of the pages. */
async function pageThrough(ui: Workbench, row: Locator, remaining: (most: number) => number): Promise<boolean> {
  const list = escapeTreePane(ui).locator('.monaco-list');
  await list.focus();
  await ui.page.keyboard.press('Home');
  for (let previous = -1; ; ) {
    if (await shown(row, remaining(PAGE_MS))) return true;
    const focused = await focusedIndex(list);
    if (focused === previous || remaining(PAGE_MS) === 1) return false;
    previous = focused;
    await ui.page.keyboard.press('PageDown');
  }
}

/** The index of the row the list's focus is on, -1 if none. */
async function focusedIndex(list: Locator): Promise<number> {
  const focused = list.locator('.monaco-list-row.focused');
  return (await focused.count()) === 0 ? -1 : Number((await focused.first().getAttribute('data-index')) ?? '-1');
}

/** The rows the tree draws now, top to bottom, indented by level, with ▸ (collapsed) or ▾ (expanded) and their descriptions. */
async function drawnRows(ui: Workbench): Promise<string> {
  const rows = await escapeTreePane(ui)
    .locator('.monaco-list-row')
    .evaluateAll((elements) =>
      elements.map((element) => ({
        // The list reuses row elements as it scrolls: their order in the page is not their order on screen.
        index: Number(element.getAttribute('data-index') ?? '0'),
        level: Number(element.getAttribute('aria-level') ?? '1'),
        expanded: element.getAttribute('aria-expanded'),
        label: element.querySelector('.label-name')?.textContent ?? '',
        description: element.querySelector('.label-description')?.textContent ?? '',
      })),
    );
  if (rows.length === 0) return '  (no rows)';
  return rows
    .sort((a, b) => a.index - b.index)
    .map(({ level, expanded, label, description }) => {
      const marker = expanded === 'true' ? '▾ ' : expanded === 'false' ? '▸ ' : '';
      return `${'  '.repeat(level)}${marker}${label}${description ? ` — ${description}` : ''}`;
    })
    .join('\n');
}
