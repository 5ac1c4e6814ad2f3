/**
 * What a user meets first on a large real package, measured with the real server over stdio and the real
 * CLI on fasthttp (the benchmark's pinned version, from the Go module proxy):
 *
 * - the Problems count after opening server.go alone, with the default settings;
 * - the share of related-information messages that still show the compiler's notation (`←`, `~r`, `{storage`);
 * - the `window/logMessage` lines one save with new content writes, by default;
 * - over all of fasthttp (`go-escape-lens check --format json`), the messages that name compiler internals
 *   (`~r`, `.autotmp`), against the compiler's own lines (`compilerMessage`) that do.
 *
 * Run: npm run measure-first-run. Restores server.go afterwards.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI, LspTestClient } from '../test/helpers/lspClient';
import { benchCache, prepareFasthttp } from './corpus';

const log = (line: string) => process.stderr.write(`${line}\n`);
const INTERNALS = /~[rR]\d|\.autotmp_/;
const NOTATION = /←|~r|\{storage/;

async function main(): Promise<void> {
  const { directory, pristine } = prepareFasthttp(benchCache(), log);
  const serverGo = path.join(directory, 'server.go');
  const original = fs.readFileSync(path.join(pristine, 'server.go'), 'utf8');
  fs.writeFileSync(serverGo, original);

  const client = await LspTestClient.start(directory);
  try {
    const analysed = client.nextStatus((status) => status.state === 'idle' && status.packageDirectory === directory);
    await client.open(serverGo);
    await analysed;
    const published = [...client.diagnostics.values()].filter((params) => params.diagnostics.length > 0);
    const problems = published.reduce((sum, params) => sum + params.diagnostics.length, 0);
    const related = published.flatMap((params) => params.diagnostics.flatMap((diagnostic) => diagnostic.relatedInformation ?? []));
    const inNotation = related.filter((item) => NOTATION.test(item.message)).length;
    const messagesWithInternals = published.flatMap((params) => params.diagnostics).filter((d) => INTERNALS.test(String(d.message))).length;
    log(`opening server.go alone: ${problems} diagnostics in ${published.length} file(s) (the Problems count)`);
    log(`related information: ${related.length} messages, ${inNotation} with ←, ~r or {storage (${percent(inNotation, related.length)})`);
    log(`messages naming compiler internals in server.go: ${messagesWithInternals}`);

    const linesBefore = client.logs.length;
    const saved = client.nextStatus(
      (status) => status.state === 'idle' && status.packageDirectory === directory && status.fromCache === false,
    );
    const edited = `${original}\n// Added by the first-run measurement.\nfunc goEscapeLensFirstRun${Date.now()}() *int {\n\tv := 1\n\treturn &v\n}\n`;
    fs.writeFileSync(serverGo, edited);
    await client.change(serverGo, edited);
    await client.save(serverGo);
    await saved;
    const saveLines = client.logs.slice(linesBefore);
    log(`one save of server.go with new content: ${saveLines.length} log lines by default`);
    for (const line of saveLines) log(`  | ${line.split('\n')[0].slice(0, 160)}`);
  } finally {
    fs.writeFileSync(serverGo, original);
    await client.stop();
  }

  const check = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', './...'], {
    cwd: directory,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if (check.status === 2) throw new Error(`check failed: ${check.stderr}`);
  const findings = JSON.parse(check.stdout) as { message: string; compilerMessage?: string }[];
  const withInternals = findings.filter((finding) => INTERNALS.test(finding.message)).length;
  const compilerWithInternals = findings.filter((finding) => INTERNALS.test(finding.compilerMessage ?? '')).length;
  log(
    `all of fasthttp (check --format json ./...): ${findings.length} findings; messages naming ~r or .autotmp: ${withInternals}; the compiler's own lines that do: ${compilerWithInternals}`,
  );
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '–' : `${((100 * part) / whole).toFixed(1)} %`;
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
