/**
 * Size estimates against the truth: the same type declarations are measured with `unsafe.Sizeof` by the
 * installed Go (`go run`) and estimated from the syntax tree, and must agree on this 64-bit machine.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { typeLayout } from '../../server/src/features/typeSize';
import { packageDeclarations, typeShape } from '../../server/src/syntax/declarations';
import { withGoTree } from '../../server/src/syntax/goParser';
import { requireGo } from '../helpers/goOracle';

const DECLARATIONS = `
const N = 1 << 4
const M = N*3 + 1

type Point struct{ X, Y int }
type Mixed struct {
	A bool
	B int64
	C bool
	D int32
	E string
}
type Trailing struct {
	A int64
	B struct{}
}
type Padded struct {
	A byte
	B [3]uint16
	C complex64
}
type Arrays struct {
	A [N]byte
	B [M]int32
	C [2][3]Point
	D [0x10]bool
}
type Refs struct {
	P *Point
	S []int
	M map[string]int
	C chan int
	F func()
	I interface{ M() }
	E error
	A any
	U uintptr
}
type Embedded struct {
	Point
	*Mixed
	R rune
}
type Box[T any] struct {
	Value T
	Ok    bool
}
type Pair[K comparable, V any] struct {
	Key   K
	Value Box[V]
}
type Big [16 << 20]byte
`;

const MEASURED = [
  'Point',
  'Mixed',
  'Trailing',
  'Padded',
  'Arrays',
  'Refs',
  'Embedded',
  'Box[int8]',
  'Box[string]',
  'Pair[int16, float64]',
  'Big',
];

function measureWithGo(): Map<string, number> {
  requireGo();
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'escape-lens-sizes-'));
  try {
    fs.writeFileSync(path.join(directory, 'go.mod'), 'module sizes\n\ngo 1.22\n');
    const prints = MEASURED.map((type) => `\tfmt.Printf("%s=%d\\n", ${JSON.stringify(type)}, unsafe.Sizeof(*new(${type})))`).join('\n');
    fs.writeFileSync(
      path.join(directory, 'main.go'),
      `package main\n\nimport (\n\t"fmt"\n\t"unsafe"\n)\n${DECLARATIONS}\nfunc main() {\n${prints}\n}\n`,
    );
    const result = spawnSync('go', ['run', '.'], {
      cwd: directory,
      encoding: 'utf8',
      env: { ...process.env, GOPROXY: 'off', GOTOOLCHAIN: 'local' },
    });
    assert.equal(result.status, 0, result.stderr);
    return new Map(
      result.stdout
        .trim()
        .split('\n')
        .map((line) => [line.split('=')[0], Number(line.split('=')[1])]),
    );
  } finally {
    fs.rmSync(directory, { recursive: true, force: true });
  }
}

test('estimated sizes equal unsafe.Sizeof on the installed Go', async () => {
  const measured = measureWithGo();
  const declarations = await withGoTree(`package p\n${DECLARATIONS}`, packageDeclarations);
  await withGoTree(`package p\nvar _ = []any{${MEASURED.map((type) => `*new(${type})`).join(', ')}}\n`, (tree) => {
    const calls = tree.rootNode.descendantsOfType('call_expression');
    assert.equal(calls.length, MEASURED.length);
    for (const call of calls) {
      const argument = call.childForFieldName('arguments')!.namedChildren[0];
      const estimated = typeLayout(typeShape(argument), declarations)?.size;
      const name = argument.text.replace(/,\s*/g, ', ');
      assert.equal(estimated, measured.get(name), `${name}: estimated ${estimated}, unsafe.Sizeof says ${measured.get(name)}`);
    }
  });
});
