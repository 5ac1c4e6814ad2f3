/**
 * The syntactic rules of the loop fixes (no compiler): where an iteration might not append exactly once,
 * where the variable is read in the loop, or where its type is not known to be plain, nothing is proposed.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { preallocateSliceRewrites } from '../../server/src/fixes/preallocateSlice';
import { stringsBuilderRewrites } from '../../server/src/fixes/stringsBuilder';
import { applyToSource } from '../../server/src/fixes/textEdits';
import { withGoTree } from '../../server/src/syntax/goParser';
import { toSourceText } from '../../server/src/syntax/positions';

const inFunction = (body: string) => `package p\n\nfunc f(src []int, m map[string]int, names []string, next func() []int) {\n${body}\n}\n`;

async function preallocated(body: string, canUseSlicesPackage = true): Promise<string[]> {
  const text = inFunction(body);
  const source = toSourceText(text);
  return withGoTree(text, (tree) =>
    preallocateSliceRewrites(tree.rootNode, source, { canUseSlicesPackage }).rewrites.map(
      (rewrite) =>
        applyToSource(source, rewrite.edits)
          .split('\n')
          .find((line) => line.includes(':= ')) ?? '',
    ),
  );
}

async function built(body: string): Promise<string[]> {
  const text = inFunction(body);
  const source = toSourceText(text);
  return withGoTree(text, (tree) =>
    stringsBuilderRewrites(tree.rootNode, source).rewrites.map((rewrite) => applyToSource(source, rewrite.edits)),
  );
}

describe('preallocate a slice', () => {
  test('each empty start becomes its preallocated form; a nil one stays nil when src is empty', async () => {
    assert.deepEqual(await preallocated('\tout := []int{}\n\tfor _, x := range src {\n\t\tout = append(out, x)\n\t}'), [
      '\tout := make([]int, 0, len(src))',
    ]);
    assert.deepEqual(await preallocated('\tout := make([]string, 0)\n\tfor k := range m {\n\t\tout = append(out, k)\n\t}'), [
      '\tout := make([]string, 0, len(m))',
    ]);
    assert.deepEqual(await preallocated('\tvar out []int\n\tfor _, x := range src {\n\t\ty := x * 2\n\t\tout = append(out, y)\n\t}'), [
      '\tout := slices.Grow([]int(nil), len(src))',
    ]);
    // Before Go 1.21 there is no slices.Grow, and make would turn a nil result into an empty one.
    assert.deepEqual(await preallocated('\tvar out []int\n\tfor _, x := range src {\n\t\tout = append(out, x)\n\t}', false), []);
  });

  test('a break or continue of a nested loop or switch does not stop it', async () => {
    const body =
      '\tout := []int{}\n\tfor _, x := range src {\n\t\tfor range 3 {\n\t\t\tcontinue\n\t\t}\n\t\tswitch {\n\t\tcase x > 0:\n\t\t\tbreak\n\t\t}\n\t\tout = append(out, x)\n\t}';
    assert.equal((await preallocated(body)).length, 1);
  });

  for (const [why, body] of [
    ['a conditional append', '\tout := []int{}\n\tfor _, x := range src {\n\t\tif x > 0 {\n\t\t\tout = append(out, x)\n\t\t}\n\t}'],
    ['two appends', '\tout := []int{}\n\tfor _, x := range src {\n\t\tout = append(out, x)\n\t\tout = append(out, x)\n\t}'],
    ['a spread append', '\tout := []int{}\n\tfor range src {\n\t\tout = append(out, src...)\n\t}'],
    [
      'a continue before the append',
      '\tout := []int{}\n\tfor _, x := range src {\n\t\tif x > 0 {\n\t\t\tcontinue\n\t\t}\n\t\tout = append(out, x)\n\t}',
    ],
    ['a break', '\tout := []int{}\n\tfor _, x := range src {\n\t\tout = append(out, x)\n\t\tif x > 0 {\n\t\t\tbreak\n\t\t}\n\t}'],
    ['a return', '\tout := []int{}\n\tfor _, x := range src {\n\t\tif x > 0 {\n\t\t\treturn\n\t\t}\n\t\tout = append(out, x)\n\t}'],
    [
      'a labelled continue of this loop',
      '\tout := []int{}\nloop:\n\tfor _, x := range src {\n\t\tfor range 2 {\n\t\t\tcontinue loop\n\t\t}\n\t\tout = append(out, x)\n\t}',
    ],
    ['the slice read in the loop', '\tout := []int{}\n\tfor _, x := range src {\n\t\tout = append(out, len(out)+x)\n\t}'],
    ['a range over a call', '\tout := []int{}\n\tfor _, x := range next() {\n\t\tout = append(out, x)\n\t}'],
    [
      'a statement between the declaration and the loop',
      '\tout := []int{}\n\tsrc = src[1:]\n\tfor _, x := range src {\n\t\tout = append(out, x)\n\t}',
    ],
    ['a slice that does not start empty', '\tout := []int{1}\n\tfor _, x := range src {\n\t\tout = append(out, x)\n\t}'],
    ['a three-clause loop', '\tout := []int{}\n\tfor i := 0; i < len(src); i++ {\n\t\tout = append(out, src[i])\n\t}'],
  ]) {
    test(`not proposed with ${why}`, async () => assert.deepEqual(await preallocated(body), []));
  }
});

describe('strings.Builder in a loop', () => {
  test('the declaration becomes a Builder, each += a WriteString, and the string is made after the loop', async () => {
    const [text] = await built(
      '\ts := "["\n\tfor _, n := range names {\n\t\tif n != "" {\n\t\t\ts += n\n\t\t}\n\t\ts += ","\n\t}\n\tprintln(s)',
    );
    assert.match(
      text,
      /\tvar sBuilder strings\.Builder\n\tsBuilder\.WriteString\("\["\)\n\tfor _, n := range names \{\n\t\tif n != "" \{\n\t\t\tsBuilder\.WriteString\(n\)\n\t\t\}\n\t\tsBuilder\.WriteString\(","\)\n\t\}\n\ts := sBuilder\.String\(\)\n\tprintln\(s\)/,
    );
    assert.match(text, /^import "strings"$/m);
  });

  for (const [why, body] of [
    ['the string read in the loop', '\ts := ""\n\tfor _, n := range names {\n\t\tif len(s) > 10 {\n\t\t\tbreak\n\t\t}\n\t\ts += n\n\t}'],
    ['a type the package may name', '\tvar s label\n\tfor _, n := range names {\n\t\ts += label(n)\n\t}'],
    [
      'a function literal that sees it',
      '\ts := ""\n\tfor _, n := range names {\n\t\ts += n\n\t}\n\tf := func() string { return s }\n\tprintln(f())',
    ],
    ['a goto in the loop', '\ts := ""\n\tfor _, n := range names {\n\t\ts += n\n\t\tgoto end\n\t}\nend:\n\tprintln(s)'],
    ['a plain assignment in the loop', '\ts := ""\n\tfor _, n := range names {\n\t\ts = n + s\n\t}'],
  ]) {
    test(`not proposed with ${why}`, async () => assert.deepEqual(await built(body), []));
  }
});
