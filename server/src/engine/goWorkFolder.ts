/**
 * Where a go command keeps its work folder (`go-build…`): in a folder of ours, made for each command and
 * removed when it ends. A go command that is killed (its analysis cancelled by a newer save, a CLI run
 * interrupted) cannot remove its work folder itself, and each one left behind holds that run's compiled
 * packages. Ours sits where go would have put its own: GOTMPDIR (from the environment, or as `go env -w` set
 * it), else the temp folder of go's environment. Users move it off a small or noexec /tmp for a reason.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { removeAtExit } from './temporaryDirectory';

export interface WorkFolder {
  readonly path: string;
  /** Removes it, now that the go command has ended; one that cannot be removed is left to the exit's removal. */
  readonly remove: () => void;
}

/** A fresh work folder for one go command run with `env` in `cwd`; undefined if none can be made (go then chooses). */
export function goWorkFolder(env: NodeJS.ProcessEnv, cwd: string): WorkFolder | undefined {
  let made: string;
  try {
    made = fs.mkdtempSync(path.join(path.resolve(cwd, goTemporaryFolder(env)), 'go-escape-lens-gotmp-'));
  } catch {
    return undefined;
  }
  const forget = removeAtExit(made);
  return { path: made, remove: () => void fs.promises.rm(made, { recursive: true, force: true }).then(forget, () => undefined) };
}

/** Where go makes its work folder with `env`: cmd/go's GOTMPDIR, else os.TempDir() of that environment. */
export function goTemporaryFolder(env: NodeJS.ProcessEnv): string {
  const fromTemp = process.platform === 'win32' ? env.TMP || env.TEMP : env.TMPDIR;
  return env.GOTMPDIR || goEnvFileValue(env, 'GOTMPDIR') || fromTemp || os.tmpdir();
}

/** A setting `go env -w` wrote: go reads $GOENV, else <user config folder>/go/env, lines of KEY=VALUE. */
function goEnvFileValue(env: NodeJS.ProcessEnv, key: string): string | undefined {
  if (env.GOENV === 'off') return undefined;
  const file = env.GOENV || path.join(userConfigFolder(env), 'go', 'env');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
    if (match?.[1] === key) return match[2].trim() || undefined;
  }
  return undefined;
}

/** Go's os.UserConfigDir for this environment. */
function userConfigFolder(env: NodeJS.ProcessEnv): string {
  const home = env.HOME || os.homedir();
  if (process.platform === 'win32') return env.AppData || path.join(home, 'AppData', 'Roaming');
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support');
  return env.XDG_CONFIG_HOME || path.join(home, '.config');
}
