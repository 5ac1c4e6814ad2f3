/**
 * Downloads the modules a package needs, on the user's request only: `go mod download` with the user's own
 * GOPROXY and GOFLAGS (the analysis's GOPROXY=off is exactly what must not apply here). Toolchains are still
 * never downloaded (GOTOOLCHAIN=local): that is not what the user asked for.
 */
import type { ModuleVersion } from '../model/moduleVersion';
import type { GoSettings } from './goCommand';
import { downloadArguments } from './missingModules';
import type { GoRunner } from './runGo';

export interface DownloadOutcome {
  readonly status: 'downloaded' | 'failed' | 'cancelled';
  /** One line for the user: what was downloaded, or why not. */
  readonly message: string;
}

export function downloadEnvironment(settings: GoSettings, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, ...settings.env, GOTOOLCHAIN: 'local' };
}

export async function downloadModules(
  directory: string,
  modules: readonly ModuleVersion[],
  settings: GoSettings,
  runGo: GoRunner,
  signal?: AbortSignal,
): Promise<DownloadOutcome> {
  const args = downloadArguments(modules);
  const result = await runGo({ goBinary: settings.goBinary, args, cwd: directory, env: downloadEnvironment(settings) }, signal);
  if (result.cancelled) return { status: 'cancelled', message: 'The download was cancelled.' };
  if (result.spawnError) return { status: 'failed', message: `go mod download could not start: ${result.spawnError.message}` };
  if (result.exitCode !== 0) {
    const reason = result.stderr.trim().split('\n').slice(-3).join(' ') || `exit code ${result.exitCode}`;
    return { status: 'failed', message: `go ${args.join(' ')} failed: ${reason}` };
  }
  const count = modules.length;
  return { status: 'downloaded', message: `Downloaded ${count === 0 ? "go.mod's modules" : `${count} module${count === 1 ? '' : 's'}`}.` };
}
