import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dependentRefreshTargets, importsPackage, MAX_REFRESHED_PACKAGES, savedImportPath } from '../../server/src/dependentPackages';
import { importedPaths } from '../../server/src/syntax/declarations';
import { withGoTree } from '../../server/src/syntax/goParser';

test('one open file per other package, never the saved package itself', () => {
  const targets = dependentRefreshTargets(
    '/m/lib',
    ['/m/lib/a.go', '/m/app/main.go', '/m/app/util.go', '/m/cmd/x/x_test.go', '/m/README.md'],
    ['/m'],
  );
  assert.deepEqual(targets, ['/m/app/main.go', '/m/cmd/x/x_test.go']);
});

test('at most MAX_REFRESHED_PACKAGES packages', () => {
  const open = Array.from({ length: MAX_REFRESHED_PACKAGES + 5 }, (_, index) => `/m/p${index}/f.go`);
  assert.equal(dependentRefreshTargets('/m/lib', open, ['/m']).length, MAX_REFRESHED_PACKAGES);
});

test('files outside the workspace folders (the standard library, the module cache) are never refreshed', () => {
  const open = [
    '/usr/local/go/src/net/http/server.go',
    '/home/me/go/pkg/mod/example.com/dep@v1.0.0/dep.go',
    '/work/b/app/main.go',
    '/work/a/cmd/main.go',
  ];
  assert.deepEqual(dependentRefreshTargets('/work/a/lib', open, ['/work/a', '/work/b']), ['/work/b/app/main.go', '/work/a/cmd/main.go']);
});

test("the saved package's import path comes from the compiler's headers, never the external test package", () => {
  assert.equal(savedImportPath(['example.com/m/lib']), 'example.com/m/lib');
  assert.equal(
    savedImportPath(['example.com/m/lib [example.com/m/lib.test]', 'example.com/m/lib_test [example.com/m/lib.test]']),
    'example.com/m/lib',
  );
  assert.equal(savedImportPath(['example.com/m/lib_test [example.com/m/lib.test]']), undefined);
  assert.equal(savedImportPath([]), undefined);
});

test('the import paths of Go sources: single, grouped, named, blank and dot imports', async () => {
  const imported = new Set<string>();
  for (const source of [
    'package a\n\nimport "fmt"\n',
    'package a\n\nimport (\n\tlib "example.com/m/lib"\n\t_ "embed"\n\t. "strings"\n\t`example.com/raw`\n)\n',
  ]) {
    for (const importPath of await withGoTree(source, importedPaths)) imported.add(importPath);
  }
  assert.deepEqual([...imported].sort(), ['embed', 'example.com/m/lib', 'example.com/raw', 'fmt', 'strings']);
});

test('a package imports the saved one: from its analysed files, or from the open text before its first analysis', async () => {
  assert.equal(await importsPackage('example.com/m/lib', undefined, 'package a\n\nimport "example.com/m/lib"\n'), true);
  assert.equal(await importsPackage('example.com/m/lib', undefined, 'package a\n\nimport "example.com/m/other"\n'), false);
});
