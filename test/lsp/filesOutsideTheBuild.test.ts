/**
 * Files the package build does not cover, over real stdio with the real go command:
 * - a script outside any module (`go run main.go`) gets the compiler's facts, as the go command gives them
 *   for the file named on its command line;
 * - a file the build leaves out (`//go:build ignore`, another GOOS) says so in the status and on its
 *   package clause, with the settings that would include it; the go command's own `go list` agrees.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { HoverRequest, type MarkupContent } from 'vscode-languageserver-protocol';
import { requireGo } from '../helpers/goOracle';
import { LspTestClient } from '../helpers/lspClient';

let scratch: string;

before(() => {
  requireGo();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'gel-outside-build-'));
});
after(() => fs.rmSync(scratch, { recursive: true, force: true }));

const SCRIPT = `package main

import "fmt"

type point struct{ x, y int }

func newPoint(x, y int) *point {
	return &point{x, y}
}

func main() {
	p := newPoint(1, 2)
	fmt.Println(p.x, p.y)
}
`;

test('a script outside any module gets the compiler’s facts for the file', async () => {
  const folder = path.join(scratch, 'script');
  fs.mkdirSync(folder);
  const file = path.join(folder, 'main.go');
  fs.writeFileSync(file, SCRIPT);
  // The go command itself, given the file by name: the lines where it reports a heap allocation.
  const oracle = spawnSync('go', ['build', '-gcflags=-m', '-o', os.devNull, 'main.go'], {
    cwd: folder,
    encoding: 'utf8',
    env: { ...process.env, GOPROXY: 'off' },
  });
  assert.equal(oracle.status, 0, oracle.stderr);
  const expected = [
    ...new Set(
      oracle.stderr
        .split('\n')
        .filter((line) => /escapes to heap|moved to heap/.test(line) && !/does not escape/.test(line))
        .map((line) => Number(/^\.\/main\.go:(\d+):/.exec(line)?.[1])),
    ),
  ].sort((a, b) => a - b);
  assert.ok(expected.length > 0);

  const client = await LspTestClient.start(folder);
  try {
    const uri = pathToFileURL(file).href;
    const published = client.nextDiagnostics(uri, (params) => params.diagnostics.length > 0);
    await client.open(file);
    const { diagnostics } = await published;
    assert.ok(diagnostics.every((diagnostic) => (diagnostic.data as { predicted?: boolean } | undefined)?.predicted !== true));
    assert.deepEqual(
      [...new Set(diagnostics.map((diagnostic) => diagnostic.range.start.line + 1))].sort((a, b) => a - b),
      expected,
    );
    assert.ok(client.logs.some((line) => line.includes('main.go is outside any module: analysed on its own')));
  } finally {
    await client.stop();
  }
});

test('files left out of the build say so, and what would include them', async () => {
  const module = path.join(scratch, 'module');
  fs.mkdirSync(module);
  fs.writeFileSync(path.join(module, 'go.mod'), 'module example.com/excluded\n\ngo 1.22\n');
  fs.writeFileSync(
    path.join(module, 'point.go'),
    'package excluded\n\ntype Point struct{ X, Y int }\n\nfunc New() *Point { return &Point{} }\n',
  );
  const generator = path.join(module, 'gen.go');
  fs.writeFileSync(
    generator,
    '//go:build ignore\n\n// A generator, run with go run gen.go.\npackage main\n\nfunc main() { println(new(int)) }\n',
  );
  const windows = path.join(module, 'point_windows.go');
  fs.writeFileSync(windows, 'package excluded\n\nfunc Windows() *Point { return &Point{X: 1} }\n');
  // The go command's own verdict.
  const listed = JSON.parse(spawnSync('go', ['list', '-json', '.'], { cwd: module, encoding: 'utf8' }).stdout);
  assert.deepEqual(listed.IgnoredGoFiles, ['gen.go', 'point_windows.go']);

  const client = await LspTestClient.start(module);
  try {
    const generatorUri = pathToFileURL(generator).href;
    const windowsUri = pathToFileURL(windows).href;
    const status = client.nextStatus((params) => params.state === 'idle' && params.notInBuildByUri?.[generatorUri] !== undefined);
    await client.open(generator);
    const notes = (await status).notInBuildByUri!;
    assert.match(
      notes[generatorUri],
      /^gen\.go is not part of the build under the current settings \(GOOS=\w+, GOARCH=\w+, no build tags\): \/\/go:build ignore\. It would be included with -tags=ignore\.$/,
    );
    assert.match(
      notes[windowsUri] ?? '',
      /point_windows\.go is not part of the build .*: its name ends in _windows\. It would be included with GOOS=windows\./,
    );
    assert.equal(Object.keys(notes).length, 2, 'point.go is part of the build');

    const hover = await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: generatorUri },
      position: { line: 3, character: 3 },
    });
    const text = (hover?.contents as MarkupContent | undefined)?.value ?? '';
    assert.match(text, /\*\*Not part of the build\*\*/);
    assert.match(text, /`-tags=ignore`/);
    // Anywhere but the package clause: nothing.
    assert.equal(
      await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: generatorUri }, position: { line: 5, character: 2 } }),
      null,
    );
  } finally {
    await client.stop();
  }
});
