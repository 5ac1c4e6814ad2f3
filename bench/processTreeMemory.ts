/**
 * Peak resident memory of a whole process tree, sampled from /proc: a benchmarked command's own peak
 * (its VmHWM) leaves out the go commands and compilers it starts, which hold memory of their own.
 * Linux only; a sample every `intervalMilliseconds`, so a peak shorter than that can be missed.
 */
import * as fs from 'node:fs';

export interface TreeMemory {
  /** The largest sum of every process's resident memory in the tree at one sample, in MB. */
  readonly peakTreeMegabytes: number;
  /** The root process's own peak resident memory (VmHWM at the last sample), in MB. */
  readonly peakRootMegabytes: number;
  /** The most processes seen in the tree at once. */
  readonly mostProcesses: number;
  /**
   * The largest own peak (VmHWM at its last sample) of a process in the tree, other than the root, whose
   * command line holds `peakOfCommand` (the server's workspace worker), in MB; 0 when none was seen.
   */
  readonly peakMatchingMegabytes: number;
}

function parentsAndMemory(): Map<number, { parent: number; rssKilobytes: number }> {
  const processes = new Map<number, { parent: number; rssKilobytes: number }>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = fs.readFileSync(`/proc/${entry}/status`, 'utf8');
      const parent = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      const rssKilobytes = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
      processes.set(Number(entry), { parent, rssKilobytes });
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return processes;
}

/** The process's own peak resident memory in kB when its command line holds `command`, else 0. */
function ownPeakIfMatching(pid: number, command: string): number {
  try {
    if (!fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(command)) return 0;
    return Number(/^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0; // it has exited
  }
}

/** Starts sampling the tree under `rootPid`; `stop()` returns the figures. */
export function sampleTreeMemory(rootPid: number, intervalMilliseconds = 200, peakOfCommand?: string): { stop: () => TreeMemory } {
  let peakTree = 0;
  let peakRoot = 0;
  let mostProcesses = 0;
  let peakMatching = 0;
  const sample = () => {
    const processes = parentsAndMemory();
    const inTree = new Set([rootPid]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const [pid, { parent }] of processes) {
        if (!inTree.has(pid) && inTree.has(parent)) {
          inTree.add(pid);
          grew = true;
        }
      }
    }
    let sum = 0;
    let count = 0;
    for (const pid of inTree) {
      const found = processes.get(pid);
      if (!found) continue;
      sum += found.rssKilobytes;
      count++;
      if (peakOfCommand && pid !== rootPid) peakMatching = Math.max(peakMatching, ownPeakIfMatching(pid, peakOfCommand));
    }
    peakTree = Math.max(peakTree, sum);
    mostProcesses = Math.max(mostProcesses, count);
    try {
      const hwm = Number(/^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${rootPid}/status`, 'utf8'))?.[1] ?? 0);
      peakRoot = Math.max(peakRoot, hwm);
    } catch {
      // The root has exited.
    }
  };
  const timer = setInterval(sample, intervalMilliseconds);
  sample();
  return {
    stop: () => {
      clearInterval(timer);
      return {
        peakTreeMegabytes: peakTree / 1024,
        peakRootMegabytes: peakRoot / 1024,
        mostProcesses,
        peakMatchingMegabytes: peakMatching / 1024,
      };
    },
  };
}
