/**
 * The copy of the module `fix` runs a failing test in again, with the real go command: the fixes are
 * written in the copy and not in the module, a `replace` to a directory beside the module still finds it,
 * the copy is removed after, and a module in a go.work workspace is not copied (the workspace names the
 * original directory), with the reason.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { withModuleCopy } from '../../server/src/check/moduleCopy';
import { runGo } from '../../server/src/engine/runGo';
import { requireGo } from '../helpers/goOracle';

const temporary = fs.mkdtempSync(path.join(os.tmpdir(), 'gel-module-copy-'));
after(() => fs.rmSync(temporary, { recursive: true, force: true }));
before(() => requireGo());

const settings = { goBinary: 'go', buildFlags: [], env: {} };

/** app (example.com/app) beside dep (example.com/dep), which app's go.mod replaces with ../dep. */
function modulesSideBySide(): { app: string; dep: string } {
  const root = fs.mkdtempSync(path.join(temporary, 'side-'));
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  };
  write('dep/go.mod', 'module example.com/dep\n\ngo 1.22\n');
  write('dep/dep.go', 'package dep\n\nfunc Name() string { return "dep" }\n');
  write('app/go.mod', 'module example.com/app\n\ngo 1.22\n\nrequire example.com/dep v0.0.0\n\nreplace example.com/dep => ../dep\n');
  write('app/inner/app.go', 'package inner\n\nimport "example.com/dep"\n\nfunc Name() string { return dep.Name() }\n');
  return { app: path.join(root, 'app'), dep: path.join(root, 'dep') };
}

describe('withModuleCopy', () => {
  test('writes the fixes in a copy that builds against the replaced module beside the original, and removes it', async () => {
    const { app } = modulesSideBySide();
    const file = path.join(app, 'inner', 'app.go');
    const original = fs.readFileSync(file, 'utf8');
    const fixed = original.replace('return dep.Name()', 'return dep.Name() + "!"');
    let copied = '';
    const result = await withModuleCopy(path.join(app, 'inner'), new Map([[file, fixed]]), { settings, runGo }, async (copyCwd) => {
      copied = copyCwd;
      assert.notEqual(copyCwd, path.join(app, 'inner'));
      assert.equal(fs.readFileSync(path.join(copyCwd, 'app.go'), 'utf8'), fixed);
      return runGo({ goBinary: 'go', args: ['build', '.'], cwd: copyCwd, env: { ...process.env, GOPROXY: 'off', GOFLAGS: '' } });
    });
    assert.ok(typeof result !== 'string', String(result));
    assert.equal(result.value.exitCode, 0, result.value.stderr);
    assert.equal(fs.readFileSync(file, 'utf8'), original, 'the module itself is not written');
    assert.ok(copied.length > 0 && !fs.existsSync(copied), 'the copy is removed');
  });

  test('a module in a go.work workspace is not copied, and the reason names the workspace', async () => {
    const { app } = modulesSideBySide();
    const workspace = path.join(path.dirname(app), 'go.work');
    fs.writeFileSync(workspace, 'go 1.22\n\nuse (\n\t./app\n\t./dep\n)\n');
    let used = false;
    const result = await withModuleCopy(app, new Map(), { settings, runGo }, async () => {
      used = true;
    });
    assert.equal(used, false);
    assert.equal(typeof result, 'string');
    assert.match(String(result), /go\.work workspace .*go\.work/);
  });
});
