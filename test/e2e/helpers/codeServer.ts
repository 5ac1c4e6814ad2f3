/**
 * A real VS Code (code-server, the same workbench and extension host as the desktop app) running isolated
 * in a run folder: its own user data, its own extensions folder holding only the .vsix under test, its own
 * config (no password), on a free port. Started directly on Node 24, in its own process group.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { E2eTools, RunFolder } from './environment';

export interface CodeServer {
  readonly url: string;
  readonly process: ChildProcess;
  readonly userDataDir: string;
  readonly logFile: string;
}

/** User settings that keep first-run noise (welcome page, chat, update checks, recommendations) off screen. */
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'editor.minimap.enabled': false,
  'files.autoSave': 'off',
};

export function installExtension(tools: E2eTools, run: RunFolder, vsix: string): { userDataDir: string; extensionsDir: string } {
  const userDataDir = path.join(run.root, 'code-server', 'user-data');
  const extensionsDir = path.join(run.root, 'code-server', 'extensions');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  const output = execFileSync(
    tools.NODE24_BIN,
    [tools.CODE_SERVER_BIN, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', vsix],
    { env: run.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (!/successfully installed/i.test(output)) throw new Error(`code-server --install-extension ${vsix} said:\n${output}`);
  return { userDataDir, extensionsDir };
}

export async function startCodeServer(
  tools: E2eTools,
  run: RunFolder,
  dirs: { userDataDir: string; extensionsDir: string },
): Promise<CodeServer> {
  const config = path.join(run.root, 'code-server', 'config.yaml');
  // Port 0: the kernel picks a free port and code-server prints it.
  fs.writeFileSync(config, 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');
  const logFile = path.join(run.root, 'code-server', 'code-server.log');
  const child = spawn(
    tools.NODE24_BIN,
    [
      tools.CODE_SERVER_BIN,
      '--config',
      config,
      '--user-data-dir',
      dirs.userDataDir,
      '--extensions-dir',
      dirs.extensionsDir,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
    ],
    // Started as a desktop starts an editor: no Go on PATH, no GOROOT, no goPath setting.
    { env: run.desktop.env, cwd: run.home, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const log = fs.createWriteStream(logFile);
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      const match = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(seen);
      if (match) {
        child.stdout!.off('data', onData);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code, signal) => reject(new Error(`code-server exited (${code ?? signal}) before listening:\n${seen}`)));
  });
  return { url, process: child, userDataDir: dirs.userDataDir, logFile };
}
