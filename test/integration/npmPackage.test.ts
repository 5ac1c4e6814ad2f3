/**
 * The npm package as a CI user gets it: `npm pack` of the built repository, installed from the tarball into
 * a temporary prefix (`npm install -g`) and run through `npx`, both offline and far from this repository's
 * node_modules, so anything the bundles still required from node_modules would fail here.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Finding } from '../../server/src/check/findings';
import { requireGo } from '../helpers/goOracle';
import { CLI, LspTestClient, REPOSITORY_ROOT } from '../helpers/lspClient';

const FIXTURE = path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'budgets');
const temporary = fs.mkdtempSync(path.join(os.tmpdir(), 'gel-npm-'));
after(() => fs.rmSync(temporary, { recursive: true, force: true }));

interface PackResult {
  readonly filename: string;
  readonly unpackedSize: number;
  readonly entryCount: number;
  readonly files: readonly { readonly path: string }[];
}

let packed: PackResult;
let tarball: string;
const prefix = path.join(temporary, 'prefix');
/** npm's cache of its own, so nothing comes from (or goes into) the user's, and no registry is asked. */
const npmFlags = ['--offline', '--cache', path.join(temporary, 'cache'), '--ignore-scripts', '--no-audit', '--no-fund'];
/** No NODE_PATH: the installed command must find everything inside its own package. */
const cleanEnv = (() => {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.NODE_PATH;
  return env;
})();

before(() => {
  requireGo();
  const output = execFileSync('npm', ['pack', '--json', '--pack-destination', temporary, ...npmFlags], {
    cwd: REPOSITORY_ROOT,
    encoding: 'utf8',
  });
  packed = (JSON.parse(output) as PackResult[])[0];
  tarball = path.join(temporary, packed.filename);
  execFileSync('npm', ['install', '--global', '--prefix', prefix, ...npmFlags, tarball], {
    cwd: temporary,
    encoding: 'utf8',
    env: cleanEnv,
  });
});

test('the package is publishable, small, and holds only what runs: bundles, wasm, grammars, docs', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(REPOSITORY_ROOT, 'package.json'), 'utf8'));
  assert.notEqual(manifest.private, true);
  assert.deepEqual(manifest.dependencies ?? {}, {}, 'the bundles hold every dependency: nothing is installed beside them');
  assert.equal(manifest.bin['go-escape-lens'], './dist/cli.js');
  assert.ok(packed.unpackedSize < 6 * 1024 * 1024, `${packed.unpackedSize} bytes unpacked`);
  const files = packed.files.map((file) => file.path).sort();
  for (const needed of [
    'dist/cli.js',
    'dist/server.js',
    'dist/profileWorker.js',
    'dist/web-tree-sitter.wasm',
    'dist/web-tree-sitter.cjs',
    'dist/tree-sitter-go.wasm',
    // The type checker the fmt rewrites ask, built on the user's machine with the user's go.
    'go/typeinfo/main.go',
    'go/typeinfo/go.mod',
    'README.md',
    'LICENSE',
    'CHANGELOG.md',
  ]) {
    assert.ok(files.includes(needed), `${needed} is missing from ${files.join(', ')}`);
  }
  const unexpected = files.filter(
    (file) =>
      !/^(dist\/[^/]+\.(js|wasm)|dist\/web-tree-sitter\.cjs|go\/typeinfo\/(main\.go|go\.mod)|grammars\/.+|syntaxes\/.+|images\/icon\.png|package\.json|README\.md|LICENSE|CHANGELOG\.md)$/.test(
        file,
      ),
  );
  assert.deepEqual(unexpected, [], 'no sources, tests, fixtures, maps or scripts');
});

test('npm install -g from the tarball gives a go-escape-lens whose check matches the repository build', () => {
  const installed = path.join(prefix, 'bin', 'go-escape-lens');
  const run = spawnSync(installed, ['check', '--format', 'json', './...'], { cwd: FIXTURE, encoding: 'utf8', env: cleanEnv });
  assert.equal(run.status, 1, run.stderr);
  const reference = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', './...'], { cwd: FIXTURE, encoding: 'utf8' });
  const findings = JSON.parse(run.stdout) as Finding[];
  assert.ok(findings.length > 0);
  assert.deepEqual(findings, JSON.parse(reference.stdout));
  assert.match(spawnSync(installed, ['--help'], { encoding: 'utf8', env: cleanEnv }).stdout, /Usage: go-escape-lens/);
});

test('npx runs the CLI from the tarball, installing nothing into the project', () => {
  const run = spawnSync('npx', ['--yes', ...npmFlags, '--package', tarball, '--', 'go-escape-lens', 'check', './clean'], {
    cwd: FIXTURE,
    encoding: 'utf8',
    env: cleanEnv,
  });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^clean\/clean\.go:14:9: &Config\{\.\.\.\} escapes to the heap: returned$/m);
  assert.match(run.stderr, /1 package checked, 3 heap allocations reported, 1 more that allocates nothing at run time, no violations/);
  assert.ok(!fs.existsSync(path.join(FIXTURE, 'node_modules')));
});

test('the installed serve --stdio is a working language server: the wasm parser loads and facts are placed', async () => {
  const client = await LspTestClient.start(FIXTURE, {
    command: [path.join(prefix, 'bin', 'go-escape-lens'), 'serve', '--stdio'],
    env: cleanEnv,
  });
  try {
    const file = path.join(FIXTURE, 'clean', 'clean.go');
    const uri = await client.open(file);
    const published = await client.nextDiagnostics(uri, (params) => params.diagnostics.length > 0);
    const returned = published.diagnostics.find((diagnostic) => String(diagnostic.message).startsWith('&Config{...} escapes to the heap'));
    assert.deepEqual(returned?.range.start, { line: 13, character: 8 }, JSON.stringify(published.diagnostics));
  } finally {
    await client.stop();
  }
});
