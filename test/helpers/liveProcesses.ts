/**
 * The processes still running, read from /proc as `ps` does, for tests that check a go command was
 * stopped. A zombie (killed, not yet collected by its parent or init) runs no more and is left out.
 */
import * as fs from 'node:fs';

export interface ProcessIds {
  readonly pid: string;
  /** The process group: a go command started detached leads its own, with its compiles and test binaries in it. */
  readonly group: string;
  readonly session: string;
}

/** Live processes for which `matches` holds, as "pid (comm) state: command line". */
export function liveProcesses(matches: (ids: ProcessIds) => boolean): string[] {
  const alive: string[] = [];
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      // pid (comm) state ppid pgrp session …; comm may contain spaces, so split after its closing paren.
      const [state, , group, session] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z' || !matches({ pid, group, session })) continue;
      const commandLine = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      alive.push(`${pid} ${stat.slice(stat.indexOf('('), stat.lastIndexOf(')') + 1)} ${state}: ${commandLine}`);
    } catch {
      // Exited while being read.
    }
  }
  return alive;
}
