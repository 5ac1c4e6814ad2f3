/**
 * Code-action answers that came too early, followed up. VS Code asks for the lightbulb's actions only when
 * the cursor moves or the diagnostics change, and the server answers after waiting a bounded time for the
 * verdicts at that place: after a slow first verification, or while the type checker is still built, the
 * answer misses fixes that are offered a moment later, and the lightbulb would stay away. Once the verdicts
 * are in, if the answer at the same place has grown, `grown` is called (the server then sends the file's
 * diagnostics again, which makes the editor ask again).
 *
 * One follow-up per file: a later request in the same file replaces the place and the count it follows.
 * It ends when the answer is complete, after a few rounds of one bounded wait each, or when a newer analysis
 * of the package replaced the one answered from (its publish makes the editor ask anyway).
 */
import * as path from 'node:path';
import type { CodeAction } from 'vscode-languageserver';
import type { PackageResult } from '../model/analysis';
import type { CodeActionQuery } from './fixService';

export interface FollowUpDependencies {
  /** The answer at `query` from `result`, waiting for its verdicts (bounded); complete when none is pending. */
  readonly answer: (result: PackageResult, query: CodeActionQuery) => Promise<{ actions: CodeAction[]; complete: boolean }>;
  /** Whether `result` is still the package's newest analysis. */
  readonly isCurrent: (result: PackageResult) => boolean;
  readonly grown: (file: string) => void;
  readonly log?: (message: string) => void;
  readonly verbose?: (message: string) => void;
}

interface FollowUp {
  result: PackageResult;
  query: CodeActionQuery;
  /** How many actions the editor was given. */
  answered: number;
}

const ROUNDS = 3;

export class AnswerFollowUps {
  private readonly byFile = new Map<string, FollowUp>();

  constructor(private readonly dependencies: FollowUpDependencies) {}

  /** An answer of `answered` actions at `query` was incomplete: follow it up. */
  follow(result: PackageResult, query: CodeActionQuery, answered: number): void {
    const running = this.byFile.get(query.file);
    if (running) {
      Object.assign(running, { result, query, answered });
      return;
    }
    const followUp: FollowUp = { result, query, answered };
    this.byFile.set(query.file, followUp);
    void this.run(followUp).finally(() => {
      if (this.byFile.get(query.file) === followUp) this.byFile.delete(query.file);
    });
  }

  /** Never throws: it runs unawaited, and a failure here must not take the server down. */
  private async run(followUp: FollowUp): Promise<void> {
    const { answer, isCurrent, grown, log, verbose } = this.dependencies;
    try {
      for (let round = 0; round < ROUNDS; round++) {
        if (!isCurrent(followUp.result)) return;
        const { result, query, answered } = followUp;
        const { actions, complete } = await answer(result, query);
        // A newer request in the file meanwhile: follow that one.
        if (followUp.query !== query) continue;
        if (actions.length > answered) {
          verbose?.(`code actions: ${actions.length - answered} more at ${path.basename(query.file)} once verified`);
          grown(query.file);
          return;
        }
        if (complete) {
          verbose?.(`code actions: nothing more at ${path.basename(query.file)} once verified`);
          return;
        }
      }
    } catch (error) {
      log?.(`following up the code actions in ${followUp.query.file} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
