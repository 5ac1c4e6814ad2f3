/**
 * `npm run check-stream-completeness`: proves, over every package of the installed Go's standard library,
 * that the facts the server reads from a compile's streamed output when it takes escape analysis to be
 * complete (compileStream.ts) equal the facts of the finished compile, line for line.
 *
 * Every package is compiled again (`go build -a` into a fresh build cache) with `-gcflags=all=-m=2`
 * through the real `-toolexec` wrapper, and the real follower watches the output as it is written.
 * Exits non-zero on any difference. Options: `--packages <pattern>` (default `std`).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command } from 'commander';
import { type CompleteEscapeAnalysis, CompileStream } from '../server/src/engine/compileStream';
import type { EscapeFact } from '../server/src/model/facts';
import { parseCompilerOutput } from '../server/src/engine/parseCompilerOutput';
import { ensureSkipLinkTool } from '../server/src/engine/skipLinkTool';

const options = new Command()
  .option('--packages <pattern>', 'the packages to compile', 'std')
  .option('--go <binary>', 'the go command', 'go')
  .parse()
  .opts<{ packages: string; go: string }>();

function factLines(facts: readonly EscapeFact[]): string[] {
  return facts.map((fact) => JSON.stringify(fact)).sort();
}

async function main() {
  const wrapper = ensureSkipLinkTool();
  if (!wrapper) throw new Error('the -toolexec wrapper needs a POSIX shell');
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'gel-stream-check-cache-'));
  const signalled = new Map<string, CompleteEscapeAnalysis>();
  const stream = new CompileStream((analysis) => signalled.set(analysis.id, analysis));
  // Keep every compile's files: the stream is closed (and its folder removed) only at the end.
  const started = performance.now();
  const exitCode = await new Promise<number | null>((resolve) => {
    const child = spawn(options.go, ['build', '-a', `-toolexec=${wrapper}`, '-gcflags=all=-m=2', options.packages], {
      env: { ...process.env, ...stream.environment, GOCACHE: cache, GOFLAGS: '', GOTOOLCHAIN: 'local', GOPROXY: 'off' },
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    child.on('close', resolve);
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  // The go command prints the -m lines as "errors" only for a failed build; any package that did not build
  // shows up below as a compile without an exit status of 0.
  let packages = 0;
  let compared = 0;
  let mismatches = 0;
  let byBackend = 0;
  let byExit = 0;
  let unsignalled = 0;
  for (const name of fs.readdirSync(stream.directory)) {
    const match = /^(\d+)\.log$/.exec(name);
    if (!match) continue;
    const id = match[1];
    const full = fs.readFileSync(path.join(stream.directory, name));
    const args = fs.readFileSync(path.join(stream.directory, `${id}.args`), 'utf8').split('\n');
    const pkg = args[args.indexOf('-p') + 1] ?? '?';
    const goFile = args.find((arg) => arg.endsWith('.go'));
    if (!goFile) continue;
    packages++;
    const analysis = signalled.get(id);
    if (!analysis) {
      unsignalled++;
      console.log(`${pkg}: no signal was seen`);
      continue;
    }
    if (analysis.signal === 'backend') byBackend++;
    else byExit++;
    // The inlining annotations too: the compiler's good news (devirtualised calls, zero-copy conversions) is
    // printed by the frontend as well. Bounds and nil checks are the backend's, and never streamed early.
    const parseOptions = {
      workingDirectory: path.dirname(goFile),
      packageDirectory: path.dirname(goFile),
      buildSucceeded: true,
      annotations: { inline: true, bounds: false, nil: false },
    };
    const early = factLines(parseCompilerOutput(analysis.output, parseOptions).facts);
    const final = factLines(parseCompilerOutput(full, parseOptions).facts);
    compared += final.length;
    const earlySet = new Set(early);
    const finalSet = new Set(final);
    const missing = final.filter((line) => !earlySet.has(line));
    const extra = early.filter((line) => !finalSet.has(line));
    if (missing.length > 0 || extra.length > 0 || early.length !== final.length) {
      mismatches++;
      console.log(`${pkg}: MISMATCH (${analysis.signal}): ${missing.length} facts missing from the stream, ${extra.length} extra`);
      for (const line of missing.slice(0, 3)) console.log(`  missing: ${line.slice(0, 300)}`);
    }
  }
  stream.close();
  fs.rmSync(cache, { recursive: true, force: true });
  console.log(
    `${options.packages}: ${packages} packages compiled in ${seconds} s (go exit ${exitCode}); ${compared} fact lines compared; ` +
      `complete at a backend line: ${byBackend}, at the compile's exit: ${byExit}, no signal: ${unsignalled}; mismatches: ${mismatches}`,
  );
  if (mismatches > 0 || unsignalled > 0) process.exitCode = 1;
}

void main();
