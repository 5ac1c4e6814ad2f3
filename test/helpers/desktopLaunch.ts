/**
 * The environment of an editor launched from a desktop: its login shell never put Go's folder on PATH, and
 * there is no GOROOT. The Go the tests use must still be found: in its default install folder when it is
 * in one (Go installed as the official installer does), else through GOROOT, the next place searched.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The official installers' folders and the Linux packages' one (engine/findGo.ts searches more). */
const DEFAULT_FOLDERS = ['/usr/local/go/bin', '/usr/lib/go/bin'];

export interface DesktopLaunch {
  /** PATH without any folder that holds a `go`, and GOROOT only when Go is not in a default folder. */
  readonly env: NodeJS.ProcessEnv;
  /** The go the server should find, as it names it in the log. */
  readonly goBinary: string;
  /** How the log says it was found. */
  readonly foundWhere: RegExp;
}

export function desktopLaunch(base: NodeJS.ProcessEnv = process.env): DesktopLaunch {
  const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8', env: base }).trim();
  const goBinary = path.join(goroot, 'bin', 'go');
  const withoutGo = (base.PATH ?? '')
    .split(path.delimiter)
    .filter((folder) => folder && !isExecutable(path.join(folder, 'go')))
    .join(path.delimiter);
  const env: NodeJS.ProcessEnv = { ...base, PATH: withoutGo };
  delete env.GOROOT;
  if (DEFAULT_FOLDERS.includes(path.dirname(goBinary))) {
    return {
      env,
      goBinary,
      foundWhere: new RegExp(`found in the default install folder ${escapeRegExp(path.dirname(goBinary))}`),
    };
  }
  return { env: { ...env, GOROOT: goroot }, goBinary, foundWhere: /found in GOROOT\/bin/ };
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
