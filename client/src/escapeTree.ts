/**
 * The "Heap Allocations" tree: packages → files → functions → sites, each with its count (and measured bytes),
 * hot spots first.
 * Rendering only: the server computes and sorts everything; this file turns it into tree items and asks
 * again when the server reports new results. The packages come first (`goEscapeLens/escapeTree`), a
 * package's files, functions and sites when it is expanded (`goEscapeLens/escapeTreePackage`): a whole
 * workspace has far too many sites to send at once.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type {
  EscapeTreeCounts,
  EscapeTreeFile,
  EscapeTreeFunction,
  EscapeTreeMeasured,
  EscapeTreePackage,
  EscapeTreeSite,
} from '../../server/src/protocol';

/**
 * Each node has an id that stays the same while the tree is refreshed and re-sorted, so VS Code keeps
 * what the user expanded: without one, an item is known by its place among its siblings, and a refresh
 * that moves a package up (its count changed, another package's result arrived during a workspace
 * analysis) collapsed the row the user had just opened.
 */
type Node =
  | { readonly kind: 'package'; readonly id: string; readonly item: EscapeTreePackage }
  | { readonly kind: 'file'; readonly id: string; readonly item: EscapeTreeFile }
  | { readonly kind: 'function'; readonly id: string; readonly item: EscapeTreeFunction }
  | { readonly kind: 'site'; readonly id: string; readonly item: EscapeTreeSite };

export const ESCAPE_TREE_VIEW = 'goEscapeLens.escapeTree';

/** How long the tree waits for the next result before it refreshes: results of one burst come closer. */
const REFRESH_AFTER_MS = 250;

/** Up to this many packages are shown expanded. */
const EXPANDED_PACKAGES = 10;

export class EscapeTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<Node>;
  private refreshTimer: NodeJS.Timeout | undefined;
  /** A refresh asked for while the view is hidden waits until it is shown. */
  private stale = false;
  /** A few packages open expanded; a whole workspace's start collapsed, each fetched when opened. */
  private expandPackages = true;

  constructor(
    private readonly fetch: () => Promise<readonly EscapeTreePackage[]>,
    private readonly fetchPackage: (directory: string) => Promise<readonly EscapeTreeFile[]>,
  ) {
    this.view = vscode.window.createTreeView(ESCAPE_TREE_VIEW, { treeDataProvider: this, showCollapseAll: true });
    this.view.onDidChangeVisibility(({ visible }) => visible && this.stale && this.refresh());
  }

  /**
   * Asks VS Code to fetch the tree again, once a burst of results is over: a workspace analysis reports a
   * dozen packages a second, and a refresh that starts while the user expands a row re-applies the state
   * it began with, collapsing that row again. One refresh per burst leaves the rows still between them.
   */
  refresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.stale = !this.view.visible;
      if (!this.stale) this.changed.fire(undefined);
    }, REFRESH_AFTER_MS);
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (!node) {
      const packages = await this.fetch();
      this.view.description = packages.length > 0 ? viewDescription(packages) : undefined;
      this.expandPackages = packages.length <= EXPANDED_PACKAGES;
      return packages.map((item) => ({ kind: 'package', id: `package:${item.directory}`, item }));
    }
    switch (node.kind) {
      case 'package':
        return (await this.fetchPackage(node.item.directory)).map((item) => ({ kind: 'file', id: `${node.id}/${item.uri}`, item }));
      case 'file': {
        const ordinals = ordinalsAmongNamesakes(node.item.functions);
        return node.item.functions.map((item, index) => ({ kind: 'function', id: `${node.id}#${item.name}/${ordinals[index]}`, item }));
      }
      case 'function':
        // Sites are leaves, with nothing to keep expanded: their place in the function is enough.
        return node.item.sites.map((item, index) => ({ kind: 'site', id: `${node.id}/${index}`, item }));
      case 'site':
        return [];
    }
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const item = this.treeItemOf(node);
    item.id = node.id;
    return item;
  }

  private treeItemOf(node: Node): vscode.TreeItem {
    const collapsed = vscode.TreeItemCollapsibleState.Collapsed;
    switch (node.kind) {
      case 'package': {
        const item = new vscode.TreeItem(node.item.name, this.expandPackages ? vscode.TreeItemCollapsibleState.Expanded : collapsed);
        item.description = count(node.item) + measured(node.item) + (node.item.staleReason ? ' (stale)' : '');
        item.tooltip = node.item.staleReason ? `Last good facts: ${node.item.staleReason}` : node.item.directory;
        item.iconPath = new vscode.ThemeIcon('package');
        return item;
      }
      case 'file': {
        const uri = vscode.Uri.parse(node.item.uri);
        const item = new vscode.TreeItem(path.basename(uri.fsPath), collapsed);
        item.resourceUri = uri;
        item.description = count(node.item) + measured(node.item);
        item.iconPath = vscode.ThemeIcon.File;
        return item;
      }
      case 'function': {
        const item = new vscode.TreeItem(node.item.name, collapsed);
        const leaks =
          node.item.leakingParameters > 0
            ? ` · ${node.item.leakingParameters} leaking param${node.item.leakingParameters === 1 ? '' : 's'}`
            : '';
        item.description = count(node.item) + leaks + measured(node.item);
        item.iconPath = new vscode.ThemeIcon('symbol-function');
        item.command = open(node.item.uri, node.item.range, 'Go to the function');
        return item;
      }
      case 'site': {
        const item = new vscode.TreeItem(node.item.expression, vscode.TreeItemCollapsibleState.None);
        item.description = [node.item.kind === 'moved' ? 'moved' : '', node.item.reason ?? '', node.item.measuredLabel ?? '']
          .filter(Boolean)
          .join(' · ');
        item.tooltip = `Line ${node.item.range.start.line + 1}${node.item.reason ? `: ${node.item.reason}` : ''}`;
        item.iconPath = new vscode.ThemeIcon(SITE_ICONS[node.item.kind]);
        const check = node.item.kind === 'bounds' || node.item.kind === 'nil';
        item.command = open(node.item.uri, node.item.range, check ? 'Go to the check' : 'Go to the allocation');
        return item;
      }
    }
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    this.view.dispose();
    this.changed.dispose();
  }
}

