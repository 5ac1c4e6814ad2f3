#!/usr/bin/env node
/**
 * `go-escape-lens`: the same engine for the terminal, CI and any LSP editor.
 */
import * as fs from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { EXIT, FORMATS, runCheckCommand } from './check/checkCommand';
import { mergeSarif } from './check/mergeSarif';
import type { Shard } from './check/runCheck';
import { FIX_FORMATS, runFixCommand } from './check/fixCommand';
import { exitOnInterrupt } from './engine/atExit';
import { runGo } from './engine/runGo';
import { startLanguageServer } from './server';
import { runWorkspaceWorker } from './workspaceWorker';
import { WORKSPACE_WORKER_ARGUMENT } from './workspaceWorkerProtocol';

// Every command, the language server and its workspace worker: a Ctrl-C stops the go commands too.
exitOnInterrupt();

const program = new Command()
  .name('go-escape-lens')
  .description("Shows where Go code allocates on the heap and why, from the Go compiler's escape analysis.")
  // Usage errors exit 2 ("could not run"), never 1, which means "violations found".
  .exitOverride();

program
  .command('serve')
  .description('Run the language server (for Neovim, Helix, Emacs and other LSP editors).')
  .option('--stdio', 'talk LSP over standard input and output (the default and only transport)')
  .action(() => {
    // Everything the server logs goes to the client; stdout carries only LSP messages.
    console.log = console.error;
    startLanguageServer(
      createConnection(ProposedFeatures.all, new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout)),
    );
  });

const collect = (value: string, previous: string[]) => [...previous, value];

program
  .command('check')
  .description('Analyse packages and report heap allocations, broken allocation budgets and, against a baseline, new allocations.')
  .argument('[packages...]', 'package patterns as the go command takes them: ., ./..., import paths', ['.'])
  .addOption(new Option('--format <format>', 'output format').choices(FORMATS).default('text'))
  .option(
    '--baseline <ref|file>',
    'report only allocations that are new relative to a git revision (e.g. HEAD, origin/main) or to a JSON file written by --format json',
  )
  .option('--tags <list>', 'build tags, as go build -tags (also accepted as -tags)')
  .option('--build-flags <flags>', 'extra go build flags, split like a shell, e.g. "-race -mod=vendor" (repeatable)', collect, [])
  .option('--env <KEY=VALUE>', 'extra environment for the go command (repeatable)', collect, [])
  .option('--go <path>', 'the go command to run (default: found as the Go extension finds it: GOROOT/bin, PATH, the usual install folders)')
  .option('--tests', 'also check _test.go files (compiled with go test -c)', false)
  .option('-j, --jobs <n>', 'packages analysed at once (default: the number of CPUs)', positiveInteger)
  .option('--violations-only', 'show only the findings that fail the check', false)
  .option(
    '--shard <i/n>',
    'check only the i-th of n equal parts of the packages (1 ≤ i ≤ n), to split a large run over n CI machines; merge their SARIF with merge-sarif',
    shardArgument,
  )
  .option('--annotations <kinds>', 'also report the compiler optimisation details of these kinds: bounds,nil,inline (comma-separated)')
  .option(
    '--bench <regex>',
    'measure the benchmarks matching <regex> (go test -bench -benchmem -memprofilerate=1, one at a time) and join the figures to the findings',
  )
  .option('--benchtime <t>', '-benchtime for --bench: a duration (1s) or a count (1000x)', '1s')
  .option(
    '--profile <file>',
    'join an allocation profile (.pb.gz: go test -memprofile, runtime/pprof, /debug/pprof/allocs or /heap) to the findings',
  )
  .addOption(
    new Option('--sample-type <type>', 'which figures of --profile count')
      .choices(['alloc_space', 'alloc_objects', 'inuse_space', 'inuse_objects'])
      .default('alloc_space'),
  )
  .addHelpText(
    'after',
    `
Exit codes:
  0  no violations
  1  violations: a budget (//escape:none, //escape:max N) broken, a directive not understood,
     with --bench a benchmark over its //escape:allocs N,
     or, with --baseline, a heap allocation the baseline does not have
  2  the analysis could not run (no go command, a package does not build, bad arguments); the reason is on stderr
  130, 143  interrupted (Ctrl-C, SIGTERM): the go commands it started are stopped, its temporary folders removed

Without --baseline every heap allocation is reported; with it, only the new ones. Allocations are matched
across versions by package, function, kind and expression, not by line, so moving code is not new.
Text output goes to stdout, one "file:line:col: message" per finding; progress and the tally go to stderr.`,
  )
  .action(async (patterns: string[], options) => {
    process.exitCode = await runCheckCommand(patterns, options, {
      cwd: process.cwd(),
      stdout: process.stdout,
      stderr: process.stderr,
      runGo,
      environment: process.env,
    });
  });

