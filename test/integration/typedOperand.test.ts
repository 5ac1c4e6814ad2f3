/**
 * The typed fmt rewrites print what fmt prints, value by value: a package of one-call functions over many
 * types and verbs is typed by the real type checker, rewritten by the real candidates, and a Go test
 * compares each original with its rewrite on edge values (sizes' limits, negative numbers, NaN and
 * infinities, empty and non-ASCII strings, nil pointers whose method expects them). What is refused must
 * be refused for the reason fmt gives: a nil or an interface whose dynamic type decides.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadOperandTypes } from '../../server/src/engine/operandTypes';
import { runGo } from '../../server/src/engine/runGo';
import { collectFixCandidates, type FixProposals } from '../../server/src/fixes/fixCandidates';
import { applyToSource } from '../../server/src/fixes/textEdits';
import { toSourceText } from '../../server/src/syntax/positions';
import { requireGo } from '../helpers/goOracle';

/** One function `cN(v T) string` that formats `v`, and the values the Go test calls both versions with. */
interface Case {
  readonly type: string;
  readonly body: string;
  readonly values: readonly string[];
  /** Set when the rewrite must be refused: what the reason says. */
  readonly refused?: RegExp;
}

/** Values are Go expressions of the test package, with `$` for the package (p or q) where a type of its own is needed. */
const INTEGERS: readonly [string, readonly string[]][] = [
  ['int', ['0', '-1', 'math.MaxInt', 'math.MinInt']],
  ['int8', ['0', '-128', '127']],
  ['int16', ['-32768', '32767']],
  ['int32', ['-2147483648', '2147483647']],
  ['int64', ['math.MinInt64', 'math.MaxInt64']],
  ['uint', ['0', 'math.MaxUint']],
  ['uint8', ['0', '255']],
  ['uint16', ['65535']],
  ['uint32', ['4294967295']],
  ['uint64', ['math.MaxUint64']],
  ['uintptr', ['0', '0xdeadbeef']],
  ['Count', ['$.Count(-7)', '$.Count(math.MaxInt64)']],
];

const FLOATS = [
  '0',
  'math.Copysign(0, -1)',
  '0.1',
  '1e21',
  '1e20',
  '1e-7',
  '123456789',
  'math.NaN()',
  'math.Inf(1)',
  'math.Inf(-1)',
  '3.4e38',
];

const CASES: readonly Case[] = [
  ...INTEGERS.flatMap(([type, values]) => [
    { type, body: 'fmt.Sprintf("%d", v)', values },
    { type, body: 'fmt.Sprintf("<%v>", v)', values },
    { type, body: 'fmt.Sprintf("%x", v)', values },
    { type, body: 'fmt.Sprint(v)', values },
  ]),
  ...['float64', 'float32', 'Ratio'].flatMap((type) =>
    ['%v', '%g', '%f', '%e'].map((verb) => ({
      type,
      body: `fmt.Sprintf("${verb}", v)`,
      values: FLOATS.map((value) => `${type === 'Ratio' ? '$.Ratio' : type}(${value})`),
    })),
  ),
  { type: 'string', body: 'fmt.Sprintf("[%s|%v|%q]", v, v, v)', values: ['""', '"a%b"', '"héllo\\n\\t\\"x\\""', '"\\xff"'] },
  { type: 'Name', body: 'fmt.Sprintf("[%s|%v|%q]", v, v, v)', values: ['$.Name("n")', '$.Name("é")'] },
  { type: '[]byte', body: 'fmt.Sprintf("[%s|%q]", v, v)', values: ['nil', '[]byte("a\\x00b")'] },
  { type: 'bool', body: 'fmt.Sprintf("%t/%v", v, v)', values: ['true', 'false'] },
  { type: 'Flag', body: 'fmt.Sprint(v)', values: ['$.Flag(true)'] },
  { type: 'Level', body: 'fmt.Sprintf("%v %s %d %q", v, v, v, v)', values: ['$.Level(0)', '$.Level(1)', '$.Level(-3)'] },
  { type: '*Node', body: 'fmt.Sprintf("%v|%s", v, v)', values: ['(*$.Node)(nil)', '&$.Node{Name: "n"}'] },
  { type: 'Fault', body: 'fmt.Sprintf("%v|%s|%q", v, v, v)', values: ['$.Fault{Code: 3}'] },
  { type: 'int', body: 'fmt.Sprint(v, v, "s", v)', values: ['1', '-2'] },
  { type: '*Place', body: 'fmt.Sprintf("%v", v)', values: [], refused: /v may be a nil \*p\.Place/ },
  { type: 'error', body: 'fmt.Sprintf("%v", v)', values: [], refused: /v may be a nil error/ },
  { type: 'any', body: 'fmt.Sprintf("%v", v)', values: [], refused: /v is an interface \(any\)/ },
  { type: 'Celsius', body: 'fmt.Sprintf("%v", v)', values: [], refused: /formats itself/ },
  // validator v10 formatted map keys this way: fmt prints the key, Value.String prints "<int Value>".
  { type: 'reflect.Value', body: 'fmt.Sprintf("%v", v)', values: [], refused: /v is a reflect\.Value, which fmt prints/ },
];

