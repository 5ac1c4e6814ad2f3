/**
 * The whole pipeline on the fixture modules, against the installed compiler: every heap fact the compiler
 * reports becomes exactly one located fact whose range contains the compiler's position, and nothing else.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { AnalysisService } from '../../server/src/analysisService';
import { isHeapFact } from '../../server/src/model/facts';
import { runGo } from '../../server/src/engine/runGo';
import { ensureSkipLinkTool } from '../../server/src/engine/skipLinkTool';
import type { LspRange } from '../../server/src/model/positions';
import { heapFactsFromCompiler, requireGo } from '../helpers/goOracle';

const ARTICLE = path.join(__dirname, '..', 'fixtures', 'article');
const PACKAGES = fs
  .readdirSync(ARTICLE, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const SETTINGS = { goBinary: 'go', buildFlags: [], env: {} };

function contains(range: LspRange, line: number, character: number): boolean {
  const afterStart = line > range.start.line || (line === range.start.line && character >= range.start.character);
  const beforeEnd = line < range.end.line || (line === range.end.line && character <= range.end.character);
  return afterStart && beforeEnd;
}

before(() => requireGo());

describe('every compiler heap fact becomes one diagnostic at the right place, and nothing more', () => {
  const service = new AnalysisService({ runGo, skipLinkTool: ensureSkipLinkTool(), parallelism: 2 });
  for (const name of PACKAGES) {
    test(name, async () => {
      const directory = path.join(ARTICLE, name);
      const expected = heapFactsFromCompiler(directory);
      const result = await service.analyseDirectory(directory, SETTINGS);
      assert.ok(result, 'the analysis was not superseded');
      assert.equal(result.analysis.status, 'ok', result.analysis.message);
      const located = [...result.files.values()].flatMap((file) =>
        file.located.filter((item) => isHeapFact(item.fact)).map((item) => ({ file: file.file, item })),
      );

      assert.equal(located.length, expected.length, `compiler: ${JSON.stringify(expected.map((f) => f.message))}`);
      for (const fact of expected) {
        const match = located.find(
          ({ file, item }) =>
            file === fact.file &&
            item.fact.position.line === fact.line &&
            item.fact.position.byteColumn === fact.byteColumn &&
            (item.fact.kind === 'moved') === fact.message.startsWith('moved to heap'),
        );
        assert.ok(match, `no located fact for ${path.basename(fact.file)}:${fact.line}:${fact.byteColumn} ${fact.message}`);
        assert.ok(
          contains(match.item.range, fact.line0, fact.utf16Column),
          `${fact.message}: range ${JSON.stringify(match.item.range)} does not contain ${fact.line0}:${fact.utf16Column}`,
        );
      }
    });
  }
});

describe('ranges cover the whole allocating expression', () => {
  const service = new AnalysisService({ runGo, skipLinkTool: ensureSkipLinkTool(), parallelism: 2 });

  async function rangeTexts(name: string, file: string): Promise<string[]> {
    const result = await service.analyseDirectory(path.join(ARTICLE, name), SETTINGS);
    const analysed = result?.files.get(path.join(ARTICLE, name, file));
    assert.ok(analysed, `${file} was analysed`);
    return analysed.located
      .filter((item) => isHeapFact(item.fact))
      .map(({ range }) => {
        const lines = analysed.source.lines;
        if (range.start.line === range.end.line) return lines[range.start.line].slice(range.start.character, range.end.character);
        return [
          lines[range.start.line].slice(range.start.character),
          ...lines.slice(range.start.line + 1, range.end.line),
          lines[range.end.line].slice(0, range.end.character),
        ].join('\n');
      });
  }

  test('a returned composite literal, a moved variable', async () => {
    assert.deepEqual(await rangeTexts('pointers', 'pointers.go'), ['&Point{X: x, Y: y}', 'u', '&Point{X: 1}']);
  });

  test('closures: the func keyword of the escaping literal and the captured variable', async () => {
    const texts = await rangeTexts('closures', 'closures.go');
    assert.deepEqual([...texts].sort(), ['"hello, " + name', 'c', 'func', 'func', 'func', 'value'].sort());
  });

  test('a make call, a too-large array, an interface conversion, an inlined call site', async () => {
    assert.deepEqual(await rangeTexts('sizes', 'sizes.go'), ['big', 'make([]byte, n)']);
    assert.deepEqual(await rangeTexts('iface', 'iface.go'), ['append(b.data, p...)', 'name', 'count', '"done"', 'buf', 'other']);
    assert.deepEqual(await rangeTexts('generics', 'generics.go'), ['NewBox(42)', '&Box[T]{Value: v}', 'NewBox']);
  });

  test('non-ASCII text, tabs, CRLF and a byte-order mark', async () => {
    assert.deepEqual(await rangeTexts('unicode', 'unicode.go'), ['&Größe{Wert: 1}', '"héllo 😀"', '名前']);
  });

  test('test files are analysed too', async () => {
    assert.deepEqual(await rangeTexts('withtests', 'stack_test.go'), ['s.Push(1)', 's.items']);
    assert.deepEqual(await rangeTexts('withtests', 'external_test.go'), ['new(withtests.Stack)', 's.Push(2)']);
  });
});
