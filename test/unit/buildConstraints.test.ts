/**
 * Which files the build leaves out, by go/build's rules, and what would bring each in. The cases the go
 * command is asked about too (`go list` on a real module) are in test/lsp/buildExclusion.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type BuildContext,
  buildContext,
  buildExclusion,
  describeExclusion,
  parseConstraint,
} from '../../server/src/engine/buildConstraints';

const LINUX: BuildContext = { goos: 'linux', goarch: 'amd64', tags: [], cgo: true };
const file = (header: string) => `${header}\n\npackage p\n`;

test('//go:build ignore: left out; -tags=ignore brings it in', () => {
  const exclusion = buildExclusion('gen.go', file('//go:build ignore'), LINUX);
  assert.deepEqual(exclusion, {
    rule: '//go:build ignore',
    wouldInclude: '-tags=ignore',
    current: 'GOOS=linux, GOARCH=amd64, no build tags',
  });
  assert.equal(
    describeExclusion('gen.go', exclusion!),
    'gen.go is not part of the build under the current settings (GOOS=linux, GOARCH=amd64, no build tags): //go:build ignore. It would be included with -tags=ignore.',
  );
});

test('another GOOS, by the constraint or by the file name', () => {
  assert.equal(buildExclusion('a.go', file('//go:build windows'), LINUX)?.wouldInclude, 'GOOS=windows');
  assert.equal(buildExclusion('a.go', file('//go:build darwin || freebsd'), LINUX)?.wouldInclude, 'GOOS=darwin');
  const named = buildExclusion('conn_windows.go', file('// Package p.'), LINUX);
  assert.equal(named?.rule, 'its name ends in _windows');
  assert.equal(named?.wouldInclude, 'GOOS=windows');
  assert.equal(buildExclusion('x_arm64.go', file(''), LINUX)?.wouldInclude, 'GOARCH=arm64');
  assert.equal(buildExclusion('x_darwin_arm64_test.go', file(''), LINUX)?.wouldInclude, 'GOOS=darwin, GOARCH=arm64');
});

test('files that are part of the build', () => {
  assert.equal(buildExclusion('a.go', file('//go:build linux && amd64'), LINUX), undefined);
  assert.equal(buildExclusion('a.go', file('//go:build unix'), LINUX), undefined);
  assert.equal(buildExclusion('a.go', file('//go:build !windows'), LINUX), undefined);
  assert.equal(buildExclusion('a.go', file('//go:build go1.21'), LINUX), undefined);
  assert.equal(buildExclusion('a.go', file('//go:build integration'), { ...LINUX, tags: ['integration'] }), undefined);
  assert.equal(buildExclusion('conn_linux.go', file(''), LINUX), undefined);
  assert.equal(buildExclusion('linux.go', file(''), LINUX), undefined, 'a whole name is not a suffix');
  // A //go:build line after the package clause is not a constraint.
  assert.equal(buildExclusion('a.go', 'package p\n\n//go:build ignore\n', LINUX), undefined);
});

test('tags, cgo and combinations', () => {
  assert.equal(buildExclusion('a.go', file('//go:build integration && !race'), LINUX)?.wouldInclude, '-tags=integration');
  assert.equal(buildExclusion('a.go', file('//go:build cgo'), { ...LINUX, cgo: false })?.wouldInclude, 'CGO_ENABLED=1');
  assert.equal(buildExclusion('a.go', file('//go:build (windows && arm64) || plan9'), LINUX)?.wouldInclude, 'GOOS=plan9');
  assert.equal(buildExclusion('a.go', file('//go:build ignore && !ignore'), LINUX)?.wouldInclude, undefined);
  assert.equal(buildExclusion('_scratch.go', file(''), LINUX)?.rule, 'the go command ignores files whose names start with _ or .');
  assert.equal(parseConstraint('linux &&'), undefined);
});

test('the context comes from the settings over the host', () => {
  const context = buildContext({ goBinary: 'go', buildFlags: ['-tags=a,b', '-race'], env: { GOOS: 'windows', GOARCH: 'arm64' } }, {});
  assert.deepEqual(context, { goos: 'windows', goarch: 'arm64', tags: ['a', 'b'], cgo: false });
  assert.deepEqual(buildContext({ goBinary: 'go', buildFlags: ['-tags', 'x y'], env: {} }, { CGO_ENABLED: '0' }).tags, ['x', 'y']);
});
