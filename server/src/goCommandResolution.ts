/**
 * Puts the go command that was found (engine/findGo.ts) into the settings every analysis runs with, and says
 * once in the log which go that is and where it was found, or where it was looked for in vain.
 */
import { describeFoundGo, describeGoNotFound, type GoLocator } from './engine/findGo';
import type { GoSettings } from './engine/goCommand';
import type { OnceLog } from './onceLog';

export interface GoLocationSettings {
  /** `goEscapeLens.goPath`; empty when not set. */
  readonly goPath: string;
  readonly alternateTool?: string;
  readonly goroot?: string;
}

export async function withFoundGo(go: GoSettings, location: GoLocationSettings, locator: GoLocator, onceLog: OnceLog): Promise<GoSettings> {
  const search = await locator.locate({
    ...location,
    environment: { ...process.env, ...go.env },
    platform: process.platform,
  });
  if (!search.found) {
    onceLog.say('go-command', describeGoNotFound(search, 'goEscapeLens.goPath'));
    return go;
  }
  onceLog.say('go-command', describeFoundGo(search));
  // As the Go extension does: a go found through go.goroot runs with that GOROOT.
  const env = search.found.source === 'go.goroot' && location.goroot ? { ...go.env, GOROOT: location.goroot } : go.env;
  return { ...go, goBinary: search.found.binary, env };
}
