/**
 * Which verdicts went as far as `go vet`: only those time the lightbulb's wait, since a verification that
 * stops after the compile takes about half as long. A refusal is vet's when the verdict says `byVet`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { askedVet, verdictWords } from '../../server/src/fixes/verifyFix';

test('vet was asked about removals, unvetted verdicts say so, and a break is vet’s only when it says byVet', () => {
  assert.equal(askedVet({ outcome: 'removes', before: 3, after: 2 }), true);
  assert.equal(askedVet({ outcome: 'noGain', before: 3, after: 3 }), true);
  assert.equal(askedVet({ outcome: 'noGain', before: 3, after: 3, vetSkipped: true }), false);
  assert.equal(askedVet({ outcome: 'adds', before: 3, after: 4, vetSkipped: true }), false);
  assert.equal(
    askedVet({ outcome: 'breaks', reason: 'go vet: p.go: printf call has arguments but no formatting directives', byVet: true }),
    true,
  );
  assert.equal(askedVet({ outcome: 'breaks', reason: '&Counter{} is still on the heap: something else keeps it' }), false);
  assert.equal(askedVet({ outcome: 'breaks', reason: 'p.go:3:9: undefined: x' }), false);
  assert.equal(verdictWords({ outcome: 'breaks', reason: 'x is still on the heap' }), 'not offered: x is still on the heap');
  assert.equal(
    verdictWords({ outcome: 'noGain', before: 3, after: 3, vetSkipped: true }),
    'builds (vet not asked); heap allocations 3 → 3',
  );
  // A loop rewrite whose count rose is offered all the same ("not measured"): the words do not say otherwise.
  assert.equal(verdictWords({ outcome: 'adds', before: 3, after: 4 }), 'builds and passes vet; heap allocations 3 → 4');
});
