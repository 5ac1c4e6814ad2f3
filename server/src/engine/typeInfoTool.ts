/**
 * The type checker the fmt rewrites ask (go/typeinfo/main.go): a small Go program of the standard library
 * alone, built once per go toolchain with the user's own go command, so that it reads the export data that
 * toolchain writes. It is built outside the workspace, with no module or toolchain download, and through
 * the injected runner, so Restricted Mode refuses it as it refuses every go command.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { GoSettings } from './goCommand';
import type { GoRunner } from './runGo';
import { removeAtExit } from './temporaryDirectory';
import { userTempDirectory } from './userTempDirectory';

/** The bundles find go/ beside dist/; tests running from source find it at the repository root. */
function sourceDirectory(): string | undefined {
  const candidates = [path.join(__dirname, '..', 'go', 'typeinfo'), path.join(__dirname, '..', '..', '..', 'go', 'typeinfo')];
  return candidates.find((candidate) => fs.existsSync(path.join(candidate, 'main.go')));
}

/** A build's key: the go command and the source it builds. */
function buildKey(settings: GoSettings, source: string): string {
  return `${settings.goBinary}\n${source}`;
}

/** Built tools by toolchain and source: a build in flight is shared by every caller. */
const builds = new Map<string, Promise<ToolOutcome>>();
/** The builds that have ended, by the same key, for callers that must not wait. */
const ended = new Map<string, ToolOutcome>();

type ToolOutcome = string | { readonly failure: string };

/** The tool's path, building it first if this toolchain has none; or why it cannot be had. */
export function typeInfoTool(settings: GoSettings, runGo: GoRunner): Promise<ToolOutcome> {
  const source = sourceDirectory();
  if (!source) return Promise.resolve({ failure: 'the type checker’s source (go/typeinfo) is missing from the installation' });
  const key = buildKey(settings, source);
  let build = builds.get(key);
  if (!build) {
    build = buildTool(source, settings, runGo);
    builds.set(key, build);
    build.then(
      (outcome) => {
        ended.set(key, outcome);
        // A failed build is tried again next time: the toolchain may have been fixed meanwhile.
        if (typeof outcome !== 'string') builds.delete(key);
      },
      () => builds.delete(key),
    );
  }
  return build;
}

/**
 * The tool if it is built, without waiting: the first build compiles go/types and takes seconds (half a
 * minute on a cold cache), which the editor's first quick-fixes must not wait for. Starts the build when
 * none is under way; `typeInfoTool` settles when it has ended.
 */
export function typeInfoToolIfBuilt(settings: GoSettings, runGo: GoRunner): ToolOutcome | undefined {
  const source = sourceDirectory();
  void typeInfoTool(settings, runGo);
  return source ? ended.get(buildKey(settings, source)) : undefined;
}

async function buildTool(source: string, settings: GoSettings, runGo: GoRunner): Promise<string | { readonly failure: string }> {
  // The toolchain's own environment alone: the user's GOFLAGS (-mod=vendor, -tags) and workspace do not
  // apply to a program of the standard library, and must not make its build fail.
  const env = { ...process.env, GOTOOLCHAIN: 'local', GOPROXY: 'off', GOFLAGS: '', GOWORK: 'off', GO111MODULE: 'on' };
  const version = await runGo({ goBinary: settings.goBinary, args: ['env', 'GOVERSION', 'GOOS', 'GOARCH'], cwd: source, env });
  if (version.exitCode !== 0) return { failure: `go env failed: ${firstLine(version.stderr || version.stdout)}` };
  const hash = createHash('sha256')
    .update(version.stdout)
    .update(fs.readFileSync(path.join(source, 'main.go')))
    .update(fs.readFileSync(path.join(source, 'go.mod')))
    .digest('hex')
    .slice(0, 16);
  const tool = path.join(userTempDirectory(), `typeinfo-${hash}${process.platform === 'win32' ? '.exe' : ''}`);
  if (fs.existsSync(tool)) return tool;
  // Built under a name of its own and renamed, so two servers building at once never run a half-written file.
  const temporary = `${tool}.${process.pid}.tmp`;
  // Interrupted (Ctrl-C on the CLI), the build would leave the half-written file, under a name no run reuses.
  const forget = removeAtExit(temporary);
  const built = await runGo({ goBinary: settings.goBinary, args: ['build', '-trimpath', '-o', temporary, '.'], cwd: source, env });
  forget();
  if (built.exitCode !== 0) {
    fs.rmSync(temporary, { force: true });
    return { failure: `building the type checker with ${settings.goBinary} failed: ${firstLine(built.stderr || built.stdout)}` };
  }
  fs.renameSync(temporary, tool);
  return tool;
}

/** A go command's first line of output: what it says went wrong, for a one-line reason. */
export function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}
