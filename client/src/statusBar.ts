/**
 * The status bar item: what the server is doing, and the heap allocation count of the active file.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { StatusParams } from '../../server/src/protocol';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('goEscapeLens.status', vscode.StatusBarAlignment.Left, 0);
  private readonly counts = new Map<string, number>();
  private readonly checks = new Map<string, NonNullable<StatusParams['checksByUri']>[string]>();
  /** Files their package's build leaves out, with why: they have no count, and saying 0 would mislead. */
  private readonly notInBuild = new Map<string, string>();
  private last: StatusParams = { state: 'idle' };

  constructor(command: string) {
    this.item.name = 'Go Escape Lens';
    this.item.command = command;
  }

  update(status: StatusParams): void {
    this.last = status;
    for (const uri of Object.keys(status.heapAllocationsByUri ?? {})) this.notInBuild.delete(normalise(uri));
    for (const [uri, note] of Object.entries(status.notInBuildByUri ?? {})) this.notInBuild.set(normalise(uri), note);
    if (status.heapAllocationsByUri === undefined) return;
    // A status with counts says everything about its package's files: a kind that is now off is dropped.
    const uris = new Set([...Object.keys(status.heapAllocationsByUri), ...Object.keys(status.checksByUri ?? {})].map(normalise));
    for (const uri of uris) {
      this.counts.delete(uri);
      this.checks.delete(uri);
    }
    for (const [uri, count] of Object.entries(status.heapAllocationsByUri)) this.counts.set(normalise(uri), count);
    for (const [uri, checks] of Object.entries(status.checksByUri ?? {})) this.checks.set(normalise(uri), checks);
  }

  showFor(activeUri: string | undefined): void {
    const count = activeUri ? this.counts.get(normalise(activeUri)) : undefined;
    const checks = activeUri ? this.checks.get(normalise(activeUri)) : undefined;
    const checkParts = [
      ...(checks?.bounds !== undefined ? [`${checks.bounds} bounds`] : []),
      ...(checks?.nil !== undefined ? [`${checks.nil} nil`] : []),
    ];
    const counted = [...(count !== undefined ? [`${count} heap`] : []), ...checkParts];
    switch (this.last.state) {
      case 'analysing':
        this.item.text = `$(sync~spin) Escape: analysing${this.last.packageDirectory ? ` ${path.basename(this.last.packageDirectory)}` : ''}`;
        this.item.tooltip = this.last.message ?? 'Running the Go compiler';
        break;
      case 'paused':
        this.item.text = '$(warning) Escape: paused';
        this.item.tooltip = `${this.last.message ?? 'Analysis paused'} (click for the log)`;
        break;
      default: {
        const note = activeUri ? this.notInBuild.get(normalise(activeUri)) : undefined;
        if (note) {
          this.item.text = '$(circle-slash) Escape: not in build';
          this.item.tooltip = `${note} (click for the log)`;
          break;
        }
        this.item.text = counted.length === 0 ? '$(pulse) Escape' : `$(pulse) Escape: ${counted.join(' · ')}`;
        this.item.tooltip =
          counted.length === 0
            ? 'Go Escape Lens'
            : `${[
                ...(count !== undefined ? [`${count} heap allocations`] : []),
                ...(checks?.bounds !== undefined ? [`${checks.bounds} bounds checks`] : []),
                ...(checks?.nil !== undefined ? [`${checks.nil} nil checks`] : []),
              ].join(', ')} in this file (click for the log)`;
      }
    }
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}

/** VS Code and the server may spell the same file URI differently (percent-encoding). */
function normalise(uri: string): string {
  return vscode.Uri.parse(uri).toString();
}
