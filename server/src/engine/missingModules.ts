/**
 * Recognises a build that failed only because modules are not in the module cache. The analysis runs with
 * GOPROXY=off, so a fresh clone fails with "module lookup disabled by GOPROXY=off", after lines that say
 * "go: downloading …" although nothing downloads. The go command's first line would mislead twice; this
 * names the modules instead, and the command that fetches them.
 */
import type { ModuleVersion } from '../model/moduleVersion';

const LOOKUP_DISABLED = 'module lookup disabled by GOPROXY=off';

/**
 * The modules the go command wanted and could not look up, in the order it named them; undefined when the
 * output is not about missing modules.
 */
export function missingModules(output: string): ModuleVersion[] | undefined {
  if (!output.includes(LOOKUP_DISABLED)) return undefined;
  const modules = new Map<string, ModuleVersion>();
  const add = (path: string, version: string) => modules.set(`${path}@${version}`, { path, version });
  for (const line of output.split('\n')) {
    const downloading = /^go: downloading (\S+) (v\S+)\s*$/.exec(line);
    if (downloading) add(downloading[1], downloading[2]);
    // "go: example.com/m@v1.2.3: module lookup disabled …", also inside "reading …" and "loading …" lines.
    for (const match of line.matchAll(/(?:^|[\s:])([^\s:@]+\.[^\s:@]+)@(v[^\s:]+): (?:[^\n]*: )?module lookup disabled by GOPROXY=off/g)) {
      add(match[1], match[2]);
    }
  }
  return [...modules.values()];
}

/** "3 modules this package needs are not in the module cache: a v1, b v2, c v3." */
export function missingModulesMessage(modules: readonly ModuleVersion[]): string {
  if (modules.length === 0) return 'Modules this package needs are not in the module cache (the go command did not say which).';
  const list = modules.map((module) => `${module.path} ${module.version}`).join(', ');
  return modules.length === 1
    ? `1 module this package needs is not in the module cache: ${list}.`
    : `${modules.length} modules this package needs are not in the module cache: ${list}.`;
}

/** The `go mod download` arguments for exactly these modules (all of go.mod's when the go command named none). */
export function downloadArguments(modules: readonly ModuleVersion[]): string[] {
  return ['mod', 'download', ...modules.map((module) => `${module.path}@${module.version}`)];
}
