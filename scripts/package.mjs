// `npm run package`: bundles the extension, then packs the .vsix with @vscode/vsce.
//
// vsce 4 needs Node >= 22 and the project runs on Node 20, so vsce and a Node 24 come from the e2e tools
// cache outside the repository (test/e2e/prepare.sh, `package` mode: no root, no code-server). A caller
// that has already prepared (the e2e run) passes NODE24_BIN and VSCE_BIN in the environment.
// What goes into the package is decided by package.json's `files`, the allow-list npm also packs by (vsce
// refuses a .vscodeignore beside it). A pattern may match nothing yet (grammars/ before a grammar ships).
//
// Usage: node scripts/package.mjs [--out file.vsix]
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const outArgument = process.argv.indexOf('--out');
const out = path.resolve(outArgument >= 0 ? process.argv[outArgument + 1] : path.join(root, `${manifest.name}-${manifest.version}.vsix`));

execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });

const tools = toolPaths();
fs.rmSync(out, { force: true });
// --no-dependencies: the esbuild bundles already hold every dependency, so node_modules stays out.
execFileSync(tools.NODE24_BIN, [tools.VSCE_BIN, 'package', '--no-dependencies', '--allow-unused-files-pattern', '--out', out], {
  cwd: root,
  stdio: 'inherit',
});
const bytes = fs.statSync(out).size;
console.log(`${path.relative(process.cwd(), out) || out}: ${(bytes / 1024).toFixed(0)} KiB (${bytes} bytes)`);

/** NODE24_BIN and VSCE_BIN from the environment, or from prepare.sh's `KEY=value` lines (bash %q quoting). */
function toolPaths() {
  if (process.env.NODE24_BIN && process.env.VSCE_BIN) return { NODE24_BIN: process.env.NODE24_BIN, VSCE_BIN: process.env.VSCE_BIN };
  const output = execFileSync('bash', [path.join(root, 'test', 'e2e', 'prepare.sh'), 'package'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const values = Object.fromEntries(
    output
      .split('\n')
      .map((line) => /^([A-Z0-9_]+)=(.*)$/.exec(line))
      .filter((match) => match !== null)
      .map((match) => [match[1], match[2].replace(/\\(.)/g, '$1')]),
  );
  if (!values.NODE24_BIN || !values.VSCE_BIN) throw new Error(`prepare.sh printed no NODE24_BIN/VSCE_BIN:\n${output}`);
  return values;
}
