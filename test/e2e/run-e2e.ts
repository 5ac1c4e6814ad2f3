/**
 * `npm run test:e2e`: the extension in real editors. Prepares the tools once (test/e2e/prepare.sh: Debian's
 * Chromium and Neovim, Node 24, code-server and vsce in a cache outside the repository — minutes the first
 * time, a fraction of a second after), packs the .vsix with `npm run package`, then runs the VS Code test
 * and the Neovim test one after the other (they share two cores with the compiler).
 *
 *   npm run test:e2e                          run both
 *   npm run test:e2e -- --update-screenshot   also copy the hover screenshot to docs/screenshot.png
 *
 * Screenshots and logs: $GO_ESCAPE_LENS_E2E_ARTIFACTS, by default <tmp>/go-escape-lens-e2e-artifacts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { e2eTools, REPOSITORY_ROOT } from './helpers/environment';

const started = performance.now();
const tools = e2eTools();
const artifacts = process.env.GO_ESCAPE_LENS_E2E_ARTIFACTS ?? path.join(os.tmpdir(), 'go-escape-lens-e2e-artifacts');
fs.mkdirSync(artifacts, { recursive: true });
const vsix = path.join(artifacts, 'go-escape-lens.vsix');

// `npm run package` builds dist/ (the Neovim test runs dist/cli.js) and packs the .vsix the VS Code test installs.
execFileSync(process.execPath, [path.join(REPOSITORY_ROOT, 'scripts', 'package.mjs'), '--out', vsix], {
  cwd: REPOSITORY_ROOT,
  env: { ...process.env, ...tools },
  stdio: 'inherit',
});

const tests = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', path.join(__dirname, 'vscode.test.ts'), path.join(__dirname, 'neovim.test.ts')],
  {
    cwd: REPOSITORY_ROOT,
    stdio: 'inherit',
    env: {
      ...process.env,
      ...tools,
      GO_ESCAPE_LENS_VSIX: vsix,
      GO_ESCAPE_LENS_E2E_ARTIFACTS: artifacts,
      ...(process.argv.includes('--update-screenshot') ? { GO_ESCAPE_LENS_E2E_UPDATE_SCREENSHOT: '1' } : {}),
    },
  },
);
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(`end-to-end tests ${tests.status === 0 ? 'passed' : 'FAILED'} in ${seconds} s; screenshots and logs in ${artifacts}`);
process.exit(tests.status ?? 1);
