import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dependentRefreshTargets, MAX_REFRESHED_PACKAGES } from '../../server/src/dependentPackages';

test('one open file per other package, never the saved package itself', () => {
  const targets = dependentRefreshTargets('/m/lib', ['/m/lib/a.go', '/m/app/main.go', '/m/app/util.go', '/m/cmd/x/x_test.go', '/m/README.md']);
  assert.deepEqual(targets, ['/m/app/main.go', '/m/cmd/x/x_test.go']);
});

test('at most MAX_REFRESHED_PACKAGES packages', () => {
  const open = Array.from({ length: MAX_REFRESHED_PACKAGES + 5 }, (_, index) => `/m/p${index}/f.go`);
  assert.equal(dependentRefreshTargets('/m/lib', open).length, MAX_REFRESHED_PACKAGES);
});
