/**
 * `go-escape-lens merge-sarif`: the SARIF logs of several `check --shard i/n` runs as one log, for a single
 * code scanning upload. The runs are joined into one run per tool (results appended in the order of the
 * files), since code scanning wants one run per tool and category in an upload. Every run of ours has the
 * same rules in the same order, so `ruleIndex` stays right; a log from another tool, or another version of
 * this one, keeps a run of its own.
 */
import type { Log, Run } from 'sarif';
import { z } from 'zod';

const sarifLogSchema = z.looseObject({
  version: z.literal('2.1.0'),
  runs: z.array(z.looseObject({ tool: z.looseObject({ driver: z.looseObject({ name: z.string() }) }) })),
});

export type MergeInput = { readonly name: string; readonly text: string };

export function mergeSarif(inputs: readonly MergeInput[]): { ok: true; log: Log } | { ok: false; message: string } {
  const runs: Run[] = [];
  let schema: string | undefined;
  for (const input of inputs) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(input.text);
    } catch (error) {
      return { ok: false, message: `${input.name} is not JSON: ${error instanceof Error ? error.message : String(error)}` };
    }
    const checked = sarifLogSchema.safeParse(parsed);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      return { ok: false, message: `${input.name} is not a SARIF 2.1.0 log: at ${issue.path.join('.') || 'the top'}: ${issue.message}` };
    }
    const log = checked.data as unknown as Log;
    schema ??= log.$schema;
    for (const run of log.runs) {
      const same = runs.find((existing) => sameTool(existing, run));
      if (same) same.results = [...(same.results ?? []), ...(run.results ?? [])];
      else runs.push({ ...run, results: [...(run.results ?? [])] });
    }
  }
  return { ok: true, log: { ...(schema ? { $schema: schema } : {}), version: '2.1.0', runs } };
}

/** The same tool, version and rules, and paths against the same source root: results can share the run. */
function sameTool(a: Run, b: Run): boolean {
  return (
    a.tool.driver.name === b.tool.driver.name &&
    a.tool.driver.version === b.tool.driver.version &&
    JSON.stringify(a.tool.driver.rules ?? []) === JSON.stringify(b.tool.driver.rules ?? []) &&
    JSON.stringify(a.originalUriBaseIds ?? {}) === JSON.stringify(b.originalUriBaseIds ?? {}) &&
    a.columnKind === b.columnKind
  );
}
