/**
 * The syntax-only analyser against the real compiler on the fixture module: every enabled prediction is a
 * place where the compiler reports a heap fact of the same form, at the same UTF-16 position.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { predictAllocationsInText, type PredictedAllocation } from '../../server/src/syntax/predictAllocations';
import { heapFactsFromCompiler, type OracleFact, requireGo } from '../helpers/goOracle';
import { REPOSITORY_ROOT } from '../helpers/lspClient';

const ARTICLE = path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'article');
const PACKAGES = ['pointers', 'closures', 'channels', 'config', 'iface', 'sizes', 'unicode', 'vector', 'generics'];

function contains(prediction: PredictedAllocation, fact: OracleFact): boolean {
  const { start, end } = prediction.range;
  const after = fact.line0 > start.line || (fact.line0 === start.line && fact.utf16Column >= start.character);
  const before = fact.line0 < end.line || (fact.line0 === end.line && fact.utf16Column < end.character);
  return after && before;
}

function formOf(fact: OracleFact): 'escape' | 'moved' {
  return fact.message.startsWith('moved to heap') ? 'moved' : 'escape';
}

async function predictFile(file: string) {
  return (await predictAllocationsInText(fs.readFileSync(file, 'utf8'))).predictions;
}

test('every enabled prediction on the fixture module is a heap fact the compiler reports there', async () => {
  requireGo();
  let checked = 0;
  for (const name of PACKAGES) {
    const directory = path.join(ARTICLE, name);
    const facts = heapFactsFromCompiler(directory);
    for (const file of fs.readdirSync(directory).filter((entry) => entry.endsWith('.go') && !entry.endsWith('_test.go'))) {
      const absolute = path.join(directory, file);
      for (const prediction of await predictFile(absolute)) {
        checked++;
        const match = facts.find((fact) => fact.file === absolute && formOf(fact) === prediction.factKind && contains(prediction, fact));
        assert.ok(
          match,
          `${name}/${file}:${prediction.range.start.line + 1}: predicted ${prediction.kind} ${prediction.expression}, the compiler says nothing there`,
        );
      }
    }
  }
  assert.ok(checked >= 12, `only ${checked} predictions on the fixture module`);
});

test('positions are UTF-16 in the BOM-less text: the unicode fixture (BOM, CRLF, tabs, non-ASCII)', async () => {
  requireGo();
  const file = path.join(ARTICLE, 'unicode', 'unicode.go');
  const facts = heapFactsFromCompiler(path.dirname(file));
  const predictions = await predictFile(file);
  const literal = predictions.find((item) => item.expression === '&Größe{...}');
  const fact = facts.find((item) => item.message.startsWith('&Größe'));
  assert.ok(literal && fact);
  assert.deepEqual(literal.range.start, { line: fact.line0, character: fact.utf16Column });
  const name = predictions.find((item) => item.expression === '名前');
  const nameFact = facts.find((item) => item.message.startsWith('名前'));
  assert.ok(name && nameFact);
  assert.deepEqual(name.range.start, { line: nameFact.line0, character: nameFact.utf16Column });
});
