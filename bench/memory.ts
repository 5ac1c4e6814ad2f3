/**
 * `npm run bench:memory`: the server's resident size once quiet, after edit/save cycles of net/http and of
 * fasthttp, with the settings a user has (quick-fixes on, so their verification compiles run too). Shorter
 * than `npm run bench`, which also times the compiler and gopls; the figure is the same kind: VmRSS of the
 * server process, read when the last diagnostics arrive, and once quiet: after the quick-fix verification
 * of the last save has finished (its log line), 3 and 20 seconds later.
 *
 * GEL_BENCH_CYCLES sets the number of cycles (default 5); GEL_BENCH_QUICK_FIXES=0 switches quick-fixes off.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspTestClient } from '../test/helpers/lspClient';
import { prepareCorpus } from './corpus';

const CYCLES = Number(process.env.GEL_BENCH_CYCLES ?? 5);
const QUICK_FIXES = process.env.GEL_BENCH_QUICK_FIXES !== '0';

const log = (line: string) => process.stderr.write(`${line}\n`);

function residentMegabytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

function delay(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

function edited(original: string, cycle: number): string {
  return `${original}\n// Added by the Go Escape Lens memory benchmark.\nfunc goEscapeLensMemoryEdit${cycle}() *int {\n\tv := ${cycle}\n\treturn &v\n}\n`;
}

async function measure(pkg: ReturnType<typeof prepareCorpus>['packages'][number], goBinary: string) {
  const file = path.join(pkg.directory, pkg.editFile);
  const uri = pathToFileURL(file).href;
  const original = fs.readFileSync(pkg.pristine, 'utf8');
  fs.writeFileSync(file, original);
  const env = { ...process.env, GOPROXY: 'off', GOFLAGS: '' };
  const server = await LspTestClient.start(pkg.moduleRoot, { settings: { goPath: goBinary, quickFixes: QUICK_FIXES }, env });
  try {
    const opened = server.nextStatus((status) => status.state !== 'analysing' && status.packageDirectory === pkg.directory);
    await server.open(file);
    if ((await opened).state !== 'idle') throw new Error(`${pkg.name}: the package was not analysed`);
    let logsBeforeLastSave = 0;
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      const text = edited(original, cycle);
      fs.writeFileSync(file, text);
      await server.change(file, text);
      const newLine = text.split('\n').length - 4;
      const ready = server.nextDiagnostics(uri, (params) =>
        params.diagnostics.some((diagnostic) => diagnostic.range.start.line === newLine),
      );
      const analysed = server.nextStatus(
        (status) => status.state !== 'analysing' && status.packageDirectory === pkg.directory && status.fromCache === false,
      );
      logsBeforeLastSave = server.logs.length;
      await server.save(file);
      await ready;
      await analysed;
      log(`${pkg.name}: cycle ${cycle}/${CYCLES}: ${residentMegabytes(server.process.pid!).toFixed(0)} MB`);
    }
    const atLastSave = residentMegabytes(server.process.pid!);
    if (QUICK_FIXES) {
      // Quiet means the background verification of the last save's candidates is over too (at most 3 min).
      const verified = () => server.logs.slice(logsBeforeLastSave).some((line) => line.includes('quick-fixes verified for'));
      for (let waited = 0; !verified() && waited < 180_000; waited += 250) await delay(250);
    }
    await delay(3000);
    const quiet3s = residentMegabytes(server.process.pid!);
    await delay(17000);
    const quiet20s = residentMegabytes(server.process.pid!);
    return { name: pkg.name, atLastSave, quiet3s, quiet20s };
  } finally {
    fs.writeFileSync(file, original);
    await server.stop();
  }
}

async function main() {
  const corpus = prepareCorpus(log, { gopls: false });
  const rows = [];
  for (const pkg of corpus.packages) rows.push(await measure(pkg, corpus.goBinary));
  console.log(
    `Server resident size after ${CYCLES} edit/save cycles (quick-fixes ${QUICK_FIXES ? 'on' : 'off'}):\n` +
      rows
        .map(
          (row) =>
            `  ${row.name}: ${row.atLastSave.toFixed(0)} MB as the last diagnostics arrive, ${row.quiet3s.toFixed(0)} MB after 3 quiet seconds, ${row.quiet20s.toFixed(0)} MB after 20`,
        )
        .join('\n'),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
