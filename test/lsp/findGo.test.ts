/**
 * An editor launched from a desktop, whose environment has no Go on PATH and no GOROOT, and no goPath
 * setting: the server finds go as the Go extension does, analyses with it, and says once which go it used.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { desktopLaunch } from '../helpers/desktopLaunch';
import { requireGo } from '../helpers/goOracle';
import { LspTestClient, REPOSITORY_ROOT } from '../helpers/lspClient';

const ARTICLE = path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'article');

test('no go on PATH, no GOROOT, no goPath: the compiler’s facts appear and the log names the go found', async () => {
  requireGo();
  const launch = desktopLaunch();
  const client = await LspTestClient.start(ARTICLE, { env: launch.env });
  try {
    const pointers = path.join(ARTICLE, 'pointers', 'pointers.go');
    const closures = path.join(ARTICLE, 'closures', 'closures.go');
    const published = client.nextDiagnostics(pathToFileURL(pointers).href, (params) => params.diagnostics.length > 0);
    const second = client.nextDiagnostics(pathToFileURL(closures).href, (params) => params.diagnostics.length > 0);
    await client.open(pointers);
    const { diagnostics } = await published;
    assert.ok(
      diagnostics.every((diagnostic) => (diagnostic.data as { predicted?: boolean } | undefined)?.predicted !== true),
      'the compiler ran',
    );
    assert.deepEqual(
      diagnostics.map((diagnostic) => diagnostic.range.start.line + 1),
      [10, 31, 40],
    );
    await client.open(closures);
    await second;
    const used = client.logs.filter((line) => line.startsWith('Using '));
    assert.equal(used.length, 1, `said once, not per package: ${used.join(' | ')}`);
    assert.ok(used[0].startsWith(`Using ${launch.goBinary} (go`), used[0]);
    assert.match(used[0], launch.foundWhere);
  } finally {
    await client.stop();
  }
});
