/**
 * Every process an end-to-end run starts carries one environment variable naming the run, so the run can
 * find — and end — all of them afterwards, however deep they were spawned (code-server → extension host →
 * language server → go → compile; Chromium's helpers; Neovim → language server) and whatever process group
 * they chose. The check reads /proc, as `ps e` does.
 */
import * as fs from 'node:fs';

export const RUN_MARKER = 'GO_ESCAPE_LENS_E2E_RUN';

export interface MarkedProcess {
  readonly pid: number;
  readonly command: string;
}

/** The processes whose environment holds `RUN_MARKER=<runId>` (this test process itself never does). */
export function markedProcesses(runId: string): MarkedProcess[] {
  const needle = `${RUN_MARKER}=${runId}\0`;
  const found: MarkedProcess[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (!`${fs.readFileSync(`/proc/${entry}/environ`, 'latin1')}\0`.includes(needle)) continue;
      // A zombie has an empty command line and is already dead; its parent reaps it.
      const command = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      const state = /^\d+ \(.*\) (\S)/s.exec(fs.readFileSync(`/proc/${entry}/stat`, 'utf8'))?.[1];
      if (state !== 'Z') found.push({ pid: Number(entry), command });
    } catch {
      // The process ended while being read.
    }
  }
  return found;
}

/**
 * Ends every process of the run: SIGTERM to the process groups it started (so code-server and Chromium shut
 * down their children), then to any marked process left, then SIGKILL. Resolves when none is left and
 * throws, naming them, if some survive SIGKILL. There is no event for the death of a grandchild, so this
 * polls /proc.
 */
export async function endRunProcesses(runId: string, groupLeaders: readonly number[]): Promise<void> {
  for (const pid of groupLeaders) signal(-pid, 'SIGTERM');
  if (await noneLeft(runId, 10_000)) return;
  for (const { pid } of markedProcesses(runId)) signal(pid, 'SIGTERM');
  if (await noneLeft(runId, 5_000)) return;
  for (const { pid } of markedProcesses(runId)) signal(pid, 'SIGKILL');
  if (await noneLeft(runId, 5_000)) return;
  const left = markedProcesses(runId);
  throw new Error(`processes of run ${runId} survived SIGKILL:\n${left.map((p) => `  ${p.pid} ${p.command}`).join('\n')}`);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

async function noneLeft(runId: string, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (markedProcesses(runId).length > 0) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}
