/**
 * `npm run bench:profile`: how long decoding an allocation profile and joining it to the workspace takes, on
 * a profile of 20 MB (uncompressed protobuf, the size the target is set for) written by a real Go program
 * (bench/profilegen, every path through a binary tree of calls is its own stack). Prints the median of
 * several runs; the target is under 1 s.
 *
 *   GEL_PROFILE_STACKS=524288 npm run bench:profile   # all 2^19 stacks: a 29.9 MB profile
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';
import { findWorkspaceModules, loadProfile } from '../server/src/measurementService';
import { formatMilliseconds, summarise } from './stats';

const DEPTH = Number(process.env.GEL_PROFILE_DEPTH ?? 19);
/** About 57 bytes of protobuf a stack: 350,000 stacks make the 20 MB profile the target speaks of. */
const STACKS = Number(process.env.GEL_PROFILE_STACKS ?? 350_000);
const RUNS = Number(process.env.GEL_BENCH_CYCLES ?? 5);
const GENERATOR = path.join(__dirname, 'profilegen');

async function main(): Promise<void> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'go-escape-lens-profile-bench-'));
  try {
    const profile = path.join(scratch, 'large.pb.gz');
    const generated = spawnSync('go', ['run', '.', '-depth', String(DEPTH), '-stacks', String(STACKS), '-out', profile], {
      cwd: GENERATOR,
      env: { ...process.env, GOPROXY: 'off', GOTOOLCHAIN: 'local', GOFLAGS: '-buildvcs=false' },
      encoding: 'utf8',
    });
    if (generated.status !== 0) throw new Error(`profilegen failed: ${generated.stderr}`);
    const compressed = fs.statSync(profile).size;
    const raw = gunzipSync(fs.readFileSync(profile)).length;
    const context = {
      modules: findWorkspaceModules([GENERATOR]),
      goroot: undefined,
      textOf: (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined),
    };
    const times: number[] = [];
    // CPU time beside wall time: on a loaded machine the wall time measures the other processes too.
    const cpuTimes: number[] = [];
    let sites = 0;
    let samples = 0;
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      const result = await loadProfile(profile, 'alloc_space', context);
      times.push(performance.now() - started);
      const cpu = process.cpuUsage(cpuBefore);
      cpuTimes.push((cpu.user + cpu.system) / 1000);
      if (!result.ok) throw new Error(result.message);
      sites = result.measurement.sites.length;
      samples = result.measurement.coverage.attributedSamples;
    }
    const summary = summarise(times);
    console.log(
      `profile: ${(raw / 1e6).toFixed(1)} MB protobuf (${(compressed / 1e6).toFixed(1)} MB gzipped), ${samples} samples attributed to ${sites} lines`,
    );
    console.log(`decode + join (read, gunzip, decode, attribute, place): ${formatMilliseconds(summary)}`);
    console.log(`  CPU time of the same runs (user + system, all threads): ${formatMilliseconds(summarise(cpuTimes))}`);
    const load = os.loadavg().map((average) => average.toFixed(1));
    console.log(`  load average while running: ${load.join(' ')}`);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
