/**
 * The flow chain in plain words: the compiler output recorded for the article's config fixture and its
 * source, in; numbered steps with links, out. Pure: no compiler runs.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import type { EscapeFact } from '../../server/src/model/facts';
import { parseCompilerOutput } from '../../server/src/engine/parseCompilerOutput';
import {
  assignedTo,
  calleeOf,
  explainFlows,
  type ExplanationContext,
  positionLink,
  renderExplanation,
} from '../../server/src/features/explanation';
import { toSourceText } from '../../server/src/syntax/positions';

const DIRECTORY = path.join(__dirname, '..', 'fixtures', 'article', 'config');
/** The fixture's source, and what the installed Go printed for it (`npm run record-fixtures` re-records it). */
const CONFIG_GO = fs.readFileSync(path.join(DIRECTORY, 'config.go'), 'utf8');
const OUTPUT = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'recorded', 'config.txt'), 'utf8');

const context: ExplanationContext = {
  sourceOf: (file) => (file === `${DIRECTORY}/config.go` ? toSourceText(CONFIG_GO) : undefined),
};

function factAt(line: number, kind: EscapeFact['kind']): EscapeFact {
  const { facts } = parseCompilerOutput(OUTPUT, { workingDirectory: DIRECTORY, packageDirectory: DIRECTORY, buildSucceeded: true });
  const fact = facts.find((candidate) => candidate.position.line === line && candidate.kind === kind);
  assert.ok(fact, `no ${kind} fact on line ${line}`);
  return fact;
}

test('a returned pointer: one step, "returned from NewConfig", ending at the result', () => {
  const explanation = explainFlows(factAt(14, 'escape'), context);
  assert.deepEqual(
    explanation.steps.map((step) => step.text),
    ['returned from `NewConfig`'],
  );
  assert.match(explanation.destination ?? '', /^the result of `NewConfig`/);
});

test('an inlined call chain reads as calls: returned by NewConfig, passed to PrintConfig, packed for fmt, passed to Fprintln', () => {
  const explanation = explainFlows(factAt(27, 'escape'), context);
  assert.deepEqual(
    explanation.steps.map((step) => step.text),
    [
      'returned by `NewConfig` (inlined here)',
      'assigned to `config`',
      'converted to an interface value: `config`',
      'passed to `PrintConfig` (inlined here) as its parameter `c`',
      'packed into the `...` arguments of a call inside the inlined `PrintConfig`',
      'passed to a call inlined inside `PrintConfig`, as its parameter `fmt.a`',
      'passed to `fmt.Fprintln` (called inside `PrintConfig`, inlined here), which may keep it: its parameter leaks, or the compiler cannot see its body (an interface method or a function value)',
    ],
  );
  assert.equal(explanation.destination, '**the heap**');
});

test('spill steps are bookkeeping and never shown', () => {
  const explanation = explainFlows(factAt(27, 'escape'), context);
  assert.ok(explanation.steps.every((step) => step.reason !== 'spill'));
});

test('a leaking parameter passed to fmt.Println: packed into its ... arguments, then passed to Fprintln inside it', () => {
  const explanation = explainFlows(factAt(22, 'leak'), context);
  assert.deepEqual(
    explanation.steps.map((step) => step.text.replace(/, which may keep it.*/, '')),
    [
      'packed into the `...` arguments of `fmt.Println`',
      'passed to `fmt.Println` (inlined here) as its parameter `a`',
      'passed to `fmt.Fprintln` (called inside `fmt.Println`, inlined here)',
    ],
  );
});

test('each step links to its file and line, with the UTF-16 column VS Code opens', () => {
  const rendered = renderExplanation(explainFlows(factAt(27, 'escape'), context), context);
  const lines = rendered.split('\n');
  const uri = pathToFileURL(path.join(DIRECTORY, 'config.go')).href;
  assert.equal(lines[0], `1. returned by \`NewConfig\` (inlined here) ([config.go:27](${uri}#L27,21))`);
  assert.equal(lines[2], `3. converted to an interface value: \`config\` ([config.go:28](${uri}#L28,14))`);
  assert.equal(lines[lines.length - 1], '→ **the heap**');
});

test('a link into a file we do not have the text of still goes to the line', () => {
  assert.equal(positionLink({ file: '/elsewhere/x.go', line: 3, byteColumn: 5 }, context), '[x.go:3](file:///elsewhere/x.go#L3)');
});

test('a column after non-ASCII text is converted from UTF-8 bytes to UTF-16', () => {
  const source = toSourceText('package p\n\nfunc F() *T {\n\t/* ä😀 */ return &T{}\n}\n');
  const unicode: ExplanationContext = { sourceOf: () => source };
  // Byte column 15 is `return`: tab (1) + "/* " (3) + ä (2) + 😀 (4) + " */ " (4) = 14 bytes before it.
  assert.equal(positionLink({ file: '/m/p/u.go', line: 4, byteColumn: 15 }, unicode), '[u.go:4](file:///m/p/u.go#L4,12)');
});

test('a variable captured by reference and one captured by copy are told apart by the flow source', () => {
  const base = { kind: 'moved' as const, position: { file: '/m/c.go', line: 1, byteColumn: 1 }, expression: 'c', compilerText: [] };
  const step = { expression: 'c', reason: 'captured by a closure', position: null };
  const byReference = explainFlows(
    { ...base, flows: [{ destination: '{storage for func literal}', source: '&c', steps: [step] }] },
    context,
  );
  const byCopy = explainFlows({ ...base, flows: [{ destination: '{storage for func literal}', source: 'c', steps: [step] }] }, context);
  assert.match(byReference.steps[0].text, /by reference/);
  assert.match(byCopy.steps[0].text, /copied/);
  assert.equal(byReference.destination, 'the closure');
});

test("the small parsers of the compiler's expressions", () => {
  assert.equal(assignedTo('config := ~r0'), 'config');
  assert.equal(assignedTo('sink = &buf'), 'sink');
  assert.equal(assignedTo('m[k] = &T{}'), 'm[k]');
  assert.equal(assignedTo('return &u'), undefined);
  assert.equal(calleeOf('fmt.Fprintln(os.Stdout, fmt.a...)'), 'fmt.Fprintln');
  assert.equal(calleeOf('w.Write(data)'), 'w.Write');
  assert.equal(calleeOf('append(b.data, p...)'), 'append');
  assert.equal(calleeOf('... argument'), undefined);
});

test('a leak into `{storage for …}`, whose name has spaces, still names its function (parser fix)', () => {
  const output = [
    '# example.com/article/config',
    './config.go:13:16: parameter host leaks to {storage for &Config{...}} for NewConfig with derefs=0:',
    './config.go:13:16:   flow: {storage for &Config{...}} ← host:',
    './config.go:13:16:     from Config{...} (struct literal element) at ./config.go:14:16',
    './config.go:13:16: leaking param: host',
  ].join('\n');
  const { facts } = parseCompilerOutput(output, { workingDirectory: DIRECTORY, packageDirectory: DIRECTORY, buildSucceeded: true });
  assert.equal(facts[0].functionName, 'NewConfig');
  const onHeap: ExplanationContext = { ...context, isOnHeap: (expression, fn) => expression === '&Config{...}' && fn === 'NewConfig' };
  const explanation = explainFlows(facts[0], onHeap);
  assert.deepEqual(
    explanation.steps.map((step) => step.text),
    ['stored in a field of `Config{...}`'],
  );
  assert.equal(explanation.destination, 'the storage allocated for `&Config{...}`, which is itself on the heap');
});
