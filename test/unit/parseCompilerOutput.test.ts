/**
 * The parser on output recorded from the real compiler (`npm run record-fixtures` re-records it).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { EscapeFact } from '../../server/src/model/facts';
import { parseCompilerOutput } from '../../server/src/engine/parseCompilerOutput';

const RECORDED = path.join(__dirname, '..', 'fixtures', 'recorded');
const ARTICLE = path.join(__dirname, '..', 'fixtures', 'article');

function parseRecorded(name: string, packageName = name, buildSucceeded = true) {
  const directory = path.join(ARTICLE, packageName);
  const output = fs.readFileSync(path.join(RECORDED, `${name}.txt`), 'utf8');
  return parseCompilerOutput(output, { workingDirectory: directory, packageDirectory: directory, buildSucceeded });
}

function only(facts: readonly EscapeFact[], kind: EscapeFact['kind']) {
  return facts.filter((fact) => fact.kind === kind);
}

test('heap escapes carry their -m=2 flow chain with reasons and resolved positions', () => {
  const { facts, importPaths, errors } = parseRecorded('pointers');
  assert.deepEqual(importPaths, ['example.com/article/pointers']);
  assert.deepEqual(errors, []);
  const escapes = only(facts, 'escape');
  assert.equal(escapes.length, 2);
  const newPoint = escapes[0];
  assert.equal(newPoint.expression, '&Point{...}');
  assert.equal(newPoint.functionName, 'NewPoint');
  assert.deepEqual(newPoint.position, { file: path.join(ARTICLE, 'pointers', 'pointers.go'), line: 10, byteColumn: 9 });
  assert.equal(newPoint.flows.length, 1);
  assert.equal(newPoint.flows[0].destination, '~r0');
  assert.equal(newPoint.flows[0].source, '&{storage for &Point{...}}');
  assert.deepEqual(
    newPoint.flows[0].steps.map((step) => [step.expression, step.reason, step.position?.line, step.position?.byteColumn]),
    [
      ['&Point{...}', 'spill', 10, 9],
      ['return &Point{...}', 'return', 10, 2],
    ],
  );
  assert.match(newPoint.compilerText.join('\n'), /escapes to heap in NewPoint:[\s\S]*&Point\{\.\.\.\} escapes to heap$/);
});

test('moved-to-heap variables get the explanation printed as "x escapes to heap in F:"', () => {
  const moved = only(parseRecorded('pointers').facts, 'moved');
  assert.equal(moved.length, 1);
  assert.equal(moved[0].expression, 'u');
  assert.equal(moved[0].functionName, 'CreateUser');
  assert.deepEqual(
    moved[0].flows[0].steps.map((step) => step.reason),
    ['address-of', 'return'],
  );
});

test('the three forms of leaking parameters', () => {
  const pointerLeaks = only(parseRecorded('pointers').facts, 'leak');
  assert.deepEqual(
    pointerLeaks.map((fact) => [fact.expression, fact.leak]),
    [['name', { parameter: 'name', what: 'param' }]],
  );
  assert.equal(pointerLeaks[0].flows[0].destination, 'u');

  const contentLeak = only(parseRecorded('withtests').facts, 'leak').find((fact) => fact.expression === 's');
  assert.deepEqual(contentLeak?.leak, { parameter: 's', what: 'content' });

  const vectorLeak = only(parseRecorded('vector').facts, 'leak');
  assert.deepEqual(
    vectorLeak.map((fact) => fact.expression),
    ['v'],
  );
  assert.equal(vectorLeak[0].functionName, '(*Vector).Remember');
});

test('a leak to a result keeps the result name and level', () => {
  const directory = '/m/p';
  const { facts } = parseCompilerOutput(
    [
      '# example.com/m/p',
      './a.go:29:8: parameter p leaks to ~r0 for g with derefs=0:',
      './a.go:29:8:   flow: ~r0 ← p:',
      './a.go:29:8:     from return p (return) at ./a.go:29:19',
      './a.go:29:8: leaking param: p to result ~r0 level=0',
    ].join('\n'),
    { workingDirectory: directory, packageDirectory: directory, buildSucceeded: true },
  );
  assert.deepEqual(facts[0].leak, { parameter: 'p', what: 'param', toResult: '~r0', level: 0 });
  assert.equal(facts[0].flows[0].steps[0].reason, 'return');
});

test('an explanation whose header names more than the final line (append) still belongs to it', () => {
  const append = only(parseRecorded('withtests').facts, 'escape').find((fact) => fact.position.line === 10);
  assert.equal(append?.expression, 'append');
  assert.equal(append?.functionName, '(*Stack).Push');
  assert.deepEqual(
    append?.flows[0].steps.map((step) => step.reason),
    ['spill', 'assign'],
  );
});

test('closures: the escaping func literal and the captured variable', () => {
  const { facts } = parseRecorded('closures');
  const heap = facts.filter((fact) => fact.kind === 'escape' || fact.kind === 'moved');
  assert.deepEqual(
    heap.map((fact) => `${fact.position.line}:${fact.position.byteColumn} ${fact.kind} ${fact.expression}`).sort(),
    [
      '10:2 moved c',
      '11:9 escape func literal',
      '19:2 moved value',
      '20:9 escape func literal',
      '28:24 escape "hello, " + name',
      '29:9 escape func literal',
    ].sort(),
  );
  const captured = heap.find((fact) => fact.expression === 'c');
  assert.ok(captured?.flows.some((flow) => flow.steps.some((step) => step.reason === 'captured by a closure')));
});

test('inlining decisions and does-not-escape facts are kept in the model', () => {
  const { facts } = parseRecorded('withtests');
  const cannot = only(facts, 'cannotInline').find((fact) => fact.expression === 'TestPush');
  assert.deepEqual(cannot?.inline, {
    functionName: 'TestPush',
    reason: 'function too complex: cost 86 exceeds budget 80',
    cost: 86,
    budget: 80,
  });
  const can = only(facts, 'canInline').find((fact) => fact.expression === '(*Stack).Push');
  assert.deepEqual(can?.inline, { functionName: '(*Stack).Push', cost: 7 });
  assert.ok(only(facts, 'noEscape').some((fact) => fact.expression === '&Stack{}'));
  assert.ok(only(facts, 'inlinedCall').some((fact) => fact.expression === '(*Stack).Push'));
});

test('go test -c output: all package variants, and nothing from _testmain.go, the standard library or <autogenerated>', () => {
  const { facts, importPaths } = parseRecorded('withtests');
  assert.deepEqual(importPaths, [
    'example.com/article/withtests [example.com/article/withtests.test]',
    'example.com/article/withtests_test [example.com/article/withtests.test]',
    'example.com/article/withtests.test',
  ]);
  const directory = path.join(ARTICLE, 'withtests');
  for (const fact of facts) assert.equal(path.dirname(fact.position.file), directory, JSON.stringify(fact.position));
  const files = new Set(facts.map((fact) => path.basename(fact.position.file)));
  assert.deepEqual([...files].sort(), ['external_test.go', 'stack.go', 'stack_test.go']);
});

test('generic code: shapes in the expression, the instantiation wrapper and the inlined call are all kept', () => {
  const escapes = only(parseRecorded('generics').facts, 'escape');
  assert.deepEqual(escapes.map((fact) => `${fact.position.line}:${fact.position.byteColumn} ${fact.expression}`).sort(), [
    '10:9 &Box[go.shape.int]{...}',
    '15:15 &Box[go.shape.int]{...}',
    '9:6 &Box[go.shape.int]{...}',
  ]);
});

test('-m (level 1) output gives the same facts without explanations', () => {
  const full = parseRecorded('pointers').facts.filter((fact) => fact.kind === 'escape' || fact.kind === 'moved');
  const brief = parseRecorded('pointers-m1', 'pointers').facts.filter((fact) => fact.kind === 'escape' || fact.kind === 'moved');
  assert.deepEqual(
    brief.map((fact) => [fact.kind, fact.expression, fact.position]),
    full.map((fact) => [fact.kind, fact.expression, fact.position]),
  );
  assert.ok(brief.every((fact) => fact.flows.length === 0));
});

test('duplicate lines give one fact', () => {
  const { facts } = parseCompilerOutput('./a.go:25:14: "ü" + a escapes to heap\n./a.go:25:14: "ü" + a escapes to heap\n', {
    workingDirectory: '/m',
    packageDirectory: '/m',
    buildSucceeded: true,
  });
  assert.equal(facts.length, 1);
});

test('older compilers: "flow: a = b" and a header without "in F"', () => {
  const { facts } = parseCompilerOutput(
    [
      './main.go:8:9: &Point{...} escapes to heap:',
      './main.go:8:9:   flow: ~r0 = &{storage for &Point{...}}:',
      './main.go:8:9:     from &Point{...} (spill) at ./main.go:8:9',
      './main.go:8:9:     from return &Point{...} (return) at ./main.go:8:2',
      './main.go:8:9: &Point{...} escapes to heap',
    ].join('\n'),
    { workingDirectory: '/m', packageDirectory: '/m', buildSucceeded: true },
  );
  assert.equal(facts[0].flows[0].destination, '~r0');
  assert.equal(facts[0].flows[0].steps.length, 2);
  assert.equal(facts[0].functionName, undefined);
});

test('a failed build: positioned and unpositioned lines become errors, with tab-indented continuations', () => {
  const { facts, errors } = parseCompilerOutput(
    ['# example.com/m', './a.go:5:2: undefined: x', 'go: cannot find main module', '\tdetails here'].join('\n'),
    { workingDirectory: '/m', packageDirectory: '/m', buildSucceeded: false },
  );
  assert.deepEqual(facts, []);
  assert.deepEqual(errors, [
    { position: { file: '/m/a.go', line: 5, byteColumn: 2 }, message: 'undefined: x' },
    { position: null, message: 'go: cannot find main module\ndetails here' },
  ]);
});

test('lines of unknown shape in a successful build are kept as unrecognised, not dropped', () => {
  const { unrecognised, facts } = parseCompilerOutput('./a.go:1:1: something new the compiler says\n', {
    workingDirectory: '/m',
    packageDirectory: '/m',
    buildSucceeded: true,
  });
  assert.deepEqual(facts, []);
  assert.deepEqual(unrecognised, ['./a.go:1:1: something new the compiler says']);
});

test("reading one file only gives exactly that file's facts, as the full parse does", () => {
  let checkedFiles = 0;
  for (const name of fs.readdirSync(RECORDED).filter((entry) => entry.endsWith('.txt') && entry !== 'config.txt')) {
    const packageName = name.replace(/\.txt$/, '').replace(/-m1$/, '');
    const directory = path.join(ARTICLE, packageName);
    const output = fs.readFileSync(path.join(RECORDED, name));
    const full = parseCompilerOutput(output, { workingDirectory: directory, packageDirectory: directory, buildSucceeded: true });
    for (const file of new Set(full.facts.map((fact) => fact.position.file))) {
      const only = parseCompilerOutput(output, {
        workingDirectory: directory,
        packageDirectory: directory,
        buildSucceeded: true,
        onlyFile: file,
      });
      assert.deepEqual(
        only.facts,
        full.facts.filter((fact) => fact.position.file === file),
        `${name}: ${file}`,
      );
      assert.deepEqual(only.importPaths, full.importPaths);
      checkedFiles++;
    }
  }
  assert.ok(checkedFiles >= 8, `only ${checkedFiles} files were checked`);
});