program
  .command('merge-sarif')
  .description('Merge the SARIF logs of several check runs (e.g. --shard 1/4 … 4/4) into one, for a single code scanning upload.')
  .argument('<files...>', 'SARIF files written by check --format sarif')
  .option('-o, --output <file>', 'write the merged log to this file instead of standard output')
  .action((files: string[], options: { output?: string }) => {
    const inputs = [];
    for (const name of files) {
      try {
        inputs.push({ name, text: fs.readFileSync(name, 'utf8') });
      } catch (error) {
        throw new Error(`go-escape-lens merge-sarif: cannot read ${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const merged = mergeSarif(inputs);
    if (!merged.ok) throw new Error(`go-escape-lens merge-sarif: ${merged.message}`);
    const text = `${JSON.stringify(merged.log, null, 2)}\n`;
    if (options.output) fs.writeFileSync(options.output, text);
    else process.stdout.write(text);
  });

/** `--shard 2/4`: the second of four parts. */
function shardArgument(value: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) throw new InvalidArgumentError('expected i/n with 1 ≤ i ≤ n, e.g. 2/4');
  return { index, count };
}

program
  .command('fix')
  .description(
    'Apply every verified fix: each is compiled, vetted and counted by the compiler, and files are written only if the packages then build, vet and pass go test -short as before.',
  )
  .argument('[packages...]', 'package patterns as the go command takes them: ., ./..., import paths', ['.'])
  .option('--dry-run', 'write nothing; list the fixes that would be applied', false)
  .addOption(
    new Option('--format <format>', 'output: text (one line per fix), json (file, range, title, removes), diff (unified)')
      .choices(FIX_FORMATS)
      .default('text'),
  )
  .option('--include-refactors', 'also apply fixes whose callers outside the package are not seen (exported functions and methods)', false)
  .option('-j, --jobs <n>', 'packages fixed at once (default: one for every 4 CPUs)', positiveInteger)
  .option('--tags <list>', 'build tags, as go build -tags (also accepted as -tags)')
  .option('--build-flags <flags>', 'extra go build flags, split like a shell (repeatable)', collect, [])
  .option('--env <KEY=VALUE>', 'extra environment for the go command (repeatable)', collect, [])
  .option('--go <path>', 'the go command to run (default: found as the Go extension finds it: GOROOT/bin, PATH, the usual install folders)')
  .option(
    '--bench <regex>',
    'measure the benchmarks matching <regex> first (as check --bench does) and rank the fixes by the bytes measured on their lines',
  )
  .option('--benchtime <t>', '-benchtime for --bench: a duration (1s) or a count (1000x)', '1s')
  .option(
    '--profile <file>',
    'rank the fixes by the bytes an allocation profile (.pb.gz, as check --profile takes) measured on their lines',
  )
  .addOption(
    new Option('--sample-type <type>', 'which figures of --profile count')
      .choices(['alloc_space', 'alloc_objects', 'inuse_space', 'inuse_objects'])
      .default('alloc_space'),
  )
  .addHelpText(
    'after',
    `
Exit codes:
  0  the fixes were applied (or listed, with --dry-run), or there was nothing to fix
  1  the fixes together broke the build, go vet or go test -short, or a file of a package
     to fix was changed while fix ran: nothing was written
  2  the analysis could not run (no go command, a package does not build, bad arguments)
  130, 143  interrupted (Ctrl-C, SIGTERM): nothing was written, or every file; the go commands are stopped

Only fixes that remove heap allocations by the compiler's count are applied (not a return by value of a
function the compiler inlines, which removes nothing at run time); fixes in test files are not applied,
and no fix edits a generated file (// Code generated … DO NOT EDIT.).`,
  )
  .action(async (patterns: string[], options) => {
    process.exitCode = await runFixCommand(patterns, options, {
      cwd: process.cwd(),
      stdout: process.stdout,
      stderr: process.stderr,
      runGo,
      environment: process.env,
    });
  });

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return parsed;
}

// `check … | head`: a reader that stops reading is not an error of ours.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.clean);
  throw error;
});

/** go's single-dash `-tags x` / `-tags=x`, which commander would read as four short flags. */
const argv = process.argv.map((arg) => (arg === '-tags' || arg.startsWith('-tags=') ? `-${arg}` : arg));

// The server's workspace worker (workspaceWorkerClient.ts starts this bundle again) is no CLI command.
if (process.argv.includes(WORKSPACE_WORKER_ARGUMENT)) runWorkspaceWorker();
else
  program.parseAsync(argv).catch((error: unknown) => {
    if (error instanceof CommanderError) {
      // Commander has already printed the message; --help and --version are not errors.
      process.exit(error.exitCode === 0 ? EXIT.clean : EXIT.cannotRun);
    }
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(EXIT.cannotRun);
  });
