/**
 * Budget directives read from Go source: where they attach, what they accept, and that every comment that
 * looks like a directive but is not a valid one is reported rather than ignored.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { type FileDirectives, functionAtLine, readDirectives } from '../../server/src/syntax/directives';
import { toSourceText } from '../../server/src/syntax/positions';

const read = (text: string) => readDirectives(toSourceText(text));

function budgetsOf(directives: FileDirectives): Record<string, string> {
  return Object.fromEntries(directives.functions.filter((fn) => fn.budget).map((fn) => [fn.name, fn.budget!.text]));
}

function problemLines(directives: FileDirectives): Array<[number, string]> {
  return directives.problems.map((problem) => [problem.range.start.line, problem.text]);
}

test('//escape:none and //escape:max N attach to the func declaration directly below, after its doc text', async () => {
  const directives = await read(`package p

// Sum adds.
//
//escape:none
func Sum(xs []int) int { return 0 }

//escape:max 2
// Pair makes two.
func Pair() {}

func Free() {}
`);
  assert.deepEqual(budgetsOf(directives), { Sum: '//escape:none', Pair: '//escape:max 2' });
  const sum = directives.functions.find((fn) => fn.name === 'Sum')!;
  assert.equal(sum.budget!.max, 0);
  assert.deepEqual(sum.nameRange, { start: { line: 5, character: 5 }, end: { line: 5, character: 8 } });
  assert.equal(directives.functions.find((fn) => fn.name === 'Pair')!.budget!.max, 2);
  assert.deepEqual(directives.problems, []);
});

test('methods are named as the compiler names them, type parameters dropped', async () => {
  const directives = await read(`package p

type Buffer struct{}
type Box[T any] struct{ v T }

//escape:none
func (b *Buffer) Grow(n int) {}

func (b Buffer) Len() int { return 0 }

func (b *Box[T]) Set(v T) { b.v = v }

func (b Box[T]) Get() T { return b.v }

func (*Buffer) Reset() {}
`);
  assert.deepEqual(
    directives.functions.map((fn) => fn.name),
    ['(*Buffer).Grow', 'Buffer.Len', '(*Box).Set', 'Box.Get', '(*Buffer).Reset'],
  );
  assert.deepEqual(budgetsOf(directives), { '(*Buffer).Grow': '//escape:none' });
});

test('//escape:ok accepts the line it ends, or when alone on its line, the next line of code', async () => {
  const directives = await read(`package p

func F(n int) ([]int, []int) {
	a := make([]int, n) //escape:ok the caller owns it
	//escape:ok  pooled by the caller
	// (a second comment line does not matter)
	b := make([]int, n)
	return a, b
}
`);
  assert.deepEqual(
    [...directives.accepted.values()].map((accepted) => [accepted.line, accepted.reason]),
    [
      [3, 'the caller owns it'],
      [6, 'pooled by the caller'],
    ],
  );
  assert.deepEqual(directives.problems, []);
});

test('malformed, unknown and misplaced directives are each reported with the comment as written', async () => {
  const directives = await read(`package p

//escape:max
func A() {}

//escape:max two
func B() {}

//escape:max -1
func C() {}

//escape:nothing
func D() {}

//escape:none please
func E() {}

//escape:none

func Detached() {}

// escape:none
func Spaced() {}

//escape:none
//escape:max 3
func Twice() {}

func G(x int) int {
	//escape:none
	y := x //escape:ok
	return y //escape:max 1
}

//escape:none
type T struct{}
`);
  assert.deepEqual(problemLines(directives), [
    [2, '//escape:max'],
    [5, '//escape:max two'],
    [8, '//escape:max -1'],
    [11, '//escape:nothing'],
    [14, '//escape:none please'],
    [17, '//escape:none'],
    [21, '// escape:none'],
    [25, '//escape:max 3'],
    [29, '//escape:none'],
    [30, '//escape:ok'],
    [31, '//escape:max 1'],
    [34, '//escape:none'],
  ]);
  const messages = directives.problems.map((problem) => problem.message);
  assert.match(messages[0], /needs a number/);
  assert.match(messages[3], /unknown directive \/\/escape:nothing/);
  assert.match(messages[4], /takes no argument/);
  assert.match(messages[5], /directly above a func declaration/);
  assert.match(messages[6], /without a space/);
  assert.match(messages[7], /already has a budget \(\/\/escape:none\)/);
  assert.match(messages[9], /needs a reason/);
  // Only the first of the two budgets on Twice counts; none of the broken ones gives a budget.
  assert.deepEqual(budgetsOf(directives), { Twice: '//escape:none' });
  assert.equal(directives.accepted.size, 0);
});

test('comments that merely mention escape analysis, and directives inside strings, are not directives', async () => {
  const directives = await read(`package p

// The escape: analysis of this function is boring.
// escapes to heap: not a directive either
//escaped
func F() string {
	return "//escape:none"
}
`);
  assert.deepEqual(directives.problems, []);
  assert.deepEqual(budgetsOf(directives), {});
});

test('a CRLF file with a byte-order mark reads the same as an LF one', async () => {
  const lf = `package p

//escape:max 1
func F(n int) []int {
	return make([]int, n) //escape:ok returned to the caller
}
`;
  const crlf = `\uFEFF${lf.replace(/\n/g, '\r\n')}`;
  const [fromLf, fromCrlf] = [await read(lf), await read(crlf)];
  assert.deepEqual(budgetsOf(fromCrlf), { F: '//escape:max 1' });
  assert.deepEqual(
    [...fromCrlf.accepted.values()].map((item) => [item.line, item.reason]),
    [[4, 'returned to the caller']],
  );
  assert.deepEqual(fromCrlf.functions, fromLf.functions);
  assert.deepEqual(fromCrlf.problems, []);
});

test('functionAtLine finds the declaration spanning a line, and none between declarations', async () => {
  const directives = await read(`package p

var global = new(int)

func F() {
	_ = 1
}

func G() {}
`);
  assert.equal(functionAtLine(directives, 2), undefined);
  assert.equal(functionAtLine(directives, 4)?.name, 'F');
  assert.equal(functionAtLine(directives, 5)?.name, 'F');
  assert.equal(functionAtLine(directives, 6)?.name, 'F');
  assert.equal(functionAtLine(directives, 7), undefined);
  assert.equal(functionAtLine(directives, 8)?.name, 'G');
});

test('the TextMate injection grammar marks valid exactly what the parser accepts', async () => {
  const grammar = JSON.parse(
    fs.readFileSync(path.join(__dirname, '..', '..', 'syntaxes', 'escape-directives.injection.tmLanguage.json'), 'utf8'),
  ) as { injectionSelector: string; patterns: Array<{ name: string; match: string }> };
  assert.equal(grammar.injectionSelector, 'L:comment.line.double-slash.go');
  const valid = grammar.patterns
    .filter((pattern) => pattern.name === 'meta.directive.escape.go')
    .map((pattern) => new RegExp(pattern.match));
  const invalid = new RegExp(grammar.patterns.find((pattern) => pattern.name.startsWith('invalid.'))!.match);

  const comments = [
    '//escape:none',
    '//escape:none please',
    '//escape:max 2',
    '//escape:max',
    '//escape:max two',
    '//escape:max -1',
    '//escape:ok the caller owns it',
    '//escape:ok',
    '//escape:ok   ',
    '//escape:nothing',
    '//escape:',
    '//escape:bounds none',
    '//escape:bounds max 3',
    '//escape:bounds',
    '//escape:bounds max',
    '//escape:bounds max x',
    '//escape:bounds none 1',
    '//escape:bounds some',
    '//escape:allocs 2',
    '//escape:allocs',
    '//escape:allocs two',
    '//escape:allocs 2 3',
  ];
  for (const comment of comments) {
    // Budgets above a function, `ok` at the end of a line of code, `allocs` above a benchmark: where each
    // one is valid.
    const source = comment.startsWith('//escape:ok')
      ? `package p\n\nfunc F() {\n\t_ = 1 ${comment}\n}\n`
      : comment.startsWith('//escape:allocs')
        ? `package p\n\nimport "testing"\n\n${comment}\nfunc BenchmarkF(b *testing.B) {}\n`
        : `package p\n\n${comment}\nfunc F() {}\n`;
    const parsedValid = (await read(source)).problems.length === 0;
    const line = source.split('\n').find((text) => text.includes(comment))!;
    const highlightedValid = valid.some((regex) => regex.test(line));
    assert.equal(highlightedValid, parsedValid, `${comment}: grammar says ${highlightedValid ? 'valid' : 'invalid'}`);
    assert.equal(invalid.test(line), true, `${comment}: the fallback pattern covers every //escape: comment`);
  }
});
