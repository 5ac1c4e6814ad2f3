/**
 * What the annotations' compiler flags add to a compile: `go build -gcflags=-m=2` of net/http against the
 * same compile with `-d=ssa/check_bce/debug=1` (bounds), `-d=nil` (nil) and both, each after a real edit
 * so net/http is recompiled (its dependencies come from the build cache). The variants take turns within
 * each round, so a machine that slows down slows them all; medians and ratios to the plain -m=2 compile.
 *
 * Each compile's wall time and CPU time (user + system of the go command and the compiler it runs) are
 * read. On a machine shared with other work the wall time follows the load; the CPU time much less, and
 * each round's ratio to the plain compile of the same round less still: the table gives the median of
 * those per-round ratios, with the load average at the start and the end.
 *
 * Uses its own copy of the installed Go (net/http is edited): `node --import tsx bench/annotationsCost.ts`.
 * GEL_BENCH_CYCLES sets the number of rounds (default 7); GEL_BENCH_VARIANTS=bounds (or `nil`, `both`, a
 * comma-separated list) measures only those against the plain compile, for more rounds in the same time.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { analysisGcflags } from '../server/src/engine/goCommand';
import { DEFAULT_ANNOTATIONS } from '../server/src/model/annotations';
import { childrenCpuMilliseconds, formatMilliseconds, summarise } from './stats';

const ROUNDS = Number(process.env.GEL_BENCH_CYCLES ?? 7);
const ALL_VARIANTS = {
  'plain -m=2': DEFAULT_ANNOTATIONS,
  '+ bounds': { ...DEFAULT_ANNOTATIONS, bounds: true },
  '+ nil': { ...DEFAULT_ANNOTATIONS, nil: true },
  '+ bounds + nil': { ...DEFAULT_ANNOTATIONS, bounds: true, nil: true },
};
const CHOSEN: Record<string, keyof typeof ALL_VARIANTS> = { bounds: '+ bounds', nil: '+ nil', both: '+ bounds + nil' };
const asked = (process.env.GEL_BENCH_VARIANTS ?? 'bounds,nil,both').split(',').map((name) => name.trim());
for (const name of asked) if (!CHOSEN[name]) throw new Error(`GEL_BENCH_VARIANTS: unknown variant ${name} (bounds, nil, both)`);
const VARIANTS: Record<string, (typeof ALL_VARIANTS)[keyof typeof ALL_VARIANTS]> = Object.fromEntries(
  (['plain -m=2', ...asked.map((name) => CHOSEN[name])] as const).map((name) => [name, ALL_VARIANTS[name]]),
);

const cache = process.env.GEL_BENCH_CACHE ?? path.join(os.homedir(), '.cache', 'go-escape-lens-bench');
const goroot = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
const version = execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim();
const copy = path.join(cache, `annotations-goroot-${version}`);
if (!fs.existsSync(path.join(copy, 'bin', 'go'))) {
  console.log(`copying ${goroot} to ${copy} (once)`);
  fs.mkdirSync(cache, { recursive: true });
  execFileSync('cp', ['-a', goroot, copy]);
}
const go = path.join(copy, 'bin', 'go');
const directory = path.join(copy, 'src', 'net', 'http');
const editFile = path.join(directory, 'server.go');
const pristine = fs.readFileSync(editFile, 'utf8');
const env = { ...process.env, GOROOT: copy, GOPROXY: 'off', GOTOOLCHAIN: 'local', GOFLAGS: '' };

interface Measured {
  readonly milliseconds: number;
  readonly cpuMilliseconds: number;
  readonly outputBytes: number;
}

/**
 * Makes every edit of every run new: an edit the build cache has seen (the same number and flags in an
 * earlier run) would be answered from the cache in a fraction of a second instead of compiled.
 */
const RUN = `${process.pid}-${Date.now()}`;

function compile(gcflags: string, edit: number): Measured {
  fs.writeFileSync(editFile, `${pristine}\n// annotations bench edit ${RUN} ${edit} ${gcflags}\n`);
  const cpuBefore = childrenCpuMilliseconds();
  const started = performance.now();
  const result = spawnSync(go, ['build', '-o', os.devNull, gcflags, '.'], { cwd: directory, env, maxBuffer: 1 << 30 });
  const milliseconds = performance.now() - started;
  const cpuMilliseconds = childrenCpuMilliseconds() - cpuBefore;
  if (result.status !== 0) throw new Error(`go build ${gcflags} failed: ${result.stderr.toString().slice(0, 2000)}`);
  return { milliseconds, cpuMilliseconds, outputBytes: result.stderr.length };
}

const load = () =>
  os
    .loadavg()
    .map((value) => value.toFixed(1))
    .join(' / ');

try {
  const loadAtStart = load();
  compile(analysisGcflags(DEFAULT_ANNOTATIONS), 0); // warms the build cache of the dependencies
  const names = Object.keys(VARIANTS);
  /** Per variant, one measurement per round, in round order. */
  const rounds = new Map<string, Measured[]>(names.map((name) => [name, []]));
  let edit = 1;
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order each round: no variant always runs right after another.
    const order = names.map((_, index) => names[(index + round) % names.length]);
    for (const name of order) rounds.get(name)!.push(compile(analysisGcflags(VARIANTS[name]), edit++));
    process.stderr.write(
      `round ${round + 1}/${ROUNDS} (load ${load()}): ${names.map((name) => `${name} ${rounds.get(name)![round].milliseconds.toFixed(0)} ms wall, ${rounds.get(name)![round].cpuMilliseconds.toFixed(0)} ms CPU`).join('; ')}\n`,
    );
  }
  const plain = rounds.get(names[0])!;
  /** The median over rounds of this variant's figure divided by the plain compile's of the same round. */
  const pairedRatio = (measured: readonly Measured[], figure: (item: Measured) => number) =>
    summarise(measured.map((item, round) => figure(item) / figure(plain[round]))).median.toFixed(2);
  console.log(
    `net/http, ${version}, ${ROUNDS} rounds, ${os.availableParallelism()} cores, load average (1 / 5 / 15 min) ${loadAtStart} at the start, ${load()} at the end`,
  );
  console.log('| compile | wall, median | CPU (user + system), median | wall ratio | CPU ratio | output |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const [name, measured] of rounds) {
    console.log(
      `| ${name} | ${formatMilliseconds(summarise(measured.map((item) => item.milliseconds)))} | ${formatMilliseconds(summarise(measured.map((item) => item.cpuMilliseconds)))} | ${pairedRatio(measured, (item) => item.milliseconds)}× | ${pairedRatio(measured, (item) => item.cpuMilliseconds)}× | ${(measured[measured.length - 1].outputBytes / 1e6).toFixed(2)} MB |`,
    );
  }
  console.log('Ratios: the median over rounds of the variant divided by the plain -m=2 compile of the same round.');
} finally {
  fs.writeFileSync(editFile, pristine);
}
