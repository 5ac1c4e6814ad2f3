/**
 * Which candidates the syntax proposes, and which it refuses and why, on small in-memory packages. No
 * compiler here and no invented facts: the facts list is empty, so the checks that need the compiler's word
 * (a receiver that "does not escape") must refuse. The compiler's side is in test/integration/fixes.test.ts.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { CodeActionKind } from 'vscode-languageserver';
import { codeAction, fixCodeActions } from '../../server/src/features/codeActions';
import { allowsNewExpression, collectFixCandidates, type FixProposals } from '../../server/src/fixes/fixCandidates';
import type { FixCandidate } from '../../server/src/model/fixes';
import { importPathOf, moduleOf } from '../../server/src/fixes/fixService';
import { applyTextEdits } from '../../server/src/fixes/textEdits';
import type { Verification } from '../../server/src/model/fixes';
import { toSourceText } from '../../server/src/syntax/positions';
import { REPOSITORY_ROOT } from '../helpers/lspClient';

const DIRECTORY = '/virtual/p';

function propose(files: Record<string, string>, options: { languageVersion?: string; maxBytes?: number } = {}): Promise<FixProposals> {
  return collectFixCandidates({
    directory: DIRECTORY,
    files: new Map(Object.entries(files).map(([name, text]) => [path.join(DIRECTORY, name), toSourceText(text)])),
    facts: [],
    languageVersion: options.languageVersion ?? '1.22',
    importPath: 'example.com/p',
    valueReceiverMaxBytes: options.maxBytes ?? 64,
  });
}

function edited(proposals: FixProposals, id: string, name = 'p.go', text?: string): string {
  const candidate = proposals.candidates.find((item) => item.id === id);
  assert.ok(candidate, `${id} is not proposed: ${JSON.stringify(proposals.refused)}`);
  return applyTextEdits(text ?? '', candidate.edits.get(path.join(DIRECTORY, name)) ?? []);
}

function reasonFor(proposals: FixProposals, subject: string): string {
  const refused = proposals.refused.find((item) => item.subject === subject);
  assert.ok(refused, `${subject} is not refused; candidates: ${proposals.candidates.map((item) => item.id).join(', ')}`);
  return refused.reason;
}

describe('return by value', () => {
  const POINT = `package p

import "fmt"

type T struct{ A int }

func (t *T) Bump() { t.A++ }

func newT(a int) *T {
	if a < 0 {
		return new(T)
	}
	return &T{A: a}
}

func Use() {
	x := newT(1)
	x.Bump()
	fmt.Println(x, *x, x.A)
	var y = newT(2)
	_ = y.A
	_ = newT(3).A
	newT(4)
}
`;

  test('drops the * and the &, turns new(T) into T{}, and adapts a bound variable: x → &x, *x → x', async () => {
    const proposals = await propose({ 'p.go': POINT });
    const text = edited(proposals, 'returnByValue:newT', 'p.go', POINT);
    assert.match(text, /func newT\(a int\) T \{\n\tif a < 0 \{\n\t\treturn T\{\}\n\t\}\n\treturn T\{A: a\}/);
    assert.match(text, /\tx := newT\(1\)\n\tx\.Bump\(\)\n\tfmt\.Println\(&x, x, x\.A\)\n/);
    assert.match(text, /\tvar y = newT\(2\)\n\t_ = y\.A\n\t_ = newT\(3\)\.A\n\tnewT\(4\)\n/);
  });

  for (const [name, body, reason] of [
    ['a nil return', 'func newT() *T { return nil }', /returns nil/],
    ['another pointer', 'var shared = &T{}\nfunc newT() *T { return shared }', /returns shared .*pointer others share/],
    ['two results', 'func newT() (*T, error) { return &T{}, nil }', null],
    ['a local whose address is kept', 'var keep *T\nfunc newT() *T { t := T{}; keep = &t; return &t }', /address of t is also taken/],
    ['a local a closure sees', 'func newT() *T { t := T{}; defer func() { t.A = 1 }(); return &t }', /closure, goroutine or deferred call/],
    [
      'a local with a method call the compiler has not cleared',
      'func (t *T) M() {}\nfunc newT() *T { t := T{}; t.M(); return &t }',
      /method M may keep its address/,
    ],
  ] as const) {
    test(`refuses ${name}`, async () => {
      const proposals = await propose({ 'p.go': `package p\n\ntype T struct{ A int }\n\n${body}\n` });
      assert.equal(proposals.candidates.filter((candidate) => candidate.fix === 'returnByValue').length, 0);
      if (reason) assert.match(reasonFor(proposals, 'newT'), reason);
    });
  }

  for (const [name, use, reason] of [
    ['is compared with nil', 'x := newT(); return x != nil', /compared with nil/],
    ['is reassigned', 'x := newT(); x = &T{}; return x != nil', /assigned again|compared with nil/],
    ['is used as a function value', 'f := newT; return f() != nil', /function value/],
    ['needs a pointer (before Go 1.26)', 'return check(newT())', /older than 1\.26/],
    ['is shadowed', 'newT := 1; return newT > 0', /shadows newT/],
    ['is a loop variable, copied per iteration', 'for x := newT(); x.A < 3; x.A++ {\n\t\tcheck(x)\n\t}\n\treturn true', /loop variable/],
  ] as const) {
    test(`refuses when a call site's result ${name}`, async () => {
      const source = `package p\n\ntype T struct{ A int }\n\nfunc newT() *T { return &T{} }\n\nfunc check(*T) bool { return true }\n\nfunc use() bool {\n\t${use}\n}\n`;
      assert.match(reasonFor(await propose({ 'p.go': source }), 'newT'), reason);
    });
  }

  test('from Go 1.26, new(F()) keeps the pointer wherever one may be needed', async () => {
    const source = `package p\n\ntype T struct{ A int }\n\nfunc newT() *T { return &T{} }\n\nfunc check(*T) bool { return true }\n\nfunc use() bool {\n\treturn check(newT())\n}\n`;
    const proposals = await propose({ 'p.go': source }, { languageVersion: '1.26' });
    assert.match(edited(proposals, 'returnByValue:newT', 'p.go', source), /return check\(new\(newT\(\)\)\)/);
  });

  test('finds the call sites in an external test file through its import name', async () => {
    const external = `package p_test\n\nimport q "example.com/p"\n\nfunc use() int {\n\tt := q.NewT()\n\treturn len(fmt.Sprint(t))\n}\n`;
    const proposals = await propose({
      'p.go': 'package p\n\ntype T struct{ A int }\n\nfunc NewT() *T { return &T{} }\n',
      'x_test.go': external,
    });
    const candidate = proposals.candidates.find((item) => item.id === 'returnByValue:NewT')!;
    assert.equal(candidate.externalCallersUnseen, true);
    assert.match(applyTextEdits(external, candidate.edits.get(path.join(DIRECTORY, 'x_test.go'))!), /fmt\.Sprint\(&t\)/);
  });

  test('exported functions of package main have no external callers', async () => {
    const proposals = await propose({
      'p.go': 'package main\n\ntype T struct{ A int }\n\nfunc NewT() *T { return &T{} }\n\nfunc main() {}\n',
    });
    assert.equal(proposals.candidates.find((item) => item.id === 'returnByValue:NewT')?.externalCallersUnseen, false);
  });
});

describe('value receiver', () => {
  const header = 'package p\n\nimport m "math"\nimport "strings"\n\ntype V struct{ X, Y float64 }\n\nvar global float64\n\n';

  test('proposes a read-only method that calls pure functions, writes only its locals and reads its receiver first', async () => {
    const source = `${header}func (v *V) Norm() float64 {\n\tsum := v.X*v.X + v.Y*v.Y\n\tsum += 0\n\treturn m.Sqrt(sum) + float64(len(strings.TrimSpace("a")))\n}\n`;
    const proposals = await propose({ 'p.go': source });
    assert.match(edited(proposals, 'valueReceiver:V.Norm', 'p.go', source), /func \(v V\) Norm\(\) float64/);
    assert.equal(proposals.candidates[0].title, 'Use a value receiver for V.Norm (16 bytes)');
  });

  for (const [name, method, reason] of [
    ['writes a field', 'func (v *V) M() { v.X = 1 }', /writes v\.X/],
    ['writes a package variable', 'func (v *V) M() float64 { global = v.X; return global }', /package variable global/],
    ['passes the receiver on', 'func (v *V) M() float64 { return take(v) }\nfunc take(*V) float64 { return 0 }', /receiver pointer itself/],
    [
      'calls a package function, which could change the receiver',
      'func (v *V) M() float64 { x := v.X; reset(); return x + v.Y }\nfunc reset() {}',
      /calls reset, which may change the receiver/,
    ],
    ['uses the pointer itself', 'func (v *V) M() bool { return v.X > 0 && v != nil }', /receiver pointer itself/],
    ['takes an address', 'func (v *V) M() *float64 { x := v.X; _ = x; return &v.Y }', /address of part of its receiver/],
    [
      'reads the receiver only on some paths',
      'func (v *V) M(ok bool) float64 {\n\tif ok {\n\t\treturn 0\n\t}\n\treturn v.X\n}',
      /does not read its receiver first/,
    ],
    ['starts a goroutine', 'func (v *V) M() { go func() { _ = v.X }() }', /closure, goroutine or deferred call/],
    ['receives from a channel', 'func (v *V) M(c chan int) float64 { x := v.X; <-c; return x + v.Y }', /receives from a channel/],
    [
      'calls a function that could change the receiver',
      'func (v *V) M() float64 { x := v.X; strings.Map(nil, ""); return x }',
      /calls strings\.Map/,
    ],
    ['has an unnamed receiver', 'func (*V) M() int { return 1 }', /never reads its receiver/],
    ['is a String method', 'func (v *V) String() string { return strings.Repeat("x", int(v.X)) }', /run time/],
  ] as const) {
    test(`refuses a method that ${name}`, async () => {
      const proposals = await propose({ 'p.go': `${header}${method}\n` });
      assert.equal(proposals.candidates.length, 0, JSON.stringify(proposals.candidates.map((item) => item.id)));
      assert.match(proposals.refused[0]?.reason ?? '', reason);
    });
  }

  test('refuses a method used as a method value anywhere in the package, and a type over the size limit', async () => {
    const valueUse = await propose({
      'p.go': `${header}func (v *V) X2() float64 { return v.X * 2 }\n`,
      'q.go': 'package p\n\nfunc f(v *V) func() float64 { return v.X2 }\n',
    });
    assert.match(reasonFor(valueUse, 'V.X2'), /method value/);
    const tooBig = await propose({ 'p.go': `${header}func (v *V) X2() float64 { return v.X * 2 }\n` }, { maxBytes: 8 });
    assert.match(reasonFor(tooBig, 'V.X2'), /about 16 bytes, more than goEscapeLens\.valueReceiverMaxBytes \(8\)/);
  });
});

describe('code actions from verdicts', () => {
  const candidate = (overrides: Partial<FixCandidate> = {}): FixCandidate => ({
    fix: 'returnByValue',
    id: 'returnByValue:newPoint',
    title: 'Return Point by value',
    notes: [],
    file: '/virtual/p/p.go',
    triggerRanges: [{ start: { line: 3, character: 5 }, end: { line: 3, character: 13 } }],
    edits: new Map([['/virtual/p/p.go', [{ range: { start: { line: 3, character: 20 }, end: { line: 3, character: 21 } }, newText: '' }]]]),
    externalCallersUnseen: false,
    worthWithoutGain: true,
    ...overrides,
  });
  const uriOf = (file: string) => `file://${file}`;
  const ours = {
    range: { start: { line: 3, character: 0 }, end: { line: 3, character: 9 } },
    message: 'escapes',
    source: 'go-escape-lens',
  };
  const theirs = { ...ours, source: 'gopls' };

  test('a verified removal is a preferred quick-fix carrying its edit and the diagnostics it addresses', () => {
    const action = codeAction(candidate(), { outcome: 'removes', before: 3, after: 1 }, { diagnostics: [ours, theirs], uriOf })!;
    assert.equal(action.title, 'Return Point by value — removes 2 heap allocations (verified)');
    assert.equal(action.kind, CodeActionKind.QuickFix);
    assert.equal(action.isPreferred, true);
    assert.deepEqual(action.diagnostics, [ours]);
    assert.deepEqual(action.edit, {
      changes: {
        'file:///virtual/p/p.go': [{ range: { start: { line: 3, character: 20 }, end: { line: 3, character: 21 } }, newText: '' }],
      },
    });
  });

  test('external callers unseen: only a refactor, saying so; no gain: a refactor saying so, or nothing', () => {
    const external = codeAction(
      candidate({ externalCallersUnseen: true }),
      { outcome: 'removes', before: 1, after: 0 },
      { diagnostics: [], uriOf },
    )!;
    assert.equal(external.kind, CodeActionKind.RefactorRewrite);
    assert.equal(external.isPreferred, undefined);
    assert.equal(external.title, 'Return Point by value — removes 1 heap allocation (verified; external callers are not seen)');
    const noGain = codeAction(
      candidate({ notes: ['Scale keeps a pointer receiver'] }),
      { outcome: 'noGain', before: 1, after: 1 },
      { diagnostics: [], uriOf },
    )!;
    assert.equal(noGain.title, 'Return Point by value — no heap allocation removed (verified; Scale keeps a pointer receiver)');
    assert.equal(noGain.kind, CodeActionKind.RefactorRewrite);
    assert.equal(
      codeAction(candidate({ worthWithoutGain: false }), { outcome: 'noGain', before: 1, after: 1 }, { diagnostics: [], uriOf }),
      undefined,
    );
  });

  test('a fix that breaks the build or adds allocations, or is not verified yet, is never offered', () => {
    const request = {
      file: '/virtual/p/p.go',
      range: { start: { line: 3, character: 6 }, end: { line: 3, character: 6 } },
      diagnostics: [],
      uriOf,
    };
    const verdicts: (Verification | undefined)[] = [
      { outcome: 'breaks', reason: 'x' },
      { outcome: 'adds', before: 1, after: 2 },
      undefined,
    ];
    for (const verdict of verdicts)
      assert.deepEqual(
        fixCodeActions([candidate()], () => verdict, request),
        [],
      );
    assert.equal(fixCodeActions([candidate()], () => ({ outcome: 'removes', before: 1, after: 0 }), request).length, 1);
    assert.deepEqual(
      fixCodeActions([candidate()], () => ({ outcome: 'removes', before: 1, after: 0 }), { ...request, only: [CodeActionKind.Refactor] }),
      [],
    );
    const elsewhere = { ...request, range: { start: { line: 9, character: 0 }, end: { line: 9, character: 0 } } };
    assert.deepEqual(
      fixCodeActions([candidate()], () => ({ outcome: 'removes', before: 1, after: 0 }), elsewhere),
      [],
    );
  });
});

test('the module directive decides whether new(expression) may be written; import paths come from go.mod', async () => {
  assert.equal(allowsNewExpression('1.22'), false);
  assert.equal(allowsNewExpression('1.26'), true);
  assert.equal(allowsNewExpression('1.26.1'), true);
  assert.equal(allowsNewExpression(undefined), false);
  const directory = path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'fixes', 'modern', 'build');
  const module = await moduleOf(directory);
  assert.deepEqual(module, { root: path.dirname(directory), path: 'example.com/fixes/modern', goVersion: '1.26' });
  assert.equal(importPathOf(module!, directory), 'example.com/fixes/modern/build');
});
