/**
 * The editor's whole-workspace analysis at scale: the real server (dist/cli.js serve --stdio) over LSP,
 * asked `goEscapeLens.analyseWorkspace` on the standard library's folder ($(go env GOROOT)/src), beside
 * `go-escape-lens check --tests ./...` on the same packages in the same run (the editor compiles each
 * package with its tests, so the CLI does too). Both start from the same warm build cache (a first,
 * unmeasured `check --tests` fills it), so the figures compare our own work, not the compiler's. Each is
 * timed by the wall clock and by the CPU time of its process tree (its own and its go commands'), which
 * compares better than wall time on a machine busy with other work.
 *
 * Measures the wall time of each, the server's peak resident memory (VmHWM), the peak of its whole process
 * tree (the workspace worker, the go commands and compilers it starts included, sampled), the workspace
 * worker's own peak (sampled), and the server's resident memory once quiet (3 s and 10 s after the
 * analysis finished; the worker has exited by then). Quiet is time-based here on purpose: this is a measurement,
 * not a test.
 *
 * The folder analysed is the `src` of a private copy of $(go env GOROOT) in a temporary folder, run with the
 * copy's own go command: nothing is written into the installed Go, and no other benchmark editing its
 * shared copy changes the packages between the runs.
 *
 *   npm run build && node --import tsx bench/workspaceScale.ts [--keep DIR] [--heap-snapshot]
 *
 * Prints the figures and writes them to bench/WORKSPACE-SCALE.md. With `--keep DIR` the copy and its build
 * cache live in DIR and stay there, so a second run starts warm (the first cold `check --tests` of the
 * standard library takes many minutes). With `--heap-snapshot` the server writes a V8 heap snapshot into
 * the work folder once quiet, to see what it still holds.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ExecuteCommandRequest } from 'vscode-languageserver-protocol';
import { COMMANDS, EscapeTreeRequest } from '../server/src/protocol';
import { WORKSPACE_WORKER_ARGUMENT } from '../server/src/workspaceWorkerProtocol';
import { LspTestClient } from '../test/helpers/lspClient';
import { copyGoRoot, goRootCopyEnvironment, loadAverage, resultLines } from './goRootCopy';
import { sampleTreeMemory } from './processTreeMemory';

const REPOSITORY = path.resolve(__dirname, '..');
const CLI = path.join(REPOSITORY, 'dist', 'cli.js');
const CPU_REPORTER = path.join(REPOSITORY, 'bench', 'reportMaxRss.cjs');
const argument = (name: string) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
};

/** Wall seconds of `check --tests ./...`, and the CPU seconds of its process tree (from reportMaxRss.cjs). */
function runCheck(cwd: string, env: NodeJS.ProcessEnv): Promise<{ seconds: number; cpuSeconds: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--require', CPU_REPORTER, CLI, 'check', '--tests', '--format', 'summary', './...'], {
      cwd,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const cpu = /go-escape-lens cpu: ([\d.]+) s own, ([\d.]+) s children/.exec(stderr);
      if ((code !== 0 && code !== 1) || !cpu) reject(new Error(stderr.slice(-2000)));
      else resolve({ seconds: (performance.now() - started) / 1000, cpuSeconds: Number(cpu[1]) + Number(cpu[2]) });
    });
  });
}

/** CPU seconds of a process and of the children it has waited for, from /proc/<pid>/stat (Linux). */
function treeCpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return fields
    .slice(11, 15)
    .map(Number)
    .reduce((sum, ticks) => sum + ticks / 100, 0);
}

function memory(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN);
  return { rss: kilobytes('VmRSS') / 1024, peak: kilobytes('VmHWM') / 1024 };
}

const delay = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

