/**
 * `--format github` against the workflow-command syntax: the escaping of actions/toolkit's command.ts, read
 * back the way the Actions runner reads it, for any text a path, title or message can hold.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Finding } from '../../server/src/check/findings';
import { escapeData, escapeProperty, formatGithub, workflowCommand } from '../../server/src/check/formatGithub';
import { parseWorkflowCommand } from '../helpers/workflowCommands';

test('the escapes of actions/toolkit command.ts: %, CR, LF in data; also : and , in properties', () => {
  assert.equal(escapeData('100% done\r\nnext: a,b'), '100%25 done%0D%0Anext: a,b');
  assert.equal(escapeProperty('C:\\go\\a,b%\n'), 'C%3A\\go\\a%2Cb%25%0A');
  // % first: an escape in the input is not read as one.
  assert.equal(escapeProperty('%3A'), '%253A');
});

test('any file, title and message survives the round trip through the runner', () => {
  const text = fc.string({ unit: fc.constantFrom('a', 'é', '%', ':', ',', '=', '\r', '\n', ' ', '3', 'A', '0', 'D', '🙂', '::') });
  fc.assert(
    fc.property(text, text, text, fc.nat(), (file, title, message, line) => {
      const command = workflowCommand('warning', { file, line: line + 1, endLine: line + 2, title }, message);
      assert.ok(!/[\r\n]/.test(command), 'one line');
      const parsed = parseWorkflowCommand(command);
      assert.deepEqual(parsed, {
        name: 'warning',
        properties: { file, line: String(line + 1), endLine: String(line + 2), title },
        message,
      });
    }),
  );
});

const finding = (overrides: Partial<Finding>): Finding => ({
  kind: 'escape',
  rule: 'escapes-to-heap',
  package: 'example.com/m/p',
  function: 'F',
  expression: '&T{...}',
  message: '&T{...} escapes to the heap: returned',
  file: 'p/p.go',
  line: 3,
  column: 9,
  range: { start: { line: 2, character: 8 }, end: { line: 2, character: 15 } },
  steps: [],
  related: [],
  violation: false,
  why: [],
  ...overrides,
});

test('levels: violations are errors, allocations counted against a broken budget warnings, the rest notices', () => {
  const lines = formatGithub(
    [
      finding({}),
      finding({ countsAgainst: '//escape:none of F' }),
      finding({ kind: 'budget', rule: 'broken-budget', violation: true, why: ['1 heap allocation where //escape:none allows 0'] }),
      finding({ newSince: 'origin/main', violation: true, why: ['new since origin/main'] }),
    ],
    { root: '/repo/module', repositoryRoot: '/repo' },
  )
    .trimEnd()
    .split('\n')
    .map((line) => parseWorkflowCommand(line)!);
  assert.deepEqual(
    lines.map((command) => command.name),
    ['notice', 'warning', 'error', 'error'],
  );
  assert.deepEqual(lines[0].properties, {
    file: 'module/p/p.go',
    line: '3',
    endLine: '3',
    col: '9',
    endColumn: '16',
    title: 'go-escape-lens escapes-to-heap',
  });
  assert.equal(lines[3].properties.title, 'go-escape-lens escapes-to-heap (new since origin/main)');
  assert.equal(lines[3].message, '&T{...} escapes to the heap: returned (new since origin/main)');
});

test('a range over several lines has no columns: GitHub takes columns only on one line', () => {
  const [command] = formatGithub([finding({ range: { start: { line: 2, character: 8 }, end: { line: 4, character: 1 } } })], {
    root: '/repo',
    repositoryRoot: '/repo',
  })
    .trimEnd()
    .split('\n')
    .map((line) => parseWorkflowCommand(line)!);
  assert.deepEqual(command.properties, { file: 'p/p.go', line: '3', endLine: '5', title: 'go-escape-lens escapes-to-heap' });
});
