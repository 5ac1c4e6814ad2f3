/**
 * Finds the go command the way the Go extension does, so a desktop launch whose login shell never put Go's
 * folder on PATH still works: our `goPath` setting, `go.alternateTools.go`, `go.goroot`, `GOROOT`, PATH, then
 * the folders the official installers use. The first candidate that exists and runs (`go version`) wins.
 *
 * Pure apart from the injected probe (files, folders, running `go version`), so the order is unit-tested
 * without touching the machine. The probe runs go through the injected runner, which refuses in Restricted
 * Mode; the server does not even search there.
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FoundGo, GoCandidate, GoSearch } from '../model/goLocation';
import type { GoRunner } from './runGo';

export interface GoSearchInput {
  /** `goEscapeLens.goPath` (the CLI's `--go`); empty when not set. */
  readonly goPath?: string;
  /** The Go extension's `go.alternateTools.go`. */
  readonly alternateTool?: string;
  /** The Go extension's `go.goroot`. */
  readonly goroot?: string;
  /** The environment the editor (or the CLI) was started with: GOROOT, PATH, HOME, LOCALAPPDATA, ProgramFiles. */
  readonly environment: Readonly<Record<string, string | undefined>>;
  readonly platform: NodeJS.Platform;
}

export interface GoProbe {
  isExecutableFile(file: string): Promise<boolean>;
  listDirectory(directory: string): Promise<string[]>;
  /** What `go version` prints, or undefined when the binary does not run. */
  version(binary: string): Promise<string | undefined>;
}

export async function findGo(input: GoSearchInput, probe: GoProbe): Promise<GoSearch> {
  const tried: { candidate: GoCandidate; problem?: string }[] = [];
  const seen = new Set<string>();
  for (const candidate of await goCandidates(input, probe)) {
    const binary = await resolveCandidate(candidate.path, input, probe);
    if (!binary) {
      tried.push({ candidate, problem: 'not found' });
      continue;
    }
    if (seen.has(binary)) continue;
    seen.add(binary);
    const version = await probe.version(binary);
    if (!version) {
      tried.push({ candidate: { ...candidate, path: binary }, problem: 'does not run' });
      continue;
    }
    const found: FoundGo = { binary, source: candidate.source, version };
    tried.push({ candidate: { ...candidate, path: binary } });
    return { found, tried };
  }
  return { tried };
}

/** Every place to look, in order; bare names are looked up on PATH later. */
export async function goCandidates(input: GoSearchInput, probe: GoProbe): Promise<GoCandidate[]> {
  const windows = input.platform === 'win32';
  const exe = windows ? 'go.exe' : 'go';
  const env = input.environment;
  const home = env.HOME ?? env.USERPROFILE ?? '';
  const expand = (value: string) => (value === '~' || value.startsWith('~/') ? path.join(home, value.slice(1)) : value);
  const candidates: GoCandidate[] = [];
  // The old default `go` means "whatever PATH finds", which the PATH step below does.
  if (input.goPath && input.goPath !== 'go') candidates.push({ source: 'goEscapeLens.goPath', path: expand(input.goPath) });
  if (input.alternateTool) candidates.push({ source: 'go.alternateTools.go', path: expand(input.alternateTool) });
  if (input.goroot) candidates.push({ source: 'go.goroot', path: path.join(expand(input.goroot), 'bin', exe) });
  if (env.GOROOT) candidates.push({ source: 'GOROOT', path: path.join(env.GOROOT, 'bin', exe) });
  candidates.push({ source: 'PATH', path: exe });
  for (const folder of await defaultInstallFolders(input, home, probe)) {
    candidates.push({ source: 'default install folder', path: (windows ? path.win32 : path.posix).join(folder, exe) });
  }
  return candidates;
}

/** Where the official installers, Linux packages, Homebrew, snap and `go install golang.org/dl/…` put go. */
async function defaultInstallFolders(input: GoSearchInput, home: string, probe: GoProbe): Promise<string[]> {
  if (input.platform === 'win32') {
    const env = input.environment;
    const programFiles = env.ProgramFiles ?? 'C:\\Program Files';
    return [
      path.win32.join(programFiles, 'Go', 'bin'),
      ...(env.LOCALAPPDATA ? [path.win32.join(env.LOCALAPPDATA, 'Programs', 'Go', 'bin')] : []),
      ...(await newestSdk(home, probe, path.win32)),
    ];
  }
  return [
    '/usr/local/go/bin',
    '/usr/lib/go/bin',
    ...(await newestSdk(home, probe, path.posix)),
    '/opt/homebrew/bin',
    '/usr/local/bin',
    '/snap/bin',
  ];
}

/** `~/sdk/go1.26.8/bin`, the newest version there (golang.org/dl installs each release into ~/sdk). */
async function newestSdk(home: string, probe: GoProbe, paths: typeof path.posix): Promise<string[]> {
  if (!home) return [];
  const sdk = paths.join(home, 'sdk');
  const versions = (await probe.listDirectory(sdk)).filter((name) => /^go\d+(\.\d+)*/.test(name));
  versions.sort((a, b) => compareGoVersions(b, a));
  return versions.length > 0 ? [paths.join(sdk, versions[0], 'bin')] : [];
}

