/**
 * The reason table: each translation says what the compiler means, one test per reason.
 * test/integration/reasonText.test.ts checks that every reason the installed compiler can print has one.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EscapeFact } from '../../server/src/model/facts';
import { headlineReason, REASONS, reasonText } from '../../server/src/features/reasonText';

/** What each translation must say: a phrase of its sentence, checked case-insensitively. */
const EXPECTED: Record<string, { short: RegExp; sentence: RegExp }> = {
  'address-of': { short: /address/, sentence: /address is taken/ },
  assign: { short: /assigned/, sentence: /assigned to a variable/ },
  'assign-pair': { short: /assigned/, sentence: /multiple assignment|inlined call/ },
  return: { short: /returned/, sentence: /returned to the caller.*outlive/ },
  'call parameter': { short: /passed to a function/, sentence: /passed to a function/ },
  'interface-converted': { short: /interface/, sentence: /converted to an interface value/ },
  'captured by a closure': { short: /closure/, sentence: /closure that may run after this function returns/ },
  send: { short: /channel/, sentence: /sent on a channel: another goroutine may use it after this function returns/ },
  'too large for stack': { short: /too large/, sentence: /^too large for the stack$/ },
  'non-constant size': { short: /size/, sentence: /^the size is not known at compile time$/ },
  spill: { short: /spill/, sentence: /temporary/ },
  reference: { short: /referenced/, sentence: /address/ },
  indirection: { short: /dereferenced/, sentence: /through a pointer/ },
  'dot of pointer': { short: /pointer/, sentence: /field through a pointer/ },
  dot: { short: /field/, sentence: /field/ },
  'dot-equals': { short: /field/, sentence: /stored in a field/ },
  slice: { short: /sliced/, sentence: /slice points at it/ },
  'slice-element': { short: /slice/, sentence: /element of a slice/ },
  'slice-literal-element': { short: /slice literal/, sentence: /slice literal/ },
  'array-element': { short: /array/, sentence: /element of an array/ },
  'struct literal element': { short: /struct/, sentence: /field of a struct literal/ },
  'map literal key': { short: /map key/, sentence: /key in a map literal/ },
  'map literal value': { short: /map/, sentence: /value in a map literal/ },
  range: { short: /ranged/, sentence: /ranged over/ },
  'range-deref': { short: /pointer/, sentence: /through a pointer/ },
  'defer func': { short: /deferred/, sentence: /deferred call/ },
  'defer func arg': { short: /deferred/, sentence: /deferred call, which runs later/ },
  'go func': { short: /goroutine/, sentence: /goroutine that may outlive/ },
  'go func arg': { short: /goroutine/, sentence: /goroutine that may outlive/ },
  'call receiver': { short: /receiver/, sentence: /receiver of a method call/ },
  'call function': { short: /called/, sentence: /function value/ },
  'closure-var': { short: /closure/, sentence: /closure/ },
  'copied value': { short: /copied/, sentence: /copied/ },
  star: { short: /dereferenced/, sentence: /`\*`/ },
  'star-dot-equals': { short: /through a pointer/, sentence: /field through a pointer/ },
  'star-equals': { short: /through a pointer/, sentence: /through a pointer/ },
  'key of map put': { short: /map key/, sentence: /key of a map assignment/ },
  'value of map put': { short: /map/, sentence: /value in a map/ },
  'appended to slice': { short: /appended/, sentence: /appended to a slice/ },
  'appendee slice': { short: /appended to/, sentence: /slice being appended to/ },
  'switch case': { short: /switch/, sentence: /type switch/ },
  panic: { short: /panic/, sentence: /`panic`/ },
  'array literal element': { short: /array/, sentence: /array literal/ },
  'assign-pair-dot-type': { short: /type assertion/, sentence: /x\.\(T\)/ },
  'assign-pair-mapr': { short: /map read/, sentence: /m\[k\]/ },
  'assign-pair-receive': { short: /received/, sentence: /<-ch/ },
  'callee operand': { short: /function value/, sentence: /function value being called/ },
  'call argument': { short: /argument/, sentence: /argument of a call/ },
  'conversion to unsafe.Pointer': { short: /unsafe\.Pointer/, sentence: /must assume the pointer is kept/ },
  'copied slice': { short: /copied/, sentence: /`copy`/ },
  'appended slice...': { short: /appended/, sentence: /append\(s, other\.\.\.\)/ },
  'fixed-array-index-of': { short: /indexed/, sentence: /element of an array/ },
  'slice-to-array': { short: /array/, sentence: /from a slice to an array/ },
  'reflect.Header.Data': { short: /reflect/, sentence: /`Data` field/ },
  '//go:uintptrescapes': { short: /uintptr/, sentence: /go:uintptrescapes/ },
  'too aligned for stack': { short: /aligned/, sentence: /aligned more strictly than the stack/ },
  'zero-sized element': { short: /zero-sized/, sentence: /zero-sized elements/ },
};

for (const [reason, text] of Object.entries(REASONS)) {
  test(`reason "${reason}" is translated into plain words`, () => {
    const expected = EXPECTED[reason];
    assert.ok(expected, `add an expectation for "${reason}" to this test`);
    assert.match(text.short, expected.short);
    assert.match(text.sentence, expected.sentence);
    assert.ok(text.sentence.length >= text.short.length, 'the sentence explains at least as much as the short form');
    assert.deepEqual(reasonText(reason), text);
  });
}

test("an unknown reason is shown in the compiler's words rather than dropped", () => {
  assert.deepEqual(reasonText('some new reason'), { short: 'some new reason', sentence: 'some new reason' });
});

test('the headline is the reason that best answers why, not the first bookkeeping step', () => {
  const fact = (...reasons: string[]): EscapeFact => ({
    kind: 'escape',
    position: { file: '/m/a.go', line: 1, byteColumn: 1 },
    expression: 'x',
    flows: [{ destination: '{heap}', source: 'x', steps: reasons.map((reason) => ({ expression: 'x', reason, position: null })) }],
    compilerText: [],
  });
  assert.equal(headlineReason(fact('spill', 'assign', 'send')), 'send');
  assert.equal(headlineReason(fact('spill', 'assign', 'interface-converted', 'call parameter')), 'interface-converted');
  assert.equal(headlineReason(fact('spill', 'return')), 'return');
  assert.equal(headlineReason(fact('too large for stack')), 'too large for stack');
  assert.equal(headlineReason(fact('spill')), undefined);
});