async function main(): Promise<void> {
  const goroot = await new Promise<string>((resolve) => {
    const child = spawn('go', ['env', 'GOROOT'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('close', () => resolve(out.trim()));
  });
  const kept = argument('--keep');
  const work = kept ? path.resolve(kept) : fs.mkdtempSync(path.join(os.tmpdir(), 'gel-workspace-scale-'));
  fs.mkdirSync(work, { recursive: true });
  const copy = path.join(work, 'goroot');
  const src = copyGoRoot(goroot, copy);
  const cache = path.join(work, 'cache');
  const env = goRootCopyEnvironment(copy, cache);
  const load = loadAverage;
  const { lines, say } = resultLines();
  try {
    say(`# The whole-workspace analysis at scale: the standard library's folder (a copy of ${goroot})`);
    say('');
    say(`${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}; load average at start ${load()}`);
    say('');
    // A cache kept by an earlier run (--keep) is warm already: its first run filled it.
    if (fs.existsSync(cache)) say('- build cache kept from an earlier run (`--keep`)');
    else {
      const { seconds: warmSeconds } = await runCheck(src, env);
      say(`- warming the build cache: \`check --tests ./...\`, empty cache: ${warmSeconds.toFixed(1)} s; load average after ${load()}`);
    }
    const { seconds: cliSeconds, cpuSeconds: cliCpu } = await runCheck(src, env);
    say(
      `- \`check --tests --format summary ./...\` (warm cache): ${cliSeconds.toFixed(1)} s, ${cliCpu.toFixed(1)} s CPU with its go commands; load average after ${load()}`,
    );

    const snapshot = process.argv.includes('--heap-snapshot');
    const client = await LspTestClient.start(src, {
      env,
      command: [
        process.execPath,
        ...(snapshot ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${work}`] : []),
        CLI,
        'serve',
        '--stdio',
      ],
    });
    try {
      const pid = client.process.pid!;
      const tree = sampleTreeMemory(pid, 200, WORKSPACE_WORKER_ARGUMENT);
      const cpuBefore = treeCpuSeconds(pid);
      const started = performance.now();
      const summary = (await client.connection.sendRequest(ExecuteCommandRequest.type, { command: COMMANDS.analyseWorkspace })) as {
        packages: number;
        analysed: number;
        heapAllocations: number;
        failed: string[];
      };
      const editorSeconds = (performance.now() - started) / 1000;
      const editorCpu = treeCpuSeconds(pid) - cpuBefore;
      const treeMemory = tree.stop();
      const atEnd = memory(pid);
      const loadAtEnd = load();
      const treeStarted = performance.now();
      const escapeTree = await client.connection.sendRequest(EscapeTreeRequest);
      const treeSeconds = (performance.now() - treeStarted) / 1000;
      const treeSites = escapeTree.reduce((sum, item) => sum + (item.heapAllocations ?? 0), 0);
      await delay(3000);
      const quiet3 = memory(pid);
      await delay(7000);
      const quiet10 = memory(pid);
      say(
        `- editor \`goEscapeLens.analyseWorkspace\` (warm cache): ${editorSeconds.toFixed(1)} s = ${(editorSeconds / cliSeconds).toFixed(2)}× the CLI, ${editorCpu.toFixed(1)} s CPU with its go commands = ${(editorCpu / cliCpu).toFixed(2)}× the CLI's; ${summary.analysed}/${summary.packages} packages, ${summary.heapAllocations} heap allocations, ${summary.failed.length} failed; load average after ${loadAtEnd}`,
      );
      say(`- the escape tree request afterwards: ${treeSeconds.toFixed(2)} s, ${escapeTree.length} packages, ${treeSites} sites`);
      say(
        `- server RSS: peak ${atEnd.peak.toFixed(0)} MB (its process tree with the workspace worker, the go commands and compilers: ${treeMemory.peakTreeMegabytes.toFixed(0)} MB), at the end ${atEnd.rss.toFixed(0)} MB, 3 s later ${quiet3.rss.toFixed(0)} MB, 10 s later ${quiet10.rss.toFixed(0)} MB (peak then ${quiet10.peak.toFixed(0)} MB)`,
      );
      say(
        treeMemory.peakMatchingMegabytes > 0
          ? `- the workspace worker process (it has exited when the command answers): peak ${treeMemory.peakMatchingMegabytes.toFixed(0)} MB, sampled every 200 ms`
          : '- no workspace worker process was seen: every package was analysed in the server',
      );
      for (const failure of summary.failed.slice(0, 10)) say(`  - failed: ${failure}`);
      if (snapshot) {
        const before = new Set(fs.readdirSync(work));
        process.kill(pid, 'SIGUSR2');
        // The snapshot is complete when its file stops growing; a measurement, so time-based.
        let written = '';
        let size = -1;
        for (;;) {
          await delay(2000);
          written = fs.readdirSync(work).find((name) => name.endsWith('.heapsnapshot') && !before.has(name)) ?? '';
          const now = written ? fs.statSync(path.join(work, written)).size : -1;
          if (now > 0 && now === size) break;
          size = now;
        }
        console.log(`heap snapshot: ${path.join(work, written)}`);
      }
      fs.writeFileSync(path.join(REPOSITORY, 'bench', 'WORKSPACE-SCALE.md'), `${lines.join('\n')}\n`);
    } finally {
      await client.stop();
    }
  } finally {
    if (!kept) fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
