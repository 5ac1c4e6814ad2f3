/**
 * Line origins across fixes: a rewritten line keeps its place, an import block that grows shifts the lines
 * after it, and lines a fix adds come from nowhere.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { followEdit, initialOrigins } from '../../server/src/fixes/lineOrigins';

const original = 'package p\n\nimport "fmt"\n\nfunc f() string { return fmt.Sprint(1) }\n\nfunc g() {}\n';

test('a rewrite on one line and an import that becomes a block', () => {
  const fixed = 'package p\n\nimport (\n\t"fmt"\n\t"strconv"\n)\n\nfunc f() string { return strconv.Itoa(1) }\n\nfunc g() {}\n';
  const origins = followEdit(initialOrigins(original), original, fixed);
  assert.equal(origins.length, 10);
  assert.equal(origins[7], 5, 'the rewritten call stays on the line it came from');
  assert.equal(origins[9], 7);
  assert.deepEqual(origins.slice(3, 6), [undefined, undefined, undefined]);
});

test('two rounds: the second edit is followed from the first one’s result', () => {
  const first = original.replace('fmt.Sprint(1)', 'strconv.Itoa(1)').replace('"fmt"', '"strconv"');
  const second = first.replace('func g() {}', 'func g() {\n\t_ = 1\n}');
  const origins = followEdit(followEdit(initialOrigins(original), original, first), first, second);
  assert.deepEqual(origins, [1, 2, 3, 4, 5, 6, 7, undefined, undefined]);
});
