/**
 * `npm run update-golden`: re-records the golden files next to the fixture Go files from the installed
 * compiler, and removes golden files whose Go file no longer has facts. Review the diff before committing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { goVersion, requireGo } from '../helpers/goOracle';
import { analyseFixture, FIXTURES, GOLDEN_PACKAGES, GOLDEN_SUFFIX, goldenPath, readGolden, renderPackage } from './render';

async function main(): Promise<void> {
  requireGo();
  const version = goVersion();
  for (const packageName of GOLDEN_PACKAGES) {
    const rendered = await renderPackage(await analyseFixture(packageName), version);
    for (const [goFile, text] of rendered) {
      const status = readGolden(goFile) === text ? 'unchanged' : 'written';
      if (status === 'written') fs.writeFileSync(goldenPath(goFile), text);
      console.log(`${status.padEnd(9)} ${path.relative(FIXTURES, goldenPath(goFile))}`);
    }
    const directory = path.join(FIXTURES, packageName);
    for (const name of fs.readdirSync(directory).filter((file) => file.endsWith(GOLDEN_SUFFIX))) {
      const goFile = path.join(directory, `${name.slice(0, -GOLDEN_SUFFIX.length)}.go`);
      if (!rendered.has(goFile)) {
        fs.rmSync(path.join(directory, name));
        console.log(`removed   ${path.join(packageName, name)}`);
      }
    }
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
