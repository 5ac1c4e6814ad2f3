/**
 * The status bar item: what the server is doing, and the heap allocation count of the active file.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { StatusParams } from '../../server/src/protocol';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('goEscapeLens.status', vscode.StatusBarAlignment.Left, 0);
  private readonly counts = new Map<string, number>();
  private last: StatusParams = { state: 'idle' };

  constructor(command: string) {
    this.item.name = 'Go Escape Lens';
    this.item.command = command;
  }

  update(status: StatusParams): void {
    this.last = status;
    for (const [uri, count] of Object.entries(status.heapAllocationsByUri ?? {})) this.counts.set(normalise(uri), count);
  }

  showFor(activeUri: string | undefined): void {
    const count = activeUri ? this.counts.get(normalise(activeUri)) : undefined;
    switch (this.last.state) {
      case 'analysing':
        this.item.text = `$(sync~spin) Escape: analysing${this.last.packageDirectory ? ` ${path.basename(this.last.packageDirectory)}` : ''}`;
        this.item.tooltip = this.last.message ?? 'Running the Go compiler';
        break;
      case 'paused':
        this.item.text = '$(warning) Escape: paused';
        this.item.tooltip = `${this.last.message ?? 'Analysis paused'} (click for the log)`;
        break;
      default:
        this.item.text = count === undefined ? '$(pulse) Escape' : `$(pulse) Escape: ${count} heap`;
        this.item.tooltip = count === undefined ? 'Go Escape Lens' : `${count} heap allocations in this file (click for the log)`;
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