const SITE_ICONS: Record<EscapeTreeSite['kind'], string> = {
  escape: 'symbol-event',
  moved: 'symbol-variable',
  bounds: 'symbol-array',
  nil: 'circle-slash',
};

/**
 * Each function's place among the functions of its name in the file, in source order: 0 for all but a
 * second init. A function's id is its name and this, not its line: a save that adds a line above it moves
 * it, and an id made of its line would change, so VS Code would draw the row collapsed again.
 */
function ordinalsAmongNamesakes(functions: readonly EscapeTreeFunction[]): number[] {
  const before = (a: EscapeTreeFunction, b: EscapeTreeFunction) =>
    a.range.start.line < b.range.start.line ||
    (a.range.start.line === b.range.start.line && a.range.start.character < b.range.start.character);
  return functions.map((item) => functions.filter((other) => other.name === item.name && before(other, item)).length);
}

/** "3 heap · 4 bounds": the kinds the server counted (those whose annotations are on); zeros but heap left out. */
function count(item: EscapeTreeCounts): string {
  return [
    ...(item.heapAllocations !== undefined &&
    (item.heapAllocations > 0 || (item.boundsChecks === undefined && item.nilChecks === undefined))
      ? [`${item.heapAllocations} heap`]
      : []),
    ...(item.boundsChecks ? [`${item.boundsChecks} bounds`] : []),
    ...(item.nilChecks ? [`${item.nilChecks} nil`] : []),
  ].join(' · ');
}

/** The view's description: every package's counts summed, e.g. "12 heap allocations · 30 bounds checks". */
function viewDescription(packages: readonly EscapeTreePackage[]): string {
  const total = (key: keyof EscapeTreeCounts) => packages.reduce((sum, item) => sum + (item[key] ?? 0), 0);
  const counted = (key: keyof EscapeTreeCounts) => packages.some((item) => item[key] !== undefined);
  const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
  return [
    ...(counted('heapAllocations') ? [plural(total('heapAllocations'), 'heap allocation')] : []),
    ...(counted('boundsChecks') ? [plural(total('boundsChecks'), 'bounds check')] : []),
    ...(counted('nilChecks') ? [plural(total('nilChecks'), 'nil check')] : []),
  ].join(' · ');
}

/** ` · measured 448 B/op`, when a benchmark or profile measured something here. */
function measured(item: EscapeTreeMeasured): string {
  return item.measuredLabel ? ` · measured ${item.measuredLabel}` : '';
}

function open(uri: string, range: EscapeTreeSite['range'], title: string): vscode.Command {
  const selection = new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
  return { title, command: 'vscode.open', arguments: [vscode.Uri.parse(uri), { selection } satisfies vscode.TextDocumentShowOptions] };
}
