/**
 * A fresh clone whose modules are not in the module cache (an empty GOMODCACHE): the server names the
 * missing modules plainly, offers "Download dependencies", downloads only on that click, with the user's
 * own GOPROXY (here a file:// proxy the test builds, so no network), and then shows the compiler's facts.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ShowMessageRequest, type ShowMessageRequestParams } from 'vscode-languageserver-protocol';
import { heapFactsFromCompiler, requireGo } from '../helpers/goOracle';
import { LspTestClient, REPOSITORY_ROOT } from '../helpers/lspClient';
import { makeFileModuleProxy } from '../helpers/moduleProxy';

const FIXTURE = path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'missingmodules');
let scratch: string;
let app: string;
let env: NodeJS.ProcessEnv;

before(() => {
  requireGo();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'gel-missing-modules-'));
  app = path.join(scratch, 'app');
  fs.cpSync(path.join(FIXTURE, 'app'), app, { recursive: true });
  const proxy = makeFileModuleProxy(path.join(scratch, 'proxy'), [
    { path: 'example.com/heapdep', version: 'v1.0.0', directory: path.join(FIXTURE, 'heapdep') },
  ]);
  // The user's own settings: an empty module cache, and the proxy they download from.
  env = { ...process.env, GOMODCACHE: path.join(scratch, 'modcache'), GOPROXY: proxy, GOSUMDB: 'off', GOFLAGS: '' };
});

after(() => {
  // The module cache is read-only by design; the go command knows how to remove it.
  spawnSync('go', ['clean', '-modcache'], { env });
  fs.rmSync(scratch, { recursive: true, force: true });
});

test('missing modules: a plain message, Download dependencies on click, then the squiggles', async () => {
  const client = await LspTestClient.start(app, { env });
  const offers: ShowMessageRequestParams[] = [];
  let answer: ((params: ShowMessageRequestParams) => void) | undefined;
  const offered = new Promise<ShowMessageRequestParams>((resolve) => {
    answer = resolve;
  });
  let click: (choice: { title: string } | null) => void = () => undefined;
  const clicked = new Promise<{ title: string } | null>((resolve) => {
    click = resolve;
  });
  client.connection.onRequest(ShowMessageRequest.type, async (params) => {
    offers.push(params);
    answer?.(params);
    return clicked;
  });
  try {
    const file = path.join(app, 'app.go');
    const uri = pathToFileURL(file).href;
    const paused = client.nextStatus((status) => status.state === 'paused');
    await client.open(file);
    const status = await paused;
    assert.equal(status.message, '1 module this package needs is not in the module cache: example.com/heapdep v1.0.0.');
    const offer = await offered;
    assert.match(offer.message, /1 module this package needs is not in the module cache: example\.com\/heapdep v1\.0\.0/);
    assert.deepEqual(
      offer.actions?.map((action) => action.title),
      ['Download dependencies'],
    );
    assert.ok(!fs.existsSync(path.join(scratch, 'modcache', 'example.com')), 'nothing was downloaded before the click');

    // A save before the click neither asks again nor downloads.
    const pausedAgain = client.nextStatus((params) => params.state === 'paused');
    await client.save(file);
    await pausedAgain;
    assert.equal(offers.length, 1, 'offered once');

    const squiggles = client.nextDiagnostics(uri, (params) =>
      params.diagnostics.some((d) => (d.data as { predicted?: boolean })?.predicted !== true),
    );
    click({ title: 'Download dependencies' });
    const { diagnostics } = await squiggles;
    assert.ok(fs.existsSync(path.join(scratch, 'modcache', 'example.com', 'heapdep@v1.0.0', 'heapdep.go')), 'downloaded into GOMODCACHE');
    const expected = heapFactsFromCompiler(app, env).filter((fact) => fact.file === file);
    assert.deepEqual(
      diagnostics.map((diagnostic) => diagnostic.range.start.line + 1).sort((a, b) => a - b),
      expected.map((fact) => fact.line).sort((a, b) => a - b),
    );
    assert.ok(client.logs.some((line) => line.startsWith('go mod download example.com/heapdep@v1.0.0')));
  } finally {
    await client.stop();
  }
});

test('the CLI exits 2 with the same plain message and the command to run', () => {
  const cache = path.join(scratch, 'cli-modcache');
  const run = spawnSync(process.execPath, [path.join(REPOSITORY_ROOT, 'dist', 'cli.js'), 'check', './...'], {
    cwd: app,
    env: { ...env, GOMODCACHE: cache },
    encoding: 'utf8',
  });
  assert.equal(run.status, 2);
  assert.match(run.stderr, /1 module this package needs is not in the module cache: example\.com\/heapdep v1\.0\.0\./);
  assert.match(run.stderr, /Run `go mod download` in .*app to download/);
  assert.doesNotMatch(run.stderr, /go: downloading/);
  assert.ok(!fs.existsSync(path.join(cache, 'example.com')), 'the CLI downloaded nothing');
});
