/**
 * The compiler's invented names said in the user's terms. The expressions are the compiler's own (gin's
 * basic-auth challenge, fasthttp's `string(a.QueryString())` and `ctx.LocalAddr()`); the placed texts are
 * the source ranges the locator puts those facts on. test/lsp/firstRun.test.ts checks the same with the
 * real compiler end to end.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expressionInUserTerms, expressionMarkdown, inWords, resultWords } from '../../server/src/features/userTerms';

test('an expression the compiler wrote with an inlined result reads as the source it is placed on', () => {
  assert.equal(
    expressionInUserTerms('"Basic realm=" + ~r0', { text: '"Basic realm=" + strconv.Quote(realm)', isCall: false }),
    '"Basic realm=" + strconv.Quote(realm)',
  );
  assert.equal(
    expressionInUserTerms('"invalid character " + ~r0 + " in host name"', {
      text: '"invalid character " +\n\t\tstrconv.Quote(string(e)) + " in host name"',
      isCall: false,
    }),
    '"invalid character " + strconv.Quote(string(e)) + " in host name"',
  );
});

test('a result placed on the inlined call is "the result of" that call, and stands for it inside a conversion', () => {
  assert.equal(expressionInUserTerms('~r0', { text: 'ctx.LocalAddr()', isCall: true }), 'the result of ctx.LocalAddr()');
  assert.equal(expressionInUserTerms('string(~r0)', { text: 'a.QueryString()', isCall: true }), 'string(a.QueryString())');
  assert.equal(expressionInUserTerms('make([]byte, ~r0)', { text: 'b.Len()', isCall: true }), 'make([]byte, b.Len())');
});

test('without a source that says it, the invented names become words', () => {
  assert.equal(expressionInUserTerms('~r0'), 'the result of an inlined call');
  assert.equal(expressionInUserTerms('~r0', { text: 'x', isCall: false }), 'the result of an inlined call');
  assert.equal(inWords('.autotmp_6'), 'a temporary');
  assert.equal(inWords('{storage for &Point{...}}'), 'the storage for &Point{...}');
  assert.equal(inWords('{storage for func literal}'), 'the closure');
  assert.equal(inWords('{heap}'), 'the heap');
  assert.equal(inWords('int(.autotmp_6)'), 'int((a temporary))');
  assert.equal(inWords('string(~r0)'), 'string((the result of an inlined call))');
});

test('an expression that names nothing invented is left as the compiler wrote it', () => {
  assert.equal(expressionInUserTerms('&Point{...}', { text: '&Point{X: x, Y: y}', isCall: false }), '&Point{...}');
  assert.equal(inWords('make([]byte, n)'), 'make([]byte, n)');
});

test('a long source is abbreviated, and Markdown keeps words out of code spans', () => {
  const call = `f(${'a, '.repeat(40)}b)`;
  const shown = expressionInUserTerms('~r0', { text: call, isCall: true });
  assert.ok(shown.length <= 'the result of '.length + 80, shown);
  assert.ok(shown.endsWith('…'));
  assert.equal(expressionMarkdown('~r0'), 'the result of an inlined call');
  assert.equal(expressionMarkdown('s.nextProtos'), '`s.nextProtos`');
  assert.equal(resultWords('~r0'), 'the result');
  assert.equal(resultWords('~r1'), 'result 2');
});
