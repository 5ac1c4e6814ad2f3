/**
 * `npm run bench:backend`: what stopping the compiler after escape analysis saves, and what it costs, on
 * the benchmark's packages (net/http, fasthttp). For each edit the package is analysed by the real engine,
 * once letting the compile finish and once stopping it when the stream proves escape analysis complete;
 * then the same content is analysed again, which the go command's build cache serves only after a finished
 * compile. CPU is the user+system time of every process the analysis started (read from /proc/self/stat's
 * children times), and the bare `go build -gcflags=-m=2` of the same edit is measured alongside.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analysePackage } from '../server/src/engine/analysePackage';
import { readPackageSnapshot } from '../server/src/engine/packageSnapshot';
import { runGo } from '../server/src/engine/runGo';
import { ensureSkipLinkTool } from '../server/src/engine/skipLinkTool';
import { prepareCorpus } from './corpus';
import { childrenCpuMilliseconds, formatMilliseconds, summarise } from './stats';

const CYCLES = Number(process.env.GEL_BENCH_CYCLES ?? 5);
const log = (line: string) => process.stderr.write(`${line}\n`);

async function measure<T>(work: () => Promise<T>): Promise<{ value: T; wall: number; cpu: number }> {
  const cpuBefore = childrenCpuMilliseconds();
  const started = performance.now();
  const value = await work();
  return { value, wall: performance.now() - started, cpu: childrenCpuMilliseconds() - cpuBefore };
}

async function main() {
  const corpus = prepareCorpus(log);
  const skipLinkTool = ensureSkipLinkTool();
  const env = { PATH: `${path.dirname(corpus.goBinary)}:${process.env.PATH}`, GOFLAGS: '' };
  const settings = { goBinary: corpus.goBinary, buildFlags: [], env };
  const nonce = Date.now();
  let cycle = 0;
  const lines: string[] = [];
  for (const pkg of corpus.packages) {
    const file = path.join(pkg.directory, pkg.editFile);
    const original = fs.readFileSync(pkg.pristine, 'utf8');
    const figures = {
      bare: { wall: [] as number[], cpu: [] as number[] },
      finish: { early: [] as number[], wall: [] as number[], cpu: [] as number[], again: [] as number[], againCpu: [] as number[] },
      stop: { early: [] as number[], wall: [] as number[], cpu: [] as number[], again: [] as number[], againCpu: [] as number[] },
    };
    spawnSync(corpus.goBinary, ['build', '-gcflags=-m=2', '-o', os.devNull, '.'], { cwd: pkg.directory, env: { ...process.env, ...env } });
    try {
      for (let round = 0; round < CYCLES; round++) {
        fs.writeFileSync(file, `${original}\n// ${nonce}-${++cycle}\n`);
        const bare = await measure(async () =>
          spawnSync(corpus.goBinary, ['build', '-gcflags=-m=2', '-o', os.devNull, '.'], {
            cwd: pkg.directory,
            env: { ...process.env, ...env },
            maxBuffer: 1 << 30,
          }),
        );
        figures.bare.wall.push(bare.wall);
        figures.bare.cpu.push(bare.cpu);
        for (const mode of ['finish', 'stop'] as const) {
          fs.writeFileSync(file, `${original}\n// ${nonce}-${++cycle}\n`);
          const snapshot = await readPackageSnapshot(pkg.directory, { includeTests: false });
          const started = performance.now();
          let early = Number.NaN;
          const analysed = await measure(() =>
            analysePackage(
              snapshot,
              settings,
              { runGo, skipLinkTool },
              {
                stopBackend: () => mode === 'stop',
                first: {
                  file,
                  facts: async () => {
                    early = performance.now() - started;
                  },
                },
              },
            ),
          );
          if (analysed.value.status !== 'ok') throw new Error(`${pkg.name}: ${analysed.value.message}`);
          // The same content again, as after the analysis cache was dropped: a finished compile is cached.
          const again = await measure(() => analysePackage(snapshot, settings, { runGo, skipLinkTool }));
          const into = figures[mode];
          into.early.push(early);
          into.wall.push(analysed.wall);
          into.cpu.push(analysed.cpu);
          into.again.push(again.wall);
          into.againCpu.push(again.cpu);
          log(
            `${pkg.name} ${mode}: saved file ${early.toFixed(0)} ms, go command ${analysed.wall.toFixed(0)} ms, CPU ${analysed.cpu.toFixed(0)} ms; same content again ${again.wall.toFixed(0)} ms, CPU ${again.cpu.toFixed(0)} ms (bare ${bare.wall.toFixed(0)} ms, CPU ${bare.cpu.toFixed(0)} ms)`,
          );
        }
      }
    } finally {
      fs.writeFileSync(file, original);
    }
    const bareCpu = summarise(figures.bare.cpu);
    lines.push(
      `${pkg.name}: bare go build -gcflags=-m=2: ${formatMilliseconds(summarise(figures.bare.wall))}, CPU ${formatMilliseconds(bareCpu)}`,
    );
    for (const mode of ['finish', 'stop'] as const) {
      const into = figures[mode];
      const cpu = summarise(into.cpu);
      lines.push(
        `${pkg.name}: ${mode === 'stop' ? 'backend stopped' : 'compile finishes'}: saved file ${formatMilliseconds(summarise(into.early))}, whole analysis ${formatMilliseconds(summarise(into.wall))}, CPU ${formatMilliseconds(cpu)} (${(cpu.median / bareCpu.median).toFixed(2)}× the bare CPU); same content again ${formatMilliseconds(summarise(into.again))}, CPU ${formatMilliseconds(summarise(into.againCpu))}`,
      );
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
