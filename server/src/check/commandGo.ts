/**
 * The go command `check` and `fix` run: `--go` when given, else found as the Go extension finds it
 * (GOROOT, PATH, then the folders the official installers use; engine/findGo.ts), so a terminal or CI job
 * whose PATH lacks Go's folder works as the editor does. Both commands take it from here, so they never
 * disagree about which go a module is built with.
 */
import { describeGoNotFound, GoLocator, machineGoProbe } from '../engine/findGo';
import type { GoRunner } from '../engine/runGo';

export type CommandGo = { readonly binary: string } | { readonly problem: string };

export async function commandGo(goOption: string | undefined, runGo: GoRunner, environment: NodeJS.ProcessEnv): Promise<CommandGo> {
  const search = await new GoLocator(machineGoProbe(runGo, environment)).locate({
    goPath: goOption,
    environment,
    platform: process.platform,
  });
  if (!search.found) return { problem: describeGoNotFound(search, '--go') };
  // On the command line an explicit --go means that go, not a fallback.
  if (goOption && goOption !== 'go' && search.found.source !== 'goEscapeLens.goPath') {
    const problem = search.tried[0]?.problem === 'does not run' ? 'does not run' : 'does not exist';
    return { problem: `the go command was not found ("${goOption}"): it ${problem}` };
  }
  return { binary: search.found.binary };
}
