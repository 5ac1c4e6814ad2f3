/**
 * The VS Code workbench as a user meets it, through Playwright in Chromium: click in the Explorer, read the
 * squiggles beside their line numbers, hover text, press keys, pick from the command palette. Every step
 * waits for what the user would wait for (an element, a text), never for a length of time.
 */
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import * as path from 'node:path';
import type { E2eTools, RunFolder } from './environment';

/** Long enough for a cold compile on a busy two-core machine; a wait that needs longer is a failure. */
export const ANALYSIS_TIMEOUT_MS = 90_000;
const UI_TIMEOUT_MS = 30_000;

export async function launchBrowser(tools: E2eTools, run: RunFolder): Promise<BrowserContext> {
  return chromium.launchPersistentContext(path.join(run.root, 'chromium-profile'), {
    executablePath: tools.CHROMIUM_BIN,
    headless: true,
    env: run.env as Record<string, string>,
    viewport: { width: 1280, height: 960 },
    args: [
      '--no-sandbox', // CI runs as root
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export class Workbench {
  constructor(
    readonly page: Page,
    private readonly screenshots: string,
  ) {}

  static async open(context: BrowserContext, url: string, folder: string, screenshots: string): Promise<Workbench> {
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`);
    await page.locator('.monaco-workbench').waitFor();
    return new Workbench(page, screenshots);
  }

  async screenshot(name: string): Promise<string> {
    const file = path.join(this.screenshots, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Opens `relativePath` (e.g. `pointers/pointers.go`) by clicking its folders and then it in the Explorer. */
  async openFromExplorer(relativePath: string): Promise<void> {
    const parts = relativePath.split('/');
    for (const [index, name] of parts.entries()) {
      const item = this.page.getByRole('treeitem', { name, exact: true });
      const isFolder = index < parts.length - 1;
      if (isFolder && (await item.getAttribute('aria-expanded', { timeout: UI_TIMEOUT_MS })) === 'true') continue;
      await item.click();
    }
    await this.page.locator('.tab.active', { hasText: parts[parts.length - 1] }).waitFor();
  }

  /** The language in the status bar: a file may show Plain Text until the language is known. */
  async waitForLanguage(name: string): Promise<void> {
    await this.page.locator('#status\\.editor\\.mode', { hasText: name }).waitFor();
  }

  /** A line of the active editor whose text contains `text` (spaces as the user sees them). */
  line(text: string): Locator {
    return this.page.locator('.editor-instance .view-line', { hasText: text });
  }

  /**
   * The 1-based numbers of the lines that carry a squiggle, of any severity, in the active editor. A squiggle
   * and its line number are drawn in two layers at the same `top`, which is how they are matched.
   */
  async squiggleLines(): Promise<number[]> {
    return (await this.page.evaluate(squiggledLinesIf, null)) as number[];
  }

  /** Waits until the squiggled lines are exactly `expected`, and says what it saw if they never are. */
  async waitForSquiggleLines(expected: readonly number[], timeout = ANALYSIS_TIMEOUT_MS): Promise<void> {
    const want = [...expected].sort((a, b) => a - b);
    try {
      await this.page.waitForFunction(squiggledLinesIf, want, { timeout });
    } catch (error) {
      throw new Error(
        `squiggles on lines ${JSON.stringify(await this.squiggleLines())}, expected ${JSON.stringify(want)}: ${String(error)}`,
      );
    }
  }

  /**
   * The drawn line numbered `number` (1-based), for text that repeats in the file. A line and its number are
   * drawn in two layers at the same height on screen, which is how they are matched.
   */
  async lineNumbered(number: number): Promise<Locator> {
    const found = await this.page.waitForFunction(viewLineIndexIf, number);
    const { index } = (await found.jsonValue()) as { index: number };
    return this.page.locator('.editor-instance .view-line').nth(index);
  }

  /** The centre of `text` where it is drawn on the line that contains `lineText` (or on the line given). */
  async centreOf(lineText: string | Locator, text: string): Promise<{ x: number; y: number }> {
    const line = typeof lineText === 'string' ? this.line(lineText) : lineText;
    await line.waitFor();
    const box = await line.evaluate(textBoxInLine, text);
    if (!box) throw new Error(`"${text}" is not drawn on the line "${lineText}"`);
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  }

  async hover(lineText: string | Locator, text: string): Promise<Locator> {
    const { x, y } = await this.centreOf(lineText, text);
    await this.page.mouse.move(x, y);
    return this.page.locator('.monaco-hover:visible');
  }

  /**
   * Clicks `text` and waits until the status bar puts the cursor on its line. A click can miss: code lenses
   * and inlay hints that arrive between finding the text and clicking move it, and a click while the editor
   * redraws can leave the cursor where it was (seen as "Ln 1, Col 1" in failed runs). A missed click is
   * made again at the text's new place, at most three times.
   */
  async clickOn(lineText: string | Locator, text: string): Promise<void> {
    const line = typeof lineText === 'string' ? this.line(lineText) : lineText;
    for (let attempt = 1; ; attempt++) {
      const { x, y } = await this.centreOf(line, text);
      await this.page.mouse.click(x, y);
      const number = await line.evaluate(lineNumberBeside);
      const cursor = this.statusBarItem(new RegExp(`^Ln ${number}, Col `));
      const landed = await cursor.waitFor({ timeout: 2_000 }).then(
        () => true,
        () => false,
      );
      if (landed) {
        // Said in the output, so a run shows how often a click missed.
        if (attempt > 1) console.log(`the click on "${text}" reached line ${number} at attempt ${attempt}`);
        return;
      }
      if (attempt === 3) throw new Error(`three clicks on "${text}" did not put the cursor on its line (${number})`);
    }
  }

  statusBarItem(text: string | RegExp): Locator {
    return this.page.locator('.statusbar-item', { hasText: text });
  }

  /** Runs a command from the command palette (F1) by its exact title, e.g. `View: Open View`. */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${title}`);
    await this.pickQuickInput(title);
  }

  /** Picks the row of the open quick input whose label is `label` (and not just starts with it). */
  async pickQuickInput(label: string): Promise<void> {
    const row = this.page.locator('.quick-input-list .monaco-list-row').filter({
      has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }),
    });
    await row.first().click();
  }

  /** Opens a view by its name through quick access (`view <name>`), as View: Open View does. */
  async openView(name: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`view ${name}`);
    await this.pickQuickInput(name);
  }

  /** Hides the bottom panel (Problems, Output …) if it is open, as Ctrl+J does. */
  async closePanel(): Promise<void> {
    const panel = this.page.locator('.part.panel.bottom');
    if (!(await panel.isVisible())) return;
    await this.page.keyboard.press('Control+J');
    await panel.waitFor({ state: 'hidden' });
  }

  /** Closes hovers, menus and quick inputs, as a user presses Escape. */
  async dismiss(): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('Escape');
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// The functions below run in the page (Playwright sends their source). This project is type-checked without
// the DOM library, so the few DOM globals they use are declared here, loosely, for this file only.
// biome-ignore lint/suspicious/noExplicitAny: the DOM's types are not loaded (see above)
declare const document: any;
declare const NodeFilter: { readonly SHOW_TEXT: number };
// biome-ignore lint/suspicious/noExplicitAny: the DOM's types are not loaded (see above)
type PageNode = any;

/**
 * Runs in the page: the squiggled lines of the active editor (see Workbench.squiggleLines) when `want` is
 * null or equals them, else false — the truthy/falsy answer `waitForFunction` waits on.
 */
function squiggledLinesIf(want: readonly number[] | null): number[] | false {
  const editor = document.querySelector('.editor-instance .monaco-editor');
  const numberAtTop = new Map<string, number>();
  for (const row of editor?.querySelectorAll('.margin-view-overlays > div') ?? []) {
    const number = row.querySelector('.line-numbers')?.textContent;
    if (number) numberAtTop.set(row.style.top, Number(number));
  }
  const lines = new Set<number>();
  for (const squiggle of editor?.querySelectorAll('.view-overlays [class*="squiggly-"]') ?? []) {
    const line = numberAtTop.get(squiggle.parentElement.style.top);
    if (line !== undefined) lines.add(line);
  }
  const sorted = [...lines].sort((a, b) => a - b);
  return want === null || JSON.stringify(sorted) === JSON.stringify(want) ? sorted : false;
}

/** Runs in the page: the 1-based number drawn beside a line of the active editor (the gutter's row at its top). */
function lineNumberBeside(line: PageNode): number | undefined {
  const top = line.getBoundingClientRect().top;
  for (const row of document.querySelectorAll('.editor-instance .margin-view-overlays > div')) {
    const number = row.querySelector('.line-numbers')?.textContent?.trim();
    if (number && Math.abs(row.getBoundingClientRect().top - top) < 1) return Number(number);
  }
  return undefined;
}

/**
 * Runs in the page: the index, among the active editor's drawn lines, of the one beside line number
 * `number`, or false while it is not drawn.
 */
function viewLineIndexIf(number: number): { index: number } | false {
  let top: number | undefined;
  for (const row of document.querySelectorAll('.editor-instance .margin-view-overlays > div')) {
    if (row.querySelector('.line-numbers')?.textContent?.trim() === String(number)) top = row.getBoundingClientRect().top;
  }
  if (top === undefined) return false;
  const lines = document.querySelectorAll('.editor-instance .view-line');
  for (let index = 0; index < lines.length; index++) {
    if (Math.abs(lines[index].getBoundingClientRect().top - top) < 1) return { index };
  }
  return false;
}

/**
 * Runs in the page: the box of `text` inside a drawn line, whose tokens are separate spans. Written without
 * inner named functions: tsx compiles with keepNames, whose `__name(...)` helper does not exist in the page.
 */
function textBoxInLine(line: PageNode, text: string): { x: number; y: number; width: number; height: number } | undefined {
  const nodes: PageNode[] = [];
  const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) nodes.push(walker.currentNode);
  const whole = nodes.map((node: PageNode) => node.data.replaceAll('\u00a0', ' ')).join('');
  const start = whole.indexOf(text);
  if (start < 0) return undefined;
  const end = start + text.length;
  const range = document.createRange();
  let seen = 0;
  for (const node of nodes) {
    const length: number = node.data.length;
    if (start >= seen && start <= seen + length) range.setStart(node, start - seen);
    if (end >= seen && end <= seen + length) {
      range.setEnd(node, end - seen);
      break;
    }
    seen += length;
  }
  const rect = range.getBoundingClientRect();
  return { x: rect.x, y: rect.y, width: rect.width, height: rect.height };
}
