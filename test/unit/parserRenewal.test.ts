/**
 * The tree-sitter runtime is renewed after a large source, so its grown WebAssembly memory can be given back;
 * parsing goes on with a fresh runtime and gives the same trees.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LARGE_SOURCE_CHARACTERS, loadGoParser, releaseParserMemory, withGoTree } from '../../server/src/syntax/goParser';
import { goMatches } from '../../server/src/syntax/goQueries';

const SMALL = 'package p\n\nfunc F() *int { v := 1; return &v }\n';

test('a small parse keeps the runtime; a large one lets it go, and the next parse loads a fresh one', async () => {
  const before = await withGoTree(SMALL, (tree) => tree.rootNode.toString());
  const functionsBefore = await withGoTree(SMALL, (tree) => goMatches('functions', tree.rootNode).length);
  assert.ok(functionsBefore > 0);
  releaseParserMemory();
  const first = await loadGoParser();
  await withGoTree(SMALL, () => undefined);
  assert.equal(releaseParserMemory(), false, 'nothing large was parsed');
  assert.equal(await loadGoParser(), first);

  const large = `package p\n\n${'var _ = []int{1, 2, 3}\n'.repeat(Math.ceil(LARGE_SOURCE_CHARACTERS / 20))}`;
  assert.equal(await withGoTree(large, (tree) => tree.rootNode.hasError), false);
  assert.equal(releaseParserMemory(), true);
  const renewed = await loadGoParser();
  assert.notEqual(renewed, first, 'a new runtime');
  assert.equal(await withGoTree(SMALL, (tree) => tree.rootNode.toString()), before);
  // Queries are compiled again for the new runtime's language: the old ones belong to the old memory.
  assert.deepEqual(await withGoTree(SMALL, (tree) => goMatches('functions', tree.rootNode).length), functionsBefore);
});