const TYPES = `
// Count is a named integer without methods: it prints as its integer.
type Count int64

// Ratio is a named float.
type Ratio float64

// Name is a named string without methods.
type Name string

// Flag is a named bool.
type Flag bool

// Level prints its name for %v %s %q, and its number for %d.
type Level int

func (l Level) String() string {
	switch l {
	case 0:
		return "debug"
	case 1:
		return "info"
	}
	return "level?"
}

// Node's String is declared on the pointer and expects nil.
type Node struct{ Name string }

func (n *Node) String() string {
	if n == nil {
		return "no node"
	}
	return "node " + n.Name
}

// Fault is an error value; fmt prefers Error to String.
type Fault struct{ Code int }

func (f Fault) Error() string  { return "fault " + strconv.Itoa(f.Code) }
func (f Fault) String() string { return "not this" }

// Place's String has a value receiver: a nil *Place prints as <nil> under fmt, and panics when called.
type Place struct{ Name string }

func (p Place) String() string { return "place " + p.Name }

// Celsius formats itself.
type Celsius float64

func (c Celsius) Format(f fmt.State, _ rune) { fmt.Fprintf(f, "%.1f C", float64(c)) }
`;

function packageSource(name: string, functions: string): string {
  return `package ${name}

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
)

var (
	_ = errors.New
	_ = fmt.Sprint
	_ = reflect.ValueOf
	_ = strconv.Itoa
)
${functions}`;
}

function functionsOf(cases: readonly Case[]): string {
  return cases.map((item, index) => `\nfunc C${index}(v ${item.type}) string {\n\treturn ${item.body}\n}\n`).join('');
}

describe('typed fmt rewrites print what fmt prints', () => {
  const GO = { goBinary: 'go', buildFlags: [], env: {} };
  let root: string;
  let proposals: FixProposals;
  let original: string;
  let file: string;
  before(async () => {
    requireGo();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'gel-typed-'));
    fs.writeFileSync(path.join(root, 'go.mod'), 'module example.com/typed\n\ngo 1.22\n');
    const directory = path.join(root, 'p');
    fs.mkdirSync(directory);
    file = path.join(directory, 'p.go');
    original = packageSource('p', TYPES + functionsOf(CASES));
    fs.writeFileSync(file, original);
    const types = await loadOperandTypes({ directory, files: new Map([[file, original]]), settings: GO, runGo, waitForBuild: true });
    assert.equal(types.status, 'ok', types.status === 'ok' ? '' : types.reason);
    proposals = await collectFixCandidates({
      directory,
      files: new Map([[file, toSourceText(original)]]),
      facts: [],
      valueReceiverMaxBytes: 64,
      operandTypes: types,
    });
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  test('each case is rewritten, or refused for its reason', () => {
    for (const [index, item] of CASES.entries()) {
      const line = original.split('\n').findIndex((text) => text === `func C${index}(v ${item.type}) string {`) + 2;
      const rewritten = proposals.candidates.some((candidate) => candidate.id.endsWith(`p.go:${line}:9`));
      const refusal = proposals.refused.find((refused) => refused.subject.endsWith(`at line ${line}`));
      if (item.refused) {
        assert.ok(!rewritten, `C${index} (${item.type}, ${item.body}) was rewritten`);
        assert.match(refusal?.reason ?? '', item.refused, `C${index}`);
      } else {
        assert.ok(rewritten, `C${index} (${item.type}, ${item.body}) was not rewritten: ${refusal?.reason}`);
      }
    }
  });

  test('on every value, the rewrite prints exactly what fmt printed', () => {
    const edits = proposals.candidates.flatMap((candidate) => candidate.imports?.expressionEdits ?? []);
    const rewritten = applyToSource(toSourceText(original), edits).replace(/^package p$/m, 'package q');
    const directory = path.join(root, 'q');
    fs.mkdirSync(directory, { recursive: true });
    fs.writeFileSync(path.join(directory, 'q.go'), rewritten);
    const checks = CASES.flatMap((item, index) =>
      item.values.map(
        (value) => `\tsame(t, ${index}, p.C${index}(${value.replaceAll('$', 'p')}), q.C${index}(${value.replaceAll('$', 'q')}))`,
      ),
    );
    fs.writeFileSync(
      path.join(root, 'same_test.go'),
      `package typed

import (
	"math"
	"testing"

	"example.com/typed/p"
	"example.com/typed/q"
)

var _ = math.Pi

func same(t *testing.T, index int, want, got string) {
	t.Helper()
	if got != want {
		t.Errorf("C%d: fmt printed %q, the rewrite %q", index, want, got)
	}
}

func TestSame(t *testing.T) {
${checks.join('\n')}
}
`,
    );
    const result = spawnSync('go', ['test', '-count=1', '.'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, GOPROXY: 'off', GOFLAGS: '', GOTOOLCHAIN: 'local' },
    });
    assert.equal(result.status, 0, `${result.stdout}${result.stderr}\n--- the rewritten package:\n${rewritten}`);
  });
});
