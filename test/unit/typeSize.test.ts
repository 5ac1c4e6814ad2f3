/**
 * Size estimates from the syntax tree. test/integration/typeSize.test.ts measures the same declarations
 * with `unsafe.Sizeof` on the installed Go.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatBytes, typeLayout } from '../../server/src/features/typeSize';
import { packageDeclarations, parseGoInteger } from '../../server/src/syntax/declarations';
import { withGoTree } from '../../server/src/syntax/goParser';

test('a type from another package or an unbound type parameter has no size rather than a guessed one', async () => {
  const declarations = await withGoTree(`package p\ntype T struct{ M sync.Mutex }\ntype G[T any] struct{ V T }\n`, packageDeclarations);
  assert.equal(typeLayout({ kind: 'named', name: 'T', typeArguments: [] }, declarations), undefined);
  assert.equal(typeLayout({ kind: 'named', name: 'G', typeArguments: [] }, declarations), undefined);
  assert.equal(typeLayout({ kind: 'named', name: 'Unknown', typeArguments: [] }, declarations), undefined);
});

test('Go integer literals and byte counts', () => {
  assert.equal(parseGoInteger('1_024'), 1024);
  assert.equal(parseGoInteger('0x10'), 16);
  assert.equal(parseGoInteger('0o17'), 15);
  assert.equal(parseGoInteger('017'), 15);
  assert.equal(parseGoInteger('0b101'), 5);
  assert.equal(parseGoInteger('1.5'), undefined);
  assert.equal(formatBytes(1), '1 byte');
  assert.equal(formatBytes(16), '16 bytes');
  assert.equal(formatBytes(1024), '1 KiB (1,024 bytes)');
  assert.equal(formatBytes(16 << 20), '16 MiB (16,777,216 bytes)');
  assert.equal(formatBytes(1536), '1.5 KiB (1,536 bytes)');
});
