/**
 * The composite action (action.yml) as the Actions runner runs it: its check step's script under the
 * runner's bash options (`bash --noprofile --norc -eo pipefail`), with the inputs in the environment as the
 * action passes them, and `npx` standing in for the npm registry by running this repository's dist/cli.js.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'yaml';
import { requireGo } from '../helpers/goOracle';
import { CLI, REPOSITORY_ROOT } from '../helpers/lspClient';
import { parseWorkflowCommand } from '../helpers/workflowCommands';

interface Step {
  readonly id?: string;
  readonly uses?: string;
  readonly if?: string;
  readonly run?: string;
  readonly env?: Record<string, string>;
  readonly with?: Record<string, string>;
}
interface Action {
  readonly inputs: Record<string, { readonly default?: string }>;
  readonly outputs: Record<string, { readonly value: string }>;
  readonly runs: { readonly using: string; readonly steps: readonly Step[] };
}

const FIXTURE = path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'budgets');
const action = parse(fs.readFileSync(path.join(REPOSITORY_ROOT, 'action.yml'), 'utf8')) as Action;
const temporary = fs.mkdtempSync(path.join(os.tmpdir(), 'gel-action-'));
after(() => fs.rmSync(temporary, { recursive: true, force: true }));
before(() => {
  requireGo();
  // `npx --yes go-escape-lens@VERSION …` → this repository's build, recording the version asked for.
  fs.writeFileSync(
    path.join(temporary, 'npx'),
    `#!/bin/bash\n[ "$1" = --yes ] || exit 97\necho "$2" >> "${temporary}/versions"\nshift 2\nexec "${process.execPath}" "${CLI}" "$@"\n`,
    { mode: 0o755 },
  );
});

/** Runs a step's script with the inputs substituted as `${{ inputs.x }}` expressions are. */
function runStep(id: string, inputs: Record<string, string>): { status: number | null; stdout: string; outputs: Record<string, string> } {
  const step = action.runs.steps.find((candidate) => candidate.id === id)!;
  const values = { ...Object.fromEntries(Object.entries(action.inputs).map(([name, input]) => [name, input.default ?? ''])), ...inputs };
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${temporary}:${process.env.PATH}`, RUNNER_TEMP: temporary };
  for (const [name, expression] of Object.entries(step.env ?? {})) {
    env[name] = expression.replace(/\$\{\{ inputs\.([\w-]+) \}\}/g, (_match, input: string) => values[input] ?? '');
  }
  const outputFile = path.join(temporary, `${id}.output`);
  fs.writeFileSync(outputFile, '');
  env.GITHUB_OUTPUT = outputFile;
  const run = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], { cwd: FIXTURE, env, encoding: 'utf8' });
  const outputs = Object.fromEntries(
    fs
      .readFileSync(outputFile, 'utf8')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  return { status: run.status, stdout: run.stdout, outputs };
}

test('the action declares the inputs a workflow sets, sets up Node, and uploads SARIF through codeql-action', () => {
  assert.equal(action.runs.using, 'composite');
  for (const input of ['packages', 'baseline', 'format', 'upload-sarif']) assert.ok(input in action.inputs, input);
  assert.ok(action.runs.steps.some((step) => step.uses?.startsWith('actions/setup-node@')));
  const upload = action.runs.steps.find((step) => step.uses?.startsWith('github/codeql-action/upload-sarif@'));
  // A GitHub expression, not a JavaScript template.
  assert.equal(upload?.with?.sarif_file, ['${{', 'steps.sarif.outputs.file', '}}'].join(' '));
});

test('the check step annotates, records the exit code without failing itself, and passes the inputs through', () => {
  const run = runStep('check', { packages: './hot ./clean', version: '1.2.3' });
  assert.equal(run.status, 0);
  assert.equal(run.outputs['exit-code'], '1', 'hot breaks its budgets');
  const commands = run.stdout.trimEnd().split('\n').map(parseWorkflowCommand);
  assert.ok(commands.every((command) => command !== undefined));
  assert.ok(commands.some((command) => command!.name === 'error' && command!.properties.file === 'test/fixtures/budgets/hot/hot.go'));
  assert.ok(!commands.some((command) => command!.properties.file.includes('/directives/')), 'only the packages asked for');
  assert.equal(fs.readFileSync(path.join(temporary, 'versions'), 'utf8').trim().split('\n').pop(), 'go-escape-lens@1.2.3');

  const clean = runStep('check', { packages: './clean', format: 'text', args: '--violations-only' });
  assert.equal(clean.outputs['exit-code'], '0');
  assert.equal(clean.stdout, '');
});

test('the SARIF step writes a log of every allocation for the upload', () => {
  const run = runStep('sarif', { packages: './clean', 'upload-sarif': 'true' });
  assert.equal(run.status, 0);
  const log = JSON.parse(fs.readFileSync(run.outputs.file, 'utf8'));
  assert.equal(log.version, '2.1.0');
  assert.equal(log.runs[0].results.length, 4);
});
