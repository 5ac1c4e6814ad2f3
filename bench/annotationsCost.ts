/**
 * What the annotations' compiler flags add to a compile: `go build -gcflags=-m=2` of net/http against the
 * same compile with `-d=ssa/check_bce/debug=1` (bounds), `-d=nil` (nil) and both, each after a real edit
 * so net/http is recompiled (its dependencies come from the build cache). The variants take turns within
 * each round, so a machine that slows down slows them all; medians and ratios to the plain -m=2 compile.
 *
 * Uses its own copy of the installed Go (net/http is edited): `node --import tsx bench/annotationsCost.ts`.
 * GEL_BENCH_CYCLES sets the number of rounds (default 7).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { analysisGcflags } from '../server/src/engine/goCommand';
import { DEFAULT_ANNOTATIONS } from '../server/src/model/annotations';
import { formatMilliseconds, summarise } from './stats';

const ROUNDS = Number(process.env.GEL_BENCH_CYCLES ?? 7);
const VARIANTS = {
  'plain -m=2': DEFAULT_ANNOTATIONS,
  '+ bounds': { ...DEFAULT_ANNOTATIONS, bounds: true },
  '+ nil': { ...DEFAULT_ANNOTATIONS, nil: true },
  '+ bounds + nil': { ...DEFAULT_ANNOTATIONS, bounds: true, nil: true },
};

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

function compile(gcflags: string, edit: number): { milliseconds: number; outputBytes: number } {
  fs.writeFileSync(editFile, `${pristine}\n// annotations bench edit ${edit} ${gcflags}\n`);
  const started = performance.now();
  const result = spawnSync(go, ['build', '-o', os.devNull, gcflags, '.'], { cwd: directory, env, maxBuffer: 1 << 30 });
  const milliseconds = performance.now() - started;
  if (result.status !== 0) throw new Error(`go build ${gcflags} failed: ${result.stderr.toString().slice(0, 2000)}`);
  return { milliseconds, outputBytes: result.stderr.length };
}

try {
  compile(analysisGcflags(DEFAULT_ANNOTATIONS), 0); // warms the build cache of the dependencies
  const times = new Map<string, number[]>(Object.keys(VARIANTS).map((name) => [name, []]));
  const output = new Map<string, number>();
  let edit = 1;
  for (let round = 0; round < ROUNDS; round++) {
    const names = Object.keys(VARIANTS);
    // Rotate the order each round: no variant always runs right after another.
    const order = names.map((_, index) => names[(index + round) % names.length]);
    for (const name of order) {
      const measured = compile(analysisGcflags(VARIANTS[name as keyof typeof VARIANTS]), edit++);
      times.get(name)!.push(measured.milliseconds);
      output.set(name, measured.outputBytes);
    }
  }
  const plain = summarise(times.get('plain -m=2')!).median;
  console.log(`net/http, ${version}, ${ROUNDS} rounds, ${os.availableParallelism()} cores, load ${os.loadavg()[0].toFixed(1)}`);
  console.log('| compile | median | ratio to plain -m=2 | output |');
  console.log('| --- | --- | --- | --- |');
  for (const [name, values] of times) {
    const summary = summarise(values);
    console.log(
      `| ${name} | ${formatMilliseconds(summary)} | ${(summary.median / plain).toFixed(2)}× | ${(output.get(name)! / 1e6).toFixed(2)} MB |`,
    );
  }
} finally {
  fs.writeFileSync(editFile, pristine);
}
