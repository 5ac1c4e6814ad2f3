/**
 * Every reason the installed Go compiler can print in an escape explanation has a plain-words translation.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { REASONS } from '../../server/src/features/reasonText';
import { requireGo } from '../helpers/goOracle';

test('every reason the installed compiler can print has a translation', () => {
  requireGo();
  const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
  const directory = path.join(goroot, 'src', 'cmd', 'compile', 'internal', 'escape');
  assert.ok(fs.existsSync(directory), `the Go installation has no compiler sources at ${directory}`);
  const found = new Set<string>();
  for (const name of fs.readdirSync(directory).filter((file) => file.endsWith('.go') && !file.endsWith('_test.go'))) {
    const source = fs.readFileSync(path.join(directory, name), 'utf8');
    // Reasons are the string arguments of the hole operations (`k.note(n, "assign")`) and of HeapAllocReason.
    for (const match of source.matchAll(/\b(?:note|deref|addr|dotType|assignHeap|assignList)\([^"\n]*"([^"]+)"\)?/g)) found.add(match[1]);
    for (const match of source.matchAll(/return "((?:too|zero)[^"]+)"/g)) found.add(match[1]);
  }
  assert.ok(found.size >= 20, `found only ${found.size} reasons in ${directory}: the pattern no longer matches the sources`);
  const missing = [...found].filter((reason) => !(reason in REASONS));
  assert.deepEqual(missing, [], `reasons the compiler prints without a translation: ${missing.join(', ')}`);
});
