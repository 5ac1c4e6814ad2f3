/**
 * LSP work-done progress for compiler runs: a run that starts begins a progress item ("Analysing pointers")
 * and the result, whatever it is, ends it. The editor shows it where it shows background work (VS Code: the
 * status bar), so a long analysis is visible without a notification.
 */
import type { WorkDoneProgressServerReporter } from 'vscode-languageserver';

export class AnalysisProgress {
  private readonly running = new Map<string, Promise<WorkDoneProgressServerReporter | undefined>>();

  constructor(
    private readonly create: () => Promise<WorkDoneProgressServerReporter>,
    private readonly label: (directory: string) => string,
  ) {}

  started(directory: string): void {
    if (this.running.has(directory)) return;
    const reporter = this.create().then(
      (created) => {
        created.begin('Go Escape Lens', undefined, this.label(directory), false);
        return created;
      },
      () => undefined, // The client refused the progress token: analysis goes on without it.
    );
    this.running.set(directory, reporter);
  }

  /** Resolves once the progress item is ended (callers need not wait; tests do). */
  finished(directory: string): Promise<void> {
    const reporter = this.running.get(directory);
    if (!reporter) return Promise.resolve();
    this.running.delete(directory);
    return reporter.then((created) => created?.done());
  }
}
