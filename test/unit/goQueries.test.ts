/**
 * The tree-sitter queries in grammars/go: each compiles against the pinned grammar, the code names exactly
 * the files there, and the patterns find what the walks they replaced found.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { importsOf, structFieldsByType } from '../../server/src/fixes/goTree';
import { methodHeaders } from '../../server/src/fixes/valueReceiver';
import { functionDeclarations, importedPaths } from '../../server/src/syntax/declarations';
import { queryClassOf, withGoTree } from '../../server/src/syntax/goParser';
import { GO_QUERY_NAMES, goQueryFile } from '../../server/src/syntax/goQueries';

const GRAMMARS = path.join(__dirname, '..', '..', 'grammars', 'go');

test('every query in grammars/go compiles against tree-sitter-go, and the code names each file', async () => {
  const files = fs.readdirSync(GRAMMARS).filter((file) => file.endsWith('.scm'));
  assert.deepEqual(files.map((file) => file.replace(/\.scm$/, '')).sort(), [...GO_QUERY_NAMES].sort());
  await withGoTree('package p\n', (tree) => {
    // The Query class of the runtime the tree comes from (goParser.ts loads its own copy of web-tree-sitter).
    const Query = queryClassOf(tree.language);
    for (const name of GO_QUERY_NAMES) {
      const source = fs.readFileSync(goQueryFile(name), 'utf8');
      assert.match(source, /tree-sitter-go@0\.25\.0/, `${name}.scm names the grammar it was written for`);
      const query = new Query(tree.language, source);
      query.delete();
    }
  });
});

const SOURCE = `package p

import (
	"fmt"
	m "math"
	_ "embed"
)

import "strings"

type Point struct{ X, Y int }
type Box[T any] struct {
	Value T
	*Point
}

func NewPoint() *Point { return &Point{} }

func (p *Point) Scale(k int) { p.X *= k }

func (b Box[T]) Get() T { return b.Value }

func (_ *Box[T]) Reset() {}

//go:noescape
func external(x *int)

func main() {
	type local struct{ A int }
	f := func() {}
	f()
	fmt.Println(m.Pi, strings.ToUpper(""))
}
`;

test('functions.scm: every top-level function and method, in order, with the compiler name and body', async () => {
  const functions = await withGoTree(SOURCE, functionDeclarations);
  assert.deepEqual(
    functions.map((declaration) => [declaration.compilerName, declaration.nameRange.start.line, declaration.bodyStart !== undefined]),
    [
      ['NewPoint', 16, true],
      ['(*Point).Scale', 18, true],
      ['Box.Get', 20, true],
      ['(*Box).Reset', 22, true],
      ['external', 25, false],
      ['main', 27, true],
    ],
  );
});

test('functions.scm: method headers name the receiver type, its pointer and its name', async () => {
  const headers = await withGoTree(SOURCE, (tree) => methodHeaders(tree.rootNode, 'p.go'));
  assert.deepEqual(
    headers.map((header) => [header.typeName, header.name, header.pointerReceiver, header.receiverName]),
    [
      ['Point', 'Scale', true, 'p'],
      ['Box', 'Get', false, 'b'],
      ['Box', 'Reset', true, undefined],
    ],
  );
});

test('imports.scm and structTypes.scm: imports by name and path, struct fields by type at any depth', async () => {
  await withGoTree(SOURCE, (tree) => {
    assert.deepEqual([...importedPaths(tree)], ['fmt', 'math', 'embed', 'strings']);
    assert.deepEqual(
      [...importsOf(tree.rootNode)],
      [
        ['fmt', 'fmt'],
        ['m', 'math'],
        ['_', 'embed'],
        ['strings', 'strings'],
      ],
    );
    assert.deepEqual(
      [...structFieldsByType(tree.rootNode)].map(([type, fields]) => [type, [...fields]]),
      [
        ['Point', ['X', 'Y']],
        ['Box', ['Value', 'Point']],
        ['local', ['A']],
      ],
    );
  });
});