/** Orders `go1.9` < `go1.22rc1` < `go1.22.0` < `go1.22.3` by their numbers (a pre-release before its release). */
export function compareGoVersions(a: string, b: string): number {
  const parts = (version: string) => {
    const match = /^go(\d+(?:\.\d+)*)(?:(rc|beta)(\d+))?/.exec(version);
    const numbers = (match?.[1] ?? '0').split('.').map(Number);
    while (numbers.length < 3) numbers.push(0);
    // A release sorts after its release candidates and betas.
    const pre = match?.[2] ? (match[2] === 'rc' ? 1 : 0) * 1000 + Number(match[3]) : 1_000_000;
    return [...numbers, pre];
  };
  const [left, right] = [parts(a), parts(b)];
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** An absolute path that exists, or a bare name found on PATH; undefined otherwise. */
async function resolveCandidate(candidate: string, input: GoSearchInput, probe: GoProbe): Promise<string | undefined> {
  const windows = input.platform === 'win32';
  const paths = windows ? path.win32 : path.posix;
  const withExe = (file: string) => (windows && !/\.exe$/i.test(file) ? [file, `${file}.exe`] : [file]);
  if (candidate.includes('/') || (windows && candidate.includes('\\'))) {
    for (const file of withExe(candidate)) if (await probe.isExecutableFile(file)) return file;
    return undefined;
  }
  const pathVariable = input.environment.PATH ?? input.environment.Path ?? '';
  for (const folder of pathVariable.split(windows ? ';' : ':')) {
    if (!folder || !paths.isAbsolute(folder)) continue;
    for (const file of withExe(paths.join(folder, candidate))) if (await probe.isExecutableFile(file)) return file;
  }
  return undefined;
}

/** The probe on this machine: the file system, and `go version` through the (trust-checking) runner. */
export function machineGoProbe(runGo: GoRunner, environment: NodeJS.ProcessEnv = process.env): GoProbe {
  return {
    async isExecutableFile(file) {
      try {
        const stat = await fs.stat(file);
        if (!stat.isFile()) return false;
        if (process.platform !== 'win32') await fs.access(file, fs.constants.X_OK);
        return true;
      } catch {
        return false;
      }
    },
    listDirectory: (directory) => fs.readdir(directory).catch(() => []),
    async version(binary) {
      const result = await runGo({ goBinary: binary, args: ['version'], cwd: os.tmpdir(), env: { ...environment, GOTOOLCHAIN: 'local' } });
      const line = result.stdout.trim();
      return result.exitCode === 0 && line.startsWith('go version ') ? line : undefined;
    },
  };
}

/**
 * Searches once per input: the answer is kept while the settings and the environment stay the same. A search
 * that found nothing is not kept, so installing Go works without a restart.
 */
export class GoLocator {
  private readonly searches = new Map<string, Promise<GoSearch>>();

  constructor(private readonly probe: GoProbe) {}

  locate(input: GoSearchInput): Promise<GoSearch> {
    const key = JSON.stringify([input.goPath, input.alternateTool, input.goroot, input.environment.GOROOT, input.environment.PATH]);
    let search = this.searches.get(key);
    if (!search) {
      search = findGo(input, this.probe);
      this.searches.set(key, search);
      void search.then(
        (result) => result.found || this.searches.delete(key),
        () => this.searches.delete(key),
      );
    }
    return search;
  }
}

/**
 * One line for the log: which go, and where it was found; and a go the settings name that was passed over,
 * so a stale setting does not go unnoticed.
 */
export function describeFoundGo(search: GoSearch): string {
  const found = search.found;
  if (!found) return '';
  const version = /^go version (\S+)/.exec(found.version)?.[1] ?? found.version;
  const where =
    found.source === 'PATH'
      ? 'on PATH'
      : found.source === 'default install folder'
        ? `in the default install folder ${path.dirname(found.binary)} (it is not on PATH)`
        : found.source === 'GOROOT'
          ? 'in GOROOT/bin'
          : `from the setting ${found.source}`;
  const passedOver = search.tried
    .filter(({ candidate, problem }) => problem && candidate.source !== 'PATH' && candidate.source !== 'default install folder')
    .map(
      ({ candidate, problem }) =>
        ` ${candidate.source} names ${candidate.path}, which ${problem === 'not found' ? 'does not exist' : 'does not run'}.`,
    );
  return `Using ${found.binary} (${version}), found ${where}.${passedOver.join('')}`;
}

/** Why no go was found, naming where it was looked for. */
export function describeGoNotFound(search: GoSearch, settingName: string): string {
  const places = search.tried.map(({ candidate, problem }) =>
    candidate.source === 'PATH' ? `PATH (${problem})` : `${candidate.path} (${problem})`,
  );
  return `The go command was not found. Looked in: ${places.join(', ')}. Install Go (https://go.dev/dl/) or set ${settingName}.`;
}
