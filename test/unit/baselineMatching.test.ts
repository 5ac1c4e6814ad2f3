/**
 * Matching allocations across versions of the code: by package, function, kind and expression, counted as
 * a multiset, with renames recognised by shape. test/integration/baselineMatching.test.ts runs the real
 * compiler on two versions of a package and checks what the CLI's matching calls new.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type AllocationIdentity, expressionShape, matchAgainstBaseline } from '../../server/src/check/baselineMatching';

const fact = (fn: string, kind: string, expression: string, pkg = 'example.com/m'): AllocationIdentity => ({
  package: pkg,
  function: fn,
  kind,
  expression,
});

test('the same allocations in another order, at other lines, are all known', () => {
  const baseline = [fact('F', 'escape', '&Point{...}'), fact('G', 'moved', 'x'), fact('H', 'escape', 'make([]int, n)')];
  const current = [baseline[2], baseline[0], baseline[1]];
  const { known, added } = matchAgainstBaseline(current, baseline);
  assert.equal(known.length, 3);
  assert.deepEqual(added, []);
});

test('a second identical allocation in the same function is new: matching counts', () => {
  const baseline = [fact('F', 'escape', '&Point{...}')];
  const current = [fact('F', 'escape', '&Point{...}'), fact('F', 'escape', '&Point{...}')];
  const { known, added } = matchAgainstBaseline(current, baseline);
  assert.equal(known.length, 1);
  assert.equal(added.length, 1);
});

test('the same allocation in another function, package or of another kind is new', () => {
  const baseline = [fact('F', 'escape', '&Point{...}')];
  for (const moved of [
    fact('G', 'escape', '&Point{...}'),
    fact('F', 'moved', '&Point{...}'),
    fact('F', 'escape', '&Point{...}', 'example.com/other'),
  ]) {
    assert.deepEqual(matchAgainstBaseline([moved], baseline).added, [moved]);
  }
});

test('a renamed variable is the same allocation; a different construct in its place is not', () => {
  const baseline = [fact('F', 'moved', 'buf'), fact('F', 'escape', 'make([]byte, n)')];
  const renamed = [fact('F', 'moved', 'buffer'), fact('F', 'escape', 'make([]byte, size)')];
  assert.deepEqual(matchAgainstBaseline(renamed, baseline).added, []);

  const different = [fact('F', 'moved', 'buf'), fact('F', 'escape', 'new(T)')];
  assert.deepEqual(matchAgainstBaseline(different, baseline).added, [different[1]]);
});

test('a rename is only recognised where the baseline has an allocation left over to pair it with', () => {
  const baseline = [fact('F', 'moved', 'a')];
  const current = [fact('F', 'moved', 'a'), fact('F', 'moved', 'b')];
  assert.deepEqual(matchAgainstBaseline(current, baseline).added, [current[1]]);
});

test('expression shapes keep Go keywords and builtins and blank every other name', () => {
  assert.equal(expressionShape('make([]byte, n)'), 'make([]byte, _)');
  assert.equal(expressionShape('&Point{...}'), '&_{...}');
  assert.equal(expressionShape('func literal'), 'func literal');
  assert.equal(expressionShape('&Box[go.shape.int_0]{...}'), '&_[go._._]{...}');
  assert.equal(expressionShape('string(héllo)'), 'string(_)');
});

test('property: the number of new allocations does not depend on order, and covers what the baseline lacks', () => {
  const identity = fc.record({
    package: fc.constantFrom('a', 'b'),
    function: fc.constantFrom('F', 'G', '(*T).M'),
    kind: fc.constantFrom('escape', 'moved'),
    expression: fc.constantFrom('x', 'y', '&T{...}', 'make([]int, n)', 'new(int)'),
  });
  fc.assert(
    fc.property(fc.array(identity, { maxLength: 12 }), fc.array(identity, { maxLength: 12 }), fc.integer(), (current, baseline, seed) => {
      const shuffled = [...current].sort(() => ((seed = (seed * 1103515245 + 12345) | 0) & 1 ? 1 : -1));
      const first = matchAgainstBaseline(current, baseline);
      const second = matchAgainstBaseline(shuffled, [...baseline].reverse());
      assert.equal(first.added.length, second.added.length);
      assert.equal(first.known.length + first.added.length, current.length);
      assert.ok(first.added.length >= current.length - baseline.length);
      assert.deepEqual(matchAgainstBaseline(current, current).added, []);
    }),
  );
});
