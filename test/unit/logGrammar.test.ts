/**
 * The output channel's TextMate grammar, checked on the lines the server writes. The grammar has only
 * `match` rules, so a small tokenizer with TextMate's rule (the earliest match wins, ties go to the first
 * rule) reproduces what VS Code colours.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { REPOSITORY_ROOT } from '../helpers/lspClient';

interface Rule {
  readonly name?: string;
  readonly match: string;
  readonly captures?: Record<string, { name: string }>;
}

const grammarFile = path.join(REPOSITORY_ROOT, 'syntaxes', 'go-escape-lens-log.tmLanguage.json');
const grammar = JSON.parse(fs.readFileSync(grammarFile, 'utf8')) as { scopeName: string; patterns: Rule[] };
const manifest = JSON.parse(fs.readFileSync(path.join(REPOSITORY_ROOT, 'package.json'), 'utf8'));

/** [text, scope] for every captured or matched piece of `line`. */
function tokenize(line: string): [string, string][] {
  const rules = grammar.patterns.map((rule) => ({ rule, regex: new RegExp(rule.match, 'gdu') }));
  const tokens: [string, string][] = [];
  let position = 0;
  while (position < line.length) {
    let best: { rule: Rule; match: RegExpExecArray } | undefined;
    for (const { rule, regex } of rules) {
      regex.lastIndex = position;
      const match = regex.exec(line);
      if (match && match[0].length > 0 && (!best || match.index < best.match.index)) best = { rule, match };
    }
    if (!best) break;
    const { rule, match } = best;
    if (rule.captures) {
      for (const [group, { name }] of Object.entries(rule.captures)) {
        if (match[Number(group)] !== undefined) tokens.push([match[Number(group)], name]);
      }
    } else {
      tokens.push([match[0], rule.name!]);
    }
    position = match.index + match[0].length;
  }
  return tokens;
}

const scopeOf = (line: string, text: string) => tokenize(line).find(([token]) => token === text)?.[1];

test('every rule is a valid regular expression and a match rule', () => {
  assert.equal(grammar.scopeName, 'source.go-escape-lens-log');
  for (const rule of grammar.patterns) {
    assert.ok(rule.match, 'only match rules');
    assert.doesNotThrow(() => new RegExp(rule.match, 'u'));
  }
});

test("the manifest contributes the grammar for the output channel's language", () => {
  const language = manifest.contributes.languages.find((entry: { id: string }) => entry.id === 'go-escape-lens-log');
  assert.ok(language, 'the go-escape-lens-log language is contributed');
  const contributed = manifest.contributes.grammars.find((entry: { language?: string }) => entry.language === 'go-escape-lens-log');
  assert.equal(contributed.scopeName, grammar.scopeName);
  assert.equal(path.resolve(REPOSITORY_ROOT, contributed.path), grammarFile);
  const channel = fs.readFileSync(path.join(REPOSITORY_ROOT, 'client', 'src', 'logChannel.ts'), 'utf8');
  assert.match(channel, /LOG_LANGUAGE = 'go-escape-lens-log'/);
  assert.match(channel, /createOutputChannel\(name, LOG_LANGUAGE\)/);
  const extension = fs.readFileSync(path.join(REPOSITORY_ROOT, 'client', 'src', 'extension.ts'), 'utf8');
  assert.match(extension, /const outputChannel = createLogChannel\('Go Escape Lens'\)/);
});

test("a heap fact line: level, position (file, line, column), and the compiler's phrase", () => {
  const line = '[Info  - 10:01:02 AM] /home/me/app/pointers/pointers.go:10:9: &Point{...} escapes to heap — returned';
  assert.equal(scopeOf(line, 'Info'), 'comment.line.level.go-escape-lens-log');
  assert.equal(scopeOf(line, '10:01:02 AM'), 'comment.line.timestamp.go-escape-lens-log');
  assert.equal(scopeOf(line, '/home/me/app/pointers/pointers.go'), 'entity.name.filename.go-escape-lens-log');
  assert.equal(scopeOf(line, '10'), 'constant.numeric.line.go-escape-lens-log');
  assert.equal(scopeOf(line, '9'), 'constant.numeric.column.go-escape-lens-log');
  assert.equal(scopeOf(line, 'escapes to heap'), 'keyword.other.heap.go-escape-lens-log');
});

test('an explanation line: flow, locations and the reason word', () => {
  const line = './config.go:27:21:     from config (interface-converted) at ./config.go:28:14';
  assert.equal(scopeOf(line, 'interface-converted'), 'entity.name.tag.reason.go-escape-lens-log');
  const flow = './config.go:27:21:   flow: {heap} ← *fmt.a:';
  assert.equal(scopeOf(flow, 'flow:'), 'keyword.operator.flow.go-escape-lens-log');
  assert.equal(scopeOf(flow, '{heap}'), 'variable.language.location.go-escape-lens-log');
  assert.equal(scopeOf(flow, '←'), 'keyword.operator.flow.go-escape-lens-log');
});

test('leaks, stack facts, inlining, counts and failures', () => {
  assert.equal(scopeOf('./iface.go:14:7: leaking param content: b', 'leaking param content'), 'keyword.other.leak.go-escape-lens-log');
  assert.equal(scopeOf('./sizes.go:19:11: make([]byte, n) does not escape', 'does not escape'), 'markup.inserted.stack.go-escape-lens-log');
  const inline = './config.go:26:6: cannot inline SetupServer: function too complex: cost 98 exceeds budget 80';
  assert.equal(scopeOf(inline, 'cannot inline'), 'support.function.inline.go-escape-lens-log');
  assert.equal(scopeOf(inline, 'cost 98'), 'constant.numeric.cost.go-escape-lens-log');
  assert.equal(scopeOf(inline, 'budget 80'), 'constant.numeric.cost.go-escape-lens-log');
  assert.equal(
    scopeOf('[Info  - 1:02:03 PM] pointers: 3 heap allocations (go 412 ms, parsed 0.1 MB in 3 ms)', '3 heap allocations'),
    'constant.numeric.count.go-escape-lens-log',
  );
  const failure = '[Error - 1:02:03 PM] Go Escape Lens: analysis of main.go failed: boom';
  assert.equal(scopeOf(failure, 'Error'), 'invalid.illegal.error.go-escape-lens-log');
  assert.equal(scopeOf(failure, 'failed'), 'invalid.illegal.failure.go-escape-lens-log');
});
