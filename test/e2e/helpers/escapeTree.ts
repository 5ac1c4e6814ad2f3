/**
 * The Heap Allocations view as a user reads it: opened from View: Open View, rows expanded by clicking,
 * scrolled with the mouse wheel when a row is drawn below the pane's fold. The pane is a few rows high
 * under the Explorer, and VS Code's list puts only the rows in view into the page, so a row further down
 * is not there until the user scrolls to it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator } from 'playwright-core';
import { REPOSITORY_ROOT } from './environment';
import { ANALYSIS_TIMEOUT_MS, type Workbench } from './workbench';

/** How long one look at the drawn rows waits before the tree is scrolled on. */
const LOOK_MS = 2_000;

/** The view's name as package.json contributes it. */
export function escapeTreeViewName(): string {
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
 * Waits for `row` (a locator within the tree), scrolling the tree as a user does when it is not in view:
 * down a few rows at a time, and back to the top once the bottom is reached, in case it is drawn above.
 * `under`, the row's parent, is expanded by a click when it is drawn collapsed, as a user clicks a row
 * again that a refresh closed; that is logged, a row that needed it is worth knowing about.
 * A row that never shows fails with the rows the tree does draw, each with its level and whether it is
 * expanded, so a failure says whether the row's parent collapsed, or the row is missing, or elsewhere.
 */
export async function waitForTreeRow(
  ui: Workbench,
  row: Locator,
  what: string,
  { under, timeout = ANALYSIS_TIMEOUT_MS }: { readonly under?: Locator; readonly timeout?: number } = {},
): Promise<void> {
  const list = escapeTreePane(ui).locator('.monaco-list');
  const deadline = Date.now() + timeout;
  let clicks = 0;
  while (Date.now() < deadline) {
    if (under && (await under.count()) > 0 && (await under.getAttribute('aria-expanded')) === 'false') {
      if (clicks++ > 0) console.log(`${what}: its parent row was drawn collapsed again; clicked it (${clicks} clicks)`);
      await under.click();
    }
    const found = await row
      .waitFor({ timeout: Math.min(LOOK_MS, Math.max(1, deadline - Date.now())) })
      .then(() => true)
      .catch(() => false);
    if (found) return;
    const before = await scrollTopOf(list);
    await list.hover();
    await ui.page.mouse.wheel(0, 100);
    // The wheel scrolls the list at once; at the bottom it does not move, and the top is next.
    if ((await scrollTopOf(list)) === before) await ui.page.mouse.wheel(0, -1_000_000);
  }
  throw new Error(`${what} is not in the escape tree after ${timeout / 1000} s; the tree draws:\n${await drawnRows(ui)}`);
}

/** Where the list is scrolled to: it moves its rows container up (by `top` or a transform), not the DOM's scroll. */
async function scrollTopOf(list: Locator): Promise<string> {
  return list.locator('.monaco-list-rows').evaluate((rows) => `${rows.style.top} ${rows.style.transform}`);
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
