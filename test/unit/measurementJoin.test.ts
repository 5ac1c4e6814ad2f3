/**
 * The pure parts of the measurement join: path mapping, benchmark lines, likely causes, function spans.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseBenchmarkLine } from '../../server/src/engine/runBenchmark';
import { likelyCause } from '../../server/src/measurement/likelyCause';
import { lineCanAllocate } from '../../server/src/measurement/lineCanAllocate';
import { packagePathOf, pathResolver, shortFunctionName } from '../../server/src/measurement/profilePaths';
import { functionSpans } from '../../server/src/syntax/functionSpans';
import { withGoTree } from '../../server/src/syntax/goParser';

describe('profile paths', () => {
  const files = new Set([
    '/ws/measured/parse/parse.go',
    '/ws/measured/service/main.go',
    '/usr/local/go/src/strings/strings.go',
    '/root/go/pkg/mod/github.com/x/y@v1.2.3/z.go',
  ]);
  const resolve = pathResolver({
    modules: [{ path: 'example.com/measured', directory: '/ws/measured' }],
    goroot: '/usr/local/go',
    moduleCache: '/root/go/pkg/mod',
    exists: (file) => files.has(file),
  });

  test('package paths and short names from symbol names', () => {
    assert.equal(packagePathOf('example.com/m/parse.(*T).M.func2.1'), 'example.com/m/parse');
    assert.equal(packagePathOf('main.main.func1'), 'main');
    assert.equal(packagePathOf('example.com/m/p.Map[go.shape.*example.com/x.T]'), 'example.com/m/p');
    assert.equal(shortFunctionName('example.com/m/parse.(*T).M.func2.1'), '(*T).M.func2.1');
    assert.equal(shortFunctionName('example.com/m/p.Map[...]'), 'Map');
  });

  test('a workspace package, wherever the binary was built', () => {
    for (const file of ['/ws/measured/parse/parse.go', '/home/ci/src/elsewhere/parse/parse.go', 'example.com/measured/parse/parse.go']) {
      assert.deepEqual(resolve(file, 'example.com/measured/parse.NewToken'), {
        kind: 'workspace',
        file: '/ws/measured/parse/parse.go',
        module: { path: 'example.com/measured', directory: '/ws/measured' },
      });
    }
  });

  test('package main: this machine, -trimpath, or a checkout of the same name elsewhere; not another program', () => {
    for (const file of ['/ws/measured/service/main.go', 'example.com/measured/service/main.go', '/home/ci/measured/service/main.go']) {
      assert.equal(resolve(file, 'main.main').kind, 'workspace', file);
    }
    assert.deepEqual(resolve('/tmp/other/service/main.go', 'main.main'), { kind: 'unmatched' });
    assert.deepEqual(resolve('example.com/other/service/main.go', 'main.main'), { kind: 'unmatched' });
  });

  test('the standard library and the module cache, linked to the local copy', () => {
    const local = { kind: 'goroot', file: '/usr/local/go/src/strings/strings.go' };
    assert.deepEqual(resolve('/opt/go/src/strings/strings.go', 'strings.Repeat'), local);
    assert.deepEqual(resolve('strings/strings.go', 'strings.Repeat'), local);
    const cached = { kind: 'moduleCache', file: '/root/go/pkg/mod/github.com/x/y@v1.2.3/z.go' };
    assert.deepEqual(resolve('/home/ci/go/pkg/mod/github.com/x/y@v1.2.3/z.go', 'github.com/x/y.F'), cached);
    assert.deepEqual(resolve('github.com/x/y@v1.2.3/z.go', 'github.com/x/y.F'), cached);
    assert.deepEqual(resolve('github.com/x/y@v9.9.9/z.go', 'github.com/x/y.F'), { kind: 'moduleCache', file: undefined });
  });
});

test('benchmark lines', () => {
  const stdout = [
    'goos: linux',
    'BenchmarkParse-2   \t    2000\t     27393 ns/op\t    1368 B/op\t      23 allocs/op',
    'BenchmarkParser-2   \t    2000\t     1 ns/op\t    0 B/op\t      0 allocs/op',
    'PASS',
  ].join('\n');
  assert.deepEqual(parseBenchmarkLine(stdout, 'BenchmarkParse'), {
    name: 'BenchmarkParse',
    iterations: 2000,
    nsPerOp: 27393,
    bytesPerOp: 1368,
    allocsPerOp: 23,
  });
  assert.equal(parseBenchmarkLine('BenchmarkParse-2 \t 100 \t 5.5 ns/op', 'BenchmarkParse'), undefined, 'without -benchmem figures');
});

describe('likely causes', () => {
  const cause = (lineText: string, stackExpressions: string[] = [], callee: { functionName: string; line: number }[] = []) =>
    likelyCause({ lineText, stackExpressions, callee }).kind;
  test('from the line and the compiler’s stack facts', () => {
    assert.equal(cause('\t\tcounts[w]++'), 'map-growth');
    assert.equal(cause('\tm[key] = value // store'), 'map-growth');
    assert.equal(cause('\tout = append(out, x)'), 'append-growth');
    assert.equal(cause('\tbuf := make([]byte, n)', ['make([]byte, n)']), 'runtime-sized-make');
    assert.equal(cause('\treturn len(a + b)', ['a + b']), 'string-building');
    assert.equal(cause('\tif x == y[0] {'), 'new-object');
  });
  test('from the frames below the site', () => {
    assert.equal(cause('\tx := f()', [], [{ functionName: 'runtime.growslice', line: 1 }]), 'append-growth');
    assert.equal(
      cause(
        '\tx := f()',
        [],
        [
          { functionName: 'internal/bytealg.MakeNoZero', line: 1 },
          { functionName: 'strings.Repeat', line: 2 },
        ],
      ),
      'callee',
    );
  });
});

test('function spans name closures as the compiler does', async () => {
  const source = [
    'package p',
    '',
    'type T struct{}',
    '',
    'func (t *T) M() func() func() {',
    '\ta := func() {}',
    '\ta()',
    '\treturn func() func() {',
    '\t\treturn func() {}',
    '\t}',
    '}',
    '',
    'func F[X any](x X) {}',
  ].join('\n');
  const spans = await withGoTree(source, functionSpans);
  assert.deepEqual(spans, [
    { name: '(*T).M', startLine: 5, endLine: 11 },
    { name: '(*T).M.func1', startLine: 6, endLine: 6 },
    { name: '(*T).M.func2', startLine: 8, endLine: 10 },
    { name: '(*T).M.func2.1', startLine: 9, endLine: 9 },
    { name: 'F', startLine: 13, endLine: 13 },
  ]);
});

describe('a line a stale site may land on', () => {
  const frame = (functionName: string) => ({ functionName, line: 1 });
  test('a blank line, a comment or a lone brace cannot be a site', () => {
    for (const line of ['', '\t', '\t// A comment.', '\t}', '\t})', '/* block */']) assert.equal(lineCanAllocate(line, [[]]), false, line);
    assert.equal(lineCanAllocate('\tr := &request{id: id}', [[]]), true);
  });
  test('an allocation inside another package’s function needs a call of it by name on the line', () => {
    const repeat = [frame('strings.Repeat')];
    assert.equal(lineCanAllocate('\treturn len(strings.Repeat(word, 8))', [repeat]), true);
    assert.equal(lineCanAllocate('\tword = strings.TrimSpace(word)', [repeat]), false);
    assert.equal(
      lineCanAllocate('\tbuf.Write(p) // via io.Writer', [[frame('bytes.(*Buffer).grow'), frame('bytes.(*Buffer).Write')]]),
      true,
    );
    assert.equal(lineCanAllocate('\tout := slices.Collect(seq)', [[frame('slices.Collect[...]')]]), true);
  });
  test('runtime helpers and closures are not called by name: the line only needs code', () => {
    assert.equal(lineCanAllocate('\tout = append(out, s)', [[frame('runtime.growslice')]]), true);
    assert.equal(lineCanAllocate('\tdo()', [[frame('example.com/x.Run.func1')]]), true);
  });
});
