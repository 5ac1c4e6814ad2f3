/**
 * What the fact must say before a zero-size value is claimed to cost nothing: the integration test holds the
 * real compiler's facts against measurements; these are the shapes a real fixture does not produce.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LocatedFact } from '../../server/src/model/analysis';
import type { EscapeFact, Flow } from '../../server/src/model/facts';
import { isZeroSizeBoxing } from '../../server/src/features/zeroSizeBoxing';

const SPILLED = (expression: string): Flow => ({
  destination: '{heap}',
  source: `&{storage for ${expression}}`,
  steps: [{ expression, reason: 'spill', position: null }],
});

function located(expression: string, flows: readonly Flow[], kind: EscapeFact['kind'] = 'escape'): LocatedFact {
  const fact: EscapeFact = { kind, position: { file: '/m/p.go', line: 1, byteColumn: 1 }, expression, flows, compilerText: [] };
  return { fact, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, nodeType: 'composite_literal' };
}

test('the known zero-size literals spilled into an interface are claimed', () => {
  for (const expression of ['context.backgroundCtx{}', 'context.todoCtx{}', 'struct {}{}']) {
    assert.ok(isZeroSizeBoxing(located(expression, [SPILLED(expression)])), expression);
  }
});

test('without the spill to interface storage, another kind of fact or another type, nothing is claimed', () => {
  assert.ok(!isZeroSizeBoxing(located('struct {}{}', [])), 'no flow');
  assert.ok(!isZeroSizeBoxing(located('struct {}{}', [SPILLED('other{}')])), 'another storage');
  assert.ok(!isZeroSizeBoxing(located('struct {}{}', [SPILLED('struct {}{}')], 'moved')), 'moved');
  // Empty braces alone say nothing of the size: a map type, structs with fields, a map of empty structs.
  for (const expression of ['table{}', 'pair{}', 'context.valueCtx{}', 'struct { x int }{}', 'map[string]struct {}{}']) {
    assert.ok(!isZeroSizeBoxing(located(expression, [SPILLED(expression)])), expression);
  }
});
