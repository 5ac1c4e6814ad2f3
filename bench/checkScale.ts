/**
 * `check` at scale: `go-escape-lens check ./...` over the whole standard library, beside a bare
 * `go build -gcflags=-m=2 std` in the same run, each compiling from an empty build cache; the peak resident
 * memory of the CLI and of its whole process tree (go commands and compilers included) beside the bare
 * build's tree; then the same run split with `--shard 1/4` … `4/4` (replayed from the check's cache), whose
 * findings together must equal the unsharded run's.
 *
 * The standard library analysed is a private copy of $(go env GOROOT) in a temporary folder, run with the
 * copy's own go command: nothing is written into the installed Go, and no other benchmark editing its
 * shared copy can change the findings between the runs.
 *
 *   npm run build && node --import tsx bench/checkScale.ts [--shards 4] [--skip-bare]
 *
 * Prints the figures and writes them to bench/CHECK-SCALE.md. One run of each, not a median: a std compile
 * takes minutes. Note the machine's other load beside the numbers.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Finding } from '../server/src/check/findings';
import { copyGoRoot, goRootCopyEnvironment, loadAverage, resultLines } from './goRootCopy';
import { sampleTreeMemory, type TreeMemory } from './processTreeMemory';

const REPOSITORY = path.resolve(__dirname, '..');
const CLI = path.join(REPOSITORY, 'dist', 'cli.js');
const MAX_RSS_REPORTER = path.join(REPOSITORY, 'bench', 'reportMaxRss.cjs');
const argument = (name: string) => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
};
const SHARDS = Number(argument('--shards') ?? 4);

interface Timed {
  readonly seconds: number;
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly memory: TreeMemory;
}

function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; stdoutFile?: string },
): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const out = options.stdoutFile ? fs.openSync(options.stdoutFile, 'w') : 'pipe';
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', out, 'pipe'] });
    const sampler = sampleTreeMemory(child.pid!);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (exitCode) => {
      const seconds = (performance.now() - started) / 1000;
      const memory = sampler.stop();
      if (typeof out === 'number') fs.closeSync(out);
      resolve({ seconds, exitCode, stdout, stderr, memory });
    });
  });
}

function maxRssMegabytes(stderr: string): number {
  const match = /go-escape-lens maxRSS: (\d+) kB/.exec(stderr);
  if (!match) throw new Error(`no maxRSS line in:\n${stderr.slice(-2000)}`);
  return Number(match[1]) / 1024;
}

function findingKeys(file: string): string[] {
  const findings = JSON.parse(fs.readFileSync(file, 'utf8')) as Finding[];
  return findings.map((finding) => JSON.stringify(finding)).sort();
}

async function main(): Promise<void> {
  const installed = (await run('go', ['env', 'GOROOT'], { cwd: REPOSITORY, env: process.env })).stdout.trim();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gel-check-scale-'));
  const goroot = path.join(work, 'goroot');
  const src = copyGoRoot(installed, goroot);
  const env = (cache: string) => goRootCopyEnvironment(goroot, cache);
  const load = loadAverage;
  const { lines, say } = resultLines();
  try {
    say(
      `# check at scale: the standard library (a copy of ${installed}, ${(await run('go', ['version'], { cwd: src, env: env(path.join(work, 'cache-version')) })).stdout.trim()})`,
    );
    say('');
    say(
      `${os.cpus().length} cores (${os.cpus()[0]?.model ?? os.arch()}), ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}; load average at start ${load()}`,
    );
    say('');

    if (!process.argv.includes('--skip-bare')) {
      const bare = await run('go', ['build', '-gcflags=-m=2', 'std'], { cwd: src, env: env(path.join(work, 'cache-bare')) });
      if (bare.exitCode !== 0) throw new Error(`go build std failed:\n${bare.stderr.slice(-2000)}`);
      say(
        `- bare \`go build -gcflags=-m=2 std\`, empty cache: ${bare.seconds.toFixed(1)} s (${(bare.stderr.length / 2 ** 20).toFixed(0)} MB of compiler output), peak RSS of its process tree ${bare.memory.peakTreeMegabytes.toFixed(0)} MB; load average after ${load()}`,
      );
    }

    const whole = path.join(work, 'whole.json');
    const checkCache = path.join(work, 'cache-check');
    const checked = await run(process.execPath, ['--require', MAX_RSS_REPORTER, CLI, 'check', '--format', 'json', './...'], {
      cwd: src,
      env: env(checkCache),
      stdoutFile: whole,
    });
    if (checked.exitCode !== 0 && checked.exitCode !== 1)
      throw new Error(`check failed (${checked.exitCode}):\n${checked.stderr.slice(-2000)}`);
    const wholeKeys = findingKeys(whole);
    const packages = new Set((JSON.parse(fs.readFileSync(whole, 'utf8')) as Finding[]).map((finding) => finding.package)).size;
    say(
      `- \`go-escape-lens check --format json ./...\`, empty cache: ${checked.seconds.toFixed(1)} s, peak RSS of the CLI ${maxRssMegabytes(checked.stderr).toFixed(0)} MB, of its process tree ${checked.memory.peakTreeMegabytes.toFixed(0)} MB (at most ${checked.memory.mostProcesses} processes); load average after ${load()}; ${wholeKeys.length} findings in ${packages} packages with findings (${(fs.statSync(whole).size / 2 ** 20).toFixed(0)} MB of JSON)`,
    );

    const shardKeys: string[] = [];
    for (let index = 1; index <= SHARDS; index++) {
      const file = path.join(work, `shard-${index}.json`);
      const shard = await run(
        process.execPath,
        ['--require', MAX_RSS_REPORTER, CLI, 'check', '--format', 'json', '--shard', `${index}/${SHARDS}`, './...'],
        {
          cwd: src,
          env: env(checkCache),
          stdoutFile: file,
        },
      );
      if (shard.exitCode !== 0 && shard.exitCode !== 1) throw new Error(`shard ${index} failed:\n${shard.stderr.slice(-2000)}`);
      const keys = findingKeys(file);
      shardKeys.push(...keys);
      say(
        `- \`--shard ${index}/${SHARDS}\` (build cache warm): ${shard.seconds.toFixed(1)} s, peak RSS ${maxRssMegabytes(shard.stderr).toFixed(0)} MB (process tree ${shard.memory.peakTreeMegabytes.toFixed(0)} MB), ${keys.length} findings`,
      );
    }
    shardKeys.sort();
    const equal = shardKeys.length === wholeKeys.length && shardKeys.every((key, index) => key === wholeKeys[index]);
    say(
      `- the ${SHARDS} shards' findings together ${equal ? 'equal' : 'DIFFER FROM'} the unsharded run's (${shardKeys.length} vs ${wholeKeys.length})`,
    );
    fs.writeFileSync(path.join(REPOSITORY, 'bench', 'CHECK-SCALE.md'), `${lines.join('\n')}\n`);
    if (!equal) process.exitCode = 1;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
