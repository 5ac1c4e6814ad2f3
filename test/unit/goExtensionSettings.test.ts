import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goExtensionGoLocation, withGoExtensionSettings } from '../../server/src/goExtensionSettings';

const OURS = { goBinary: 'go', buildFlags: [], env: {} };

test("the Go extension's build tags, flags and tool environment are used", () => {
  const merged = withGoExtensionSettings(OURS, { buildTags: 'integration,linux', buildFlags: ['-race'], toolsEnvVars: { GOOS: 'linux' } });
  assert.deepEqual(merged, { goBinary: 'go', buildFlags: ['-tags=integration,linux', '-race'], env: { GOOS: 'linux' } });
});

test('our settings win: our -tags replaces go.buildTags, our env overrides go.toolsEnvVars', () => {
  const merged = withGoExtensionSettings(
    { goBinary: '/opt/go/bin/go', buildFlags: ['-tags=mine'], env: { GOOS: 'darwin' } },
    { buildTags: 'theirs', toolsEnvVars: { GOOS: 'linux', CGO_ENABLED: '0' } },
  );
  assert.deepEqual(merged, { goBinary: '/opt/go/bin/go', buildFlags: ['-tags=mine'], env: { GOOS: 'darwin', CGO_ENABLED: '0' } });
});

test("a -gcflags in go.buildFlags is dropped, since it would replace the analysis's own", () => {
  assert.deepEqual(withGoExtensionSettings(OURS, { buildFlags: ['-gcflags=-N -l', '-mod=vendor'] }).buildFlags, ['-mod=vendor']);
});

test('missing or malformed Go settings change nothing', () => {
  assert.deepEqual(withGoExtensionSettings(OURS, undefined), OURS);
  assert.deepEqual(withGoExtensionSettings(OURS, { buildTags: 3, buildFlags: 'x', toolsEnvVars: [] }), OURS);
});

test("go.alternateTools.go and go.goroot say where the Go extension's go is", () => {
  assert.deepEqual(goExtensionGoLocation({ alternateTools: { go: ' /opt/go/bin/go ' }, goroot: '/opt/go' }), {
    alternateTool: '/opt/go/bin/go',
    goroot: '/opt/go',
  });
  assert.deepEqual(goExtensionGoLocation({ alternateTools: { gopls: 'x' }, goroot: 3 }), {});
  assert.deepEqual(goExtensionGoLocation(undefined), {});
});
