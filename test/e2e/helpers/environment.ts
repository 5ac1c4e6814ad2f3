/**
 * What an end-to-end test needs around it: the prepared tools (test/e2e/prepare.sh, cached outside the
 * repository), a run folder that stands in for HOME, TMPDIR and the XDG folders (code-server, Chromium and
 * Neovim all write there, never to the real home), a copy of a fixture module to open (editors change files;
 * the repository's fixtures must stay as they are), and the folder the screenshots go to.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type DesktopLaunch, desktopLaunch } from '../../helpers/desktopLaunch';
import { RUN_MARKER } from './processes';

export const REPOSITORY_ROOT = path.resolve(__dirname, '..', '..', '..');

export interface E2eTools {
  readonly NODE24_BIN: string;
  readonly VSCE_BIN: string;
  readonly CODE_SERVER_BIN: string;
  readonly CHROMIUM_BIN: string;
  readonly NVIM_BIN: string;
}

const TOOL_NAMES = ['NODE24_BIN', 'VSCE_BIN', 'CODE_SERVER_BIN', 'CHROMIUM_BIN', 'NVIM_BIN'] as const;

/**
 * The tools from the environment (run-e2e.ts prepares once and passes them down), else from prepare.sh,
 * which installs what is missing (minutes, once) and answers in a fraction of a second when warm.
 */
export function e2eTools(): E2eTools {
  if (TOOL_NAMES.every((name) => process.env[name])) {
    return Object.fromEntries(TOOL_NAMES.map((name) => [name, process.env[name]!])) as unknown as E2eTools;
  }
  const prepare = spawnSync('bash', [path.join(REPOSITORY_ROOT, 'test', 'e2e', 'prepare.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (prepare.status !== 0) {
    throw new Error(`test/e2e/prepare.sh failed (${prepare.status ?? prepare.signal ?? prepare.error}); its messages are above`);
  }
  const output = prepare.stdout;
  const values = new Map<string, string>();
  for (const line of output.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    // prepare.sh prints bash %q quoting, which only backslash-escapes for the paths it prints.
    if (match) values.set(match[1], match[2].replace(/\\(.)/g, '$1'));
  }
  const missing = TOOL_NAMES.filter((name) => !values.get(name));
  if (missing.length > 0) throw new Error(`test/e2e/prepare.sh did not print ${missing.join(', ')}:\n${output}`);
  for (const name of TOOL_NAMES) {
    if (!fs.existsSync(values.get(name)!)) throw new Error(`${name}=${values.get(name)} does not exist; run test/e2e/prepare.sh`);
  }
  return Object.fromEntries(values) as unknown as E2eTools;
}

export interface RunFolder {
  /** Unique per run; the value of RUN_MARKER in every process the run starts. */
  readonly id: string;
  readonly root: string;
  readonly home: string;
  /** The environment for every process the run starts: HOME, TMPDIR and XDG_* inside the run folder. */
  readonly env: NodeJS.ProcessEnv;
  /**
   * The same as a desktop launch has it, for the editor: Go's folder not on PATH, no GOROOT (unless Go is
   * outside the default install folders), and the go that must be found anyway.
   */
  readonly desktop: DesktopLaunch;
  /** Copies test/fixtures/<name> into the run folder and returns the copy's path. */
  copyFixture(name: string): string;
  remove(): void;
}

export function makeRunFolder(label: string): RunFolder {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `go-escape-lens-e2e-${label}-`));
  const home = path.join(root, 'home');
  const folders = {
    HOME: home,
    TMPDIR: path.join(root, 'tmp'),
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_STATE_HOME: path.join(home, '.local', 'state'),
    XDG_RUNTIME_DIR: path.join(root, 'runtime'),
  };
  for (const folder of Object.values(folders)) fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
  // VS Code takes the extension host's environment from a login shell (`$SHELL -ilc env`). Launched from a
  // desktop, that shell's profile often never puts Go's folder on PATH: this one does exactly that, so the
  // extension must find go as the Go extension does.
  const id = path.basename(root);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...folders,
    SHELL: '/bin/bash',
    // The compiler's build cache is a cache: sharing the developer's (and CI's) keeps the run fast and
    // behaves as it does for a user. Everything else Go writes (GOPATH, telemetry) lands in the run's HOME.
    GOCACHE: goEnv('GOCACHE'),
    [RUN_MARKER]: id,
  };
  const desktop = desktopLaunch(env);
  const profile = [`export PATH=${shellQuote(desktop.env.PATH ?? '/usr/bin:/bin')}`, 'unset GOROOT'];
  if (desktop.env.GOROOT) profile.push(`export GOROOT=${shellQuote(desktop.env.GOROOT)}`);
  fs.writeFileSync(path.join(home, '.profile'), `${profile.join('\n')}\n`);
  return {
    id,
    root,
    home,
    env,
    desktop,
    copyFixture(name) {
      const copy = path.join(root, 'workspace', name);
      fs.cpSync(path.join(REPOSITORY_ROOT, 'test', 'fixtures', name), copy, { recursive: true });
      return copy;
    },
    remove() {
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

function goEnv(name: string): string {
  try {
    return execFileSync('go', ['env', name], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('The end-to-end tests run the real Go compiler, and no `go` command was found on PATH. Install Go first.');
  }
}

/**
 * Where screenshots and logs go: outside the repository, `$GO_ESCAPE_LENS_E2E_ARTIFACTS` or a fixed folder
 * under the system's temp folder. Each test empties its own subfolder, so the folder shows the last run.
 */
export function artifactsFolder(subfolder: string): string {
  const base = process.env.GO_ESCAPE_LENS_E2E_ARTIFACTS ?? path.join(os.tmpdir(), 'go-escape-lens-e2e-artifacts');
  const folder = path.join(base, subfolder);
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(folder, { recursive: true });
  return folder;
}

/**
 * The .vsix under test: the one run-e2e.ts packed for this run (`GO_ESCAPE_LENS_VSIX`), else a fresh
 * `npm run package` into the run folder, so a test run alone never installs a stale package.
 */
export function vsixUnderTest(tools: E2eTools, run: RunFolder): string {
  if (process.env.GO_ESCAPE_LENS_VSIX) return process.env.GO_ESCAPE_LENS_VSIX;
  const out = path.join(run.root, 'go-escape-lens.vsix');
  execFileSync(process.execPath, [path.join(REPOSITORY_ROOT, 'scripts', 'package.mjs'), '--out', out], {
    cwd: REPOSITORY_ROOT,
    env: { ...process.env, NODE24_BIN: tools.NODE24_BIN, VSCE_BIN: tools.VSCE_BIN },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return out;
}
