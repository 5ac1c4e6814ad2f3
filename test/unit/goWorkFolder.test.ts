/**
 * The go command's work folder goes where go would have put it: GOTMPDIR from the environment, else as
 * `go env -w` wrote it into go's env file, else the temp folder of go's environment. The go command itself
 * is asked what it would use, so the test follows go, not the code's own idea of it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { goTemporaryFolder, goWorkFolder } from '../../server/src/engine/goWorkFolder';
import { requireGo } from '../helpers/goOracle';

const temporary = fs.mkdtempSync(path.join(os.tmpdir(), 'gel-gotmp-'));
after(() => fs.rmSync(temporary, { recursive: true, force: true }));
before(() => requireGo());

/** What go says GOTMPDIR is with `env`, and where its work folder would go: GOTMPDIR, else its temp folder. */
function goSays(env: NodeJS.ProcessEnv): string {
  const goTmpDir = execFileSync('go', ['env', 'GOTMPDIR'], { env, encoding: 'utf8' }).trim();
  return goTmpDir || (env.TMPDIR as string);
}

test('GOTMPDIR set with go env -w (in $GOENV) is where the work folder goes, as go would put its own', () => {
  const envFile = path.join(temporary, 'goenv');
  const configured = path.join(temporary, 'configured');
  fs.mkdirSync(configured);
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: temporary, GOENV: envFile };
  delete env.GOTMPDIR;
  execFileSync('go', ['env', '-w', `GOTMPDIR=${configured}`], { env });
  assert.equal(goSays(env), configured);
  assert.equal(goTemporaryFolder(env), configured);
  const folder = goWorkFolder(env, temporary);
  assert.ok(folder && path.dirname(folder.path) === configured, `made in ${folder?.path}`);
  folder.remove();
});

test('GOTMPDIR in the environment wins over the env file; without either, the environment’s TMPDIR', () => {
  const envFile = path.join(temporary, 'goenv-other');
  const configured = path.join(temporary, 'from-file');
  const fromEnvironment = path.join(temporary, 'from-environment');
  for (const folder of [configured, fromEnvironment]) fs.mkdirSync(folder);
  const base: NodeJS.ProcessEnv = { ...process.env, TMPDIR: temporary, GOENV: envFile };
  delete base.GOTMPDIR;
  execFileSync('go', ['env', '-w', `GOTMPDIR=${configured}`], { env: base });
  const withVariable = { ...base, GOTMPDIR: fromEnvironment };
  assert.equal(goSays(withVariable), fromEnvironment);
  assert.equal(goTemporaryFolder(withVariable), fromEnvironment);
  const off = { ...base, GOENV: 'off' };
  assert.equal(goSays(off), temporary);
  assert.equal(goTemporaryFolder(off), temporary);
});
