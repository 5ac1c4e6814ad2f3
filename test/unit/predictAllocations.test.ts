/**
 * The syntax-only analyser: the article's classic cases are found, the shapes it must not predict are
 * not, and it survives any input. test/integration/predictAllocations.test.ts holds it against the compiler.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { PREDICTION_KINDS, predictAllocationsInText, type PredictedAllocation } from '../../server/src/syntax/predictAllocations';
import { REPOSITORY_ROOT } from '../helpers/lspClient';

const ARTICLE = path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'article');
async function predictFile(file: string) {
  return (await predictAllocationsInText(fs.readFileSync(file, 'utf8'))).predictions;
}

test('the article cases are predicted: returned pointers, closures, a sent pointer, a huge array, fmt arguments', async () => {
  const expectations: [string, number, PredictedAllocation['kind'], string][] = [
    ['pointers/pointers.go', 10, 'returnedAllocation', '&Point{...}'],
    ['pointers/pointers.go', 31, 'returnedAddressOfLocal', 'u'],
    ['pointers/pointers.go', 40, 'returnedAllocation', '&Point{...}'],
    ['closures/closures.go', 10, 'capturedVariable', 'c'],
    ['closures/closures.go', 11, 'escapingClosure', 'func literal'],
    ['closures/closures.go', 19, 'capturedVariable', 'value'],
    ['closures/closures.go', 29, 'escapingClosure', 'func literal'],
    ['channels/channels.go', 11, 'sentPointer', '&Job{...}'],
    ['config/config.go', 14, 'returnedAllocation', '&Config{...}'],
    ['iface/iface.go', 27, 'interfaceArgument', 'name'],
    ['iface/iface.go', 27, 'interfaceArgument', 'count'],
    ['iface/iface.go', 28, 'interfaceArgument', '"done"'],
    ['sizes/sizes.go', 34, 'tooLargeForStack', 'big'],
    ['unicode/unicode.go', 10, 'returnedAllocation', '&Größe{...}'],
    ['unicode/unicode.go', 14, 'interfaceArgument', '名前'],
  ];
  for (const [file, line, kind, expression] of expectations) {
    const predictions = await predictFile(path.join(ARTICLE, file));
    assert.ok(
      predictions.some((item) => item.range.start.line === line - 1 && item.kind === kind && item.expression === expression),
      `${file}:${line}: expected ${kind} ${expression}; got ${JSON.stringify(predictions.map((item) => [item.range.start.line + 1, item.kind, item.expression]))}`,
    );
  }
});

/** Predictions for a snippet inside `package p`. */
async function predictSnippet(body: string, kinds = new Set(PREDICTION_KINDS)) {
  return (await predictAllocationsInText(`package p\n\nimport "fmt"\n\n${body}\n`, { kinds })).predictions;
}

test('values, pointers and interfaces that stay where they are are not predicted', async () => {
  const none = await predictSnippet(`
type T struct{ A int }
type Err struct{}
func Value() T { return T{A: 1} }
func Copy() T { t := T{}; return t }
func Reassigned(ok bool) *T { p := &T{}; if ok { p = nil }; return p }
func Print(p *T, err error, v any) { fmt.Println(p, err, v) }
func Spread(args []any) { fmt.Println(args...) }
func Greeter(name string) func() string { greeting := "hello, " + name; return func() string { return greeting } }
func Deferred() { defer func() { recover() }() }
func ByValueCapture(n int) func() int { n = n * 2; return func() int { return n } }
func Small() []byte { return nil }
func Local() { var buf [64]byte; _ = buf }
func Shadow() { new := func(int) *T { return nil }; _ = new(1) }
func Generic[X any](x X) *X { return &x }
`);
  // The two returned closures do escape; what they capture is never written after the capture.
  assert.deepEqual(
    none.map((item) => `${item.range.start.line + 1}: ${item.kind} ${item.expression}`),
    ['13: escapingClosure func literal', '15: escapingClosure func literal'],
  );
});

test('each kind recognises its shape', async () => {
  const predictions = await predictSnippet(`
type T struct{ A int }
var sink any
func A() *T { return new(T) }
func B() *T { p := &T{A: 1}; return p }
func C(x int) *int { return &x }
func D(ch chan *T) { var t T; ch <- &t }
func E(n int) { go func() { println(n) }() }
func F() func() int { var i int; f := func() int { i++; return i }; return f }
func G(n int) { fmt.Printf("%d %s\\n", n, "x"); panic(n + 1) }
func H(t int) { sink = t }
func I(n int) []byte { return make([]byte, n) }
func J() int { var big [1 << 20]byte; return len(big) }
func K() []int64 { return make([]int64, 16<<10) }
`);
  const found = predictions.map((item) => `${item.range.start.line + 1} ${item.kind} ${item.expression}`);
  for (const expected of [
    '8 returnedAllocation new(T)',
    '9 returnedAllocation &T{...}',
    '10 returnedAddressOfLocal x',
    '11 sentPointer t',
    '12 escapingClosure func literal',
    '13 capturedVariable i',
    '13 escapingClosure func literal',
    '14 interfaceArgument n',
    '14 interfaceArgument "x"',
    '14 interfaceArgument n + 1',
    '15 interfaceStored t',
    '16 nonConstantMake make([]byte, n)',
    '17 tooLargeForStack big',
    '18 tooLargeForStack make([]int64, 16<<10)',
  ]) {
    assert.ok(found.includes(expected), `missing "${expected}" in:\n${found.join('\n')}`);
  }
});

test('kinds under 90% measured precision are not reported by default', async () => {
  const predictions = await predictAllocationsInText('package p\nfunc I(n int) []byte { return make([]byte, n) }\n');
  assert.deepEqual(predictions.predictions, []);
});

test('a file mid-edit, an empty file and a 1 MB generated file are predicted without throwing, all ranges inside', async () => {
  const broken = 'package p\n\nfunc F() *T {\n\treturn &T{A: \n}\n\nfunc G( {\n\tgo func() { x++ }(\n';
  const huge = ['package p', 'type T struct{ A int }']
    .concat(Array.from({ length: 25_000 }, (_, index) => `func F${index}(x int) *T { return &T{A: x + ${index}} }`))
    .join('\n');
  assert.ok(huge.length > 1_000_000);
  for (const text of [broken, '', '\uFEFF', 'package', huge]) {
    const { source, predictions } = await predictAllocationsInText(text);
    for (const { range } of predictions) {
      assert.ok(range.start.line < source.lines.length && range.end.line < source.lines.length);
      assert.ok(range.start.character <= source.lines[range.start.line].length);
      assert.ok(range.end.character <= source.lines[range.end.line].length);
    }
    if (text === huge) assert.equal(predictions.length, 25_000);
  }
});
