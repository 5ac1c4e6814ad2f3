/**
 * Recognising "not in the module cache" in the go command's words under GOPROXY=off (the lines below are
 * what go1.26 prints for fasthttp with an empty GOMODCACHE; test/lsp/missingModules.test.ts runs the real
 * thing).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { downloadArguments, missingModules, missingModulesMessage } from '../../server/src/engine/missingModules';

const FASTHTTP = `go: downloading github.com/klauspost/compress v1.18.2
go: downloading github.com/andybalholm/brotli v1.2.0
go: downloading github.com/valyala/bytebufferpool v1.0.0
brotli.go:9:2: module lookup disabled by GOPROXY=off
compress.go:10:2: module lookup disabled by GOPROXY=off
`;

test('the modules the go command wanted, named plainly, and the download command', () => {
  const modules = missingModules(FASTHTTP);
  assert.deepEqual(modules, [
    { path: 'github.com/klauspost/compress', version: 'v1.18.2' },
    { path: 'github.com/andybalholm/brotli', version: 'v1.2.0' },
    { path: 'github.com/valyala/bytebufferpool', version: 'v1.0.0' },
  ]);
  assert.equal(
    missingModulesMessage(modules!),
    '3 modules this package needs are not in the module cache: github.com/klauspost/compress v1.18.2, github.com/andybalholm/brotli v1.2.0, github.com/valyala/bytebufferpool v1.0.0.',
  );
  assert.deepEqual(downloadArguments(modules!.slice(0, 1)), ['mod', 'download', 'github.com/klauspost/compress@v1.18.2']);
});

test('a module named only in the error line (loading go.mod files of the module graph)', () => {
  const output = 'go: example.com/m@v1.2.3: module lookup disabled by GOPROXY=off\n';
  assert.deepEqual(missingModules(output), [{ path: 'example.com/m', version: 'v1.2.3' }]);
  assert.equal(
    missingModulesMessage(missingModules(output)!),
    '1 module this package needs is not in the module cache: example.com/m v1.2.3.',
  );
});

test('other build failures are not about missing modules', () => {
  assert.equal(missingModules('./a.go:3:1: syntax error: non-declaration statement outside function body\n'), undefined);
  // "go: downloading" alone (a build that then failed for another reason) is not enough.
  assert.equal(missingModules('go: downloading example.com/m v1.0.0\n./a.go:3:1: undefined: x\n'), undefined);
});
