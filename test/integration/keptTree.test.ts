/**
 * The compact form the server keeps a workspace package's tree in gives back exactly the tree it was
 * built from, and the top level's row it computes from counts alone is the row the full tree shows, for
 * every combination of annotations. On real compiler output with every kind of site.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { AnalysisService } from '../../server/src/analysisService';
import { escapeTree, packagesOnly, shownTree } from '../../server/src/features/escapeTree';
import { expandKeptTree, keepTree, keptTreeRow } from '../../server/src/features/keptTree';
import { runGo } from '../../server/src/engine/runGo';
import type { EscapeTreePackageWithFiles } from '../../server/src/protocol';
import { requireGo } from '../helpers/goOracle';

const FIXTURES = path.join(__dirname, '..', 'fixtures');
const ALL = { escape: true, inline: true, bounds: true, nil: true };

async function treeOf(directory: string): Promise<EscapeTreePackageWithFiles> {
  const service = new AnalysisService({ runGo, skipLinkTool: null, parallelism: 1 });
  const result = await service.analyseDirectory(directory, { goBinary: 'go', buildFlags: [], env: {}, annotations: ALL });
  assert.equal(result?.analysis.status, 'ok', result?.analysis.message);
  const [node] = await escapeTree([result!], (file) => pathToFileURL(file).href);
  assert.ok(node, `${directory} has no sites`);
  return node;
}

for (const relative of ['annotations/mixed', 'annotations/nilchecks', 'article/closures', 'article/pointers']) {
  test(`${relative}: the kept tree expands to the tree it was kept from, and its row is the full tree's`, async () => {
    requireGo();
    const node = await treeOf(path.join(FIXTURES, relative));
    const kept = keepTree(node);
    assert.deepEqual(expandKeptTree(kept), node);
    for (const escapes of [true, false]) {
      for (const bounds of [true, false]) {
        for (const nil of [true, false]) {
          const annotations = { escape: escapes, inline: false, bounds, nil };
          const [row] = packagesOnly(shownTree([node], () => annotations));
          assert.deepEqual(keptTreeRow(kept, annotations), row, JSON.stringify(annotations));
        }
      }
    }
  });
}

test('the fixtures above have every kind of site, and sites with a reason', async () => {
  requireGo();
  const sites = (
    await Promise.all(
      ['annotations/mixed', 'annotations/nilchecks', 'article/closures'].map((relative) => treeOf(path.join(FIXTURES, relative))),
    )
  ).flatMap((node) => node.files.flatMap((file) => file.functions.flatMap((entry) => entry.sites)));
  assert.deepEqual([...new Set(sites.map((site) => site.kind))].sort(), ['bounds', 'escape', 'moved', 'nil']);
  assert.ok(sites.some((site) => site.reason !== undefined));
});
