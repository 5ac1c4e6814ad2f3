/**
 * The search for go, against a fake machine: which files exist, which of them run. The order is the Go
 * extension's; the first candidate that exists and runs wins.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  compareGoVersions,
  describeFoundGo,
  describeGoNotFound,
  findGo,
  type GoProbe,
  type GoSearchInput,
} from '../../server/src/engine/findGo';

/** A machine with these executables (path → `go version` output, or null for one that does not run). */
function machine(executables: Record<string, string | null>, folders: Record<string, string[]> = {}) {
  const ran: string[] = [];
  const probe: GoProbe = {
    isExecutableFile: async (file) => file in executables,
    listDirectory: async (directory) => folders[directory] ?? [],
    version: async (binary) => {
      ran.push(binary);
      return executables[binary] ?? undefined;
    },
  };
  return { probe, ran };
}

const VERSION = 'go version go1.26.8 linux/amd64';
const linux = (input: Partial<GoSearchInput> = {}): GoSearchInput => ({
  environment: { PATH: '/usr/bin:/bin', HOME: '/home/u' },
  platform: 'linux',
  ...input,
});

test('Go in /usr/local/go, not on PATH: found in the default install folder', async () => {
  const { probe } = machine({ '/usr/local/go/bin/go': VERSION });
  const search = await findGo(linux(), probe);
  assert.deepEqual(search.found, { binary: '/usr/local/go/bin/go', source: 'default install folder', version: VERSION });
  assert.equal(
    describeFoundGo(search),
    'Using /usr/local/go/bin/go (go1.26.8), found in the default install folder /usr/local/go/bin (it is not on PATH).',
  );
});

test('the order: goPath, go.alternateTools.go, go.goroot, GOROOT, PATH, then the install folders', async () => {
  const all = {
    '/opt/mine/go': VERSION,
    '/opt/alt/go': VERSION,
    '/opt/goroot/bin/go': VERSION,
    '/opt/envroot/bin/go': VERSION,
    '/usr/bin/go': VERSION,
    '/usr/local/go/bin/go': VERSION,
  };
  const input = linux({
    goPath: '/opt/mine/go',
    alternateTool: '/opt/alt/go',
    goroot: '/opt/goroot',
    environment: { PATH: '/usr/bin', GOROOT: '/opt/envroot', HOME: '/home/u' },
  });
  const order: [keyof typeof all, string][] = [
    ['/opt/mine/go', 'goEscapeLens.goPath'],
    ['/opt/alt/go', 'go.alternateTools.go'],
    ['/opt/goroot/bin/go', 'go.goroot'],
    ['/opt/envroot/bin/go', 'GOROOT'],
    ['/usr/bin/go', 'PATH'],
    ['/usr/local/go/bin/go', 'default install folder'],
  ];
  const remaining: Record<string, string> = { ...all };
  for (const [binary, source] of order) {
    const search = await findGo(input, machine(remaining).probe);
    assert.equal(search.found?.binary, binary);
    assert.equal(search.found?.source, source);
    delete remaining[binary];
  }
  assert.equal((await findGo(input, machine(remaining).probe)).found, undefined);
});

test('a configured go that does not exist or does not run is passed over, and the log says so', async () => {
  const { probe, ran } = machine({ '/opt/broken/go': null, '/usr/local/go/bin/go': VERSION });
  const search = await findGo(linux({ goPath: '/opt/broken/go', alternateTool: '/nowhere/go' }), probe);
  assert.equal(search.found?.binary, '/usr/local/go/bin/go');
  assert.deepEqual(ran, ['/opt/broken/go', '/usr/local/go/bin/go']);
  assert.match(describeFoundGo(search), /goEscapeLens\.goPath names \/opt\/broken\/go, which does not run\./);
  assert.match(describeFoundGo(search), /go\.alternateTools\.go names \/nowhere\/go, which does not exist\./);
});

test('names are looked up on PATH; the old default "go" means PATH', async () => {
  const { probe } = machine({ '/home/u/bin/go1.25': VERSION, '/usr/bin/go': VERSION });
  const environment = { PATH: '/home/u/bin:/usr/bin', HOME: '/home/u' };
  assert.equal((await findGo(linux({ alternateTool: 'go1.25', environment }), probe)).found?.binary, '/home/u/bin/go1.25');
  assert.equal((await findGo(linux({ goPath: 'go', environment }), probe)).found?.source, 'PATH');
  assert.equal((await findGo(linux({ goPath: '~/bin/go1.25', environment }), probe)).found?.binary, '/home/u/bin/go1.25');
});

test('the newest ~/sdk/go*/bin, after /usr/lib/go/bin', async () => {
  const folders = { '/home/u/sdk': ['go1.9', 'go1.22.3', 'go1.22rc1', 'go1.21.13', 'gotip'] };
  const { probe } = machine({ '/home/u/sdk/go1.22.3/bin/go': VERSION, '/home/u/sdk/go1.9/bin/go': VERSION }, folders);
  assert.equal((await findGo(linux(), probe)).found?.binary, '/home/u/sdk/go1.22.3/bin/go');
  assert.ok(compareGoVersions('go1.22rc1', 'go1.22.0') < 0);
  assert.ok(compareGoVersions('go1.9', 'go1.10') < 0);
});

test('Windows: go.exe in Program Files or LOCALAPPDATA', async () => {
  const input: GoSearchInput = {
    platform: 'win32',
    environment: { Path: 'C:\\Windows', LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local', USERPROFILE: 'C:\\Users\\u' },
  };
  assert.equal(
    (await findGo(input, machine({ 'C:\\Program Files\\Go\\bin\\go.exe': VERSION }).probe)).found?.binary,
    'C:\\Program Files\\Go\\bin\\go.exe',
  );
  assert.equal(
    (await findGo(input, machine({ 'C:\\Users\\u\\AppData\\Local\\Programs\\Go\\bin\\go.exe': VERSION }).probe)).found?.source,
    'default install folder',
  );
});

test('nothing found: the message lists where it looked', async () => {
  const search = await findGo(linux(), machine({}).probe);
  assert.equal(search.found, undefined);
  const message = describeGoNotFound(search, 'goEscapeLens.goPath');
  assert.match(message, /^The go command was not found\. Looked in: PATH \(not found\), \/usr\/local\/go\/bin\/go \(not found\)/);
  assert.match(message, /\/snap\/bin\/go \(not found\)\. Install Go \(https:\/\/go\.dev\/dl\/\) or set goEscapeLens\.goPath\.$/);
});
