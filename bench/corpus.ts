/**
 * Sets up the benchmark's corpus once, in a cache folder outside the repository:
 * - a copy of the installed Go (so net/http can be edited and saved without touching the real GOROOT),
 * - github.com/valyala/fasthttp at a pinned version, from the Go module proxy, as a module of its own,
 * - gopls at a pinned version, if the proxy serves it, to compare with its compiler optimization details.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const FASTHTTP_VERSION = 'v1.69.0';
export const GOPLS_VERSION = 'v0.23.0';

export interface Corpus {
  readonly cache: string;
  /** The copied Go's `go` binary; its GOROOT is the copy. */
  readonly goBinary: string;
  readonly packages: readonly {
    name: string;
    directory: string;
    editFile: string;
    moduleRoot: string;
    /** The untouched file the edits start from: an interrupted run may have left the copy edited. */
    pristine: string;
  }[];
  readonly gopls?: string;
}

function run(program: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  return execFileSync(program, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 30, ...options });
}

export function prepareCorpus(log: (line: string) => void, options: { gopls?: boolean } = {}): Corpus {
  const cache = benchCache();
  const goroot = run('go', ['env', 'GOROOT']).trim();
  const version = run('go', ['env', 'GOVERSION']).trim();

  const copy = path.join(cache, `goroot-${version}`);
  if (!fs.existsSync(path.join(copy, 'bin', 'go'))) {
    log(`copying ${goroot} to ${copy} (once)`);
    fs.rmSync(copy, { recursive: true, force: true });
    run('cp', ['-a', goroot, copy]);
  }
  const goBinary = path.join(copy, 'bin', 'go');

  const fasthttp = prepareFasthttp(cache, log);

  let gopls: string | undefined = path.join(cache, 'bin', 'gopls');
  if (options.gopls === false) gopls = undefined;
  else if (!fs.existsSync(gopls)) {
    log(`installing gopls@${GOPLS_VERSION} through the Go module proxy (once)`);
    const result = spawnSync('go', ['install', `golang.org/x/tools/gopls@${GOPLS_VERSION}`], {
      env: { ...process.env, GOBIN: path.join(cache, 'bin'), GOFLAGS: '-mod=mod' },
      encoding: 'utf8',
    });
    if (result.status !== 0) {
      log(`gopls could not be installed, so it is left out of this run: ${result.stderr.trim().split('\n')[0]}`);
      gopls = undefined;
    }
  }

  return {
    cache,
    goBinary,
    gopls,
    packages: [
      {
        name: 'net/http',
        directory: path.join(copy, 'src', 'net', 'http'),
        editFile: 'server.go',
        moduleRoot: path.join(copy, 'src'),
        pristine: path.join(goroot, 'src', 'net', 'http', 'server.go'),
      },
      {
        name: `fasthttp ${FASTHTTP_VERSION}`,
        directory: fasthttp.directory,
        editFile: 'server.go',
        moduleRoot: fasthttp.directory,
        pristine: path.join(fasthttp.pristine, 'server.go'),
      },
    ],
  };
}

/** The benchmark cache folder: GEL_BENCH_CACHE, else ~/.cache/go-escape-lens-bench. */
export function benchCache(): string {
  const cache = process.env.GEL_BENCH_CACHE ?? path.join(os.homedir(), '.cache', 'go-escape-lens-bench');
  fs.mkdirSync(cache, { recursive: true });
  return cache;
}

/**
 * fasthttp at the pinned version, copied from the module cache into `cache` as a writable module of its
 * own, with its dependencies downloaded once. `pristine` is the module cache's read-only copy.
 */
export function prepareFasthttp(cache: string, log: (line: string) => void): { directory: string; pristine: string } {
  const fasthttp = path.join(cache, `fasthttp-${FASTHTTP_VERSION}`);
  if (!fs.existsSync(path.join(fasthttp, 'go.mod'))) {
    log(`fetching github.com/valyala/fasthttp@${FASTHTTP_VERSION} through the Go module proxy (once)`);
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'gel-bench-'));
    run('go', ['mod', 'init', 'bench.invalid/fetch'], { cwd: scratch });
    const info = JSON.parse(run('go', ['mod', 'download', '-json', `github.com/valyala/fasthttp@${FASTHTTP_VERSION}`], { cwd: scratch }));
    fs.rmSync(scratch, { recursive: true, force: true });
    run('cp', ['-r', info.Dir, fasthttp]);
    run('chmod', ['-R', 'u+w', fasthttp]);
    run('go', ['mod', 'download'], { cwd: fasthttp });
  }

  const pristine = JSON.parse(run('go', ['mod', 'download', '-json', `github.com/valyala/fasthttp@${FASTHTTP_VERSION}`], { cwd: fasthttp }))
    .Dir as string;
  return { directory: fasthttp, pristine };
}
