/**
 * Golden files: for each package of the article module, what the editor shows — code lenses, inlay hints,
 * and the hover at every fact and function name — compared with the file recorded next to each Go file.
 * The facts come from the installed compiler at test time; `npm run update-golden` re-records after an
 * intended change (review the diff before committing it).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { goVersion, requireGo } from '../helpers/goOracle';
import {
  analyseFixture,
  comparable,
  FIXTURES,
  GOLDEN_PACKAGES,
  GOLDEN_SUFFIX,
  goldenPath,
  readGolden,
  recordedVersion,
  renderPackage,
} from './render';

requireGo();
const version = goVersion();

for (const packageName of GOLDEN_PACKAGES) {
  test(`golden: ${packageName}`, async () => {
    const rendered = await renderPackage(await analyseFixture(packageName), version);
    assert.ok(rendered.size > 0, `${packageName} has no facts at all: the analysis found nothing to record`);
    for (const [goFile, actual] of rendered) {
      const expected = readGolden(goFile);
      const relative = path.relative(FIXTURES, goldenPath(goFile));
      assert.ok(expected !== undefined, `${relative} is missing: run \`npm run update-golden\``);
      const recordedWith = recordedVersion(expected);
      assert.equal(
        comparable(actual),
        comparable(expected),
        `${relative} differs from what the editor now shows (recorded with ${recordedWith}, running ${version}). ` +
          'If the change is intended, run `npm run update-golden` and review the diff.',
      );
    }
    // A golden file whose Go file no longer has facts (or no longer exists) is stale.
    const directory = path.join(FIXTURES, packageName);
    for (const name of fs.readdirSync(directory).filter((file) => file.endsWith(GOLDEN_SUFFIX))) {
      const goFile = path.join(directory, `${name.slice(0, -GOLDEN_SUFFIX.length)}.go`);
      assert.ok(rendered.has(goFile), `${path.join(packageName, name)} is stale: run \`npm run update-golden\``);
    }
  });
}
