/**
 * Restricted mode over real stdio: an untrusted workspace gets predicted allocations and not one go
 * process; trusting it switches to the compiler's facts without restarting the server, and back.
 *
 * "No go process" is observed, not assumed: the server finds go through a recording wrapper, both as the
 * `goPath` setting and first on PATH, which logs every invocation before handing over to the real go.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { ExecuteCommandRequest } from 'vscode-languageserver-protocol/node';
import type { WorkspaceAnalysisSummary } from '../../server/src/features/workspaceAnalysis';
import { COMMANDS, WorkspaceTrustNotification } from '../../server/src/protocol';
import { requireGo } from '../helpers/goOracle';
import { LspTestClient, REPOSITORY_ROOT } from '../helpers/lspClient';

const ARTICLE = path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'article');
const POINTERS = path.join(ARTICLE, 'pointers', 'pointers.go');
const CLOSURES = path.join(ARTICLE, 'closures', 'closures.go');
let bin: string;
let invocations: string;

function goCalls(): string[] {
  return fs.existsSync(invocations) ? fs.readFileSync(invocations, 'utf8').split('\n').filter(Boolean) : [];
}

const isPredicted = (diagnostic: Diagnostic) => (diagnostic.data as { predicted?: boolean } | undefined)?.predicted === true;
const onLines = (diagnostics: Diagnostic[]) => diagnostics.map((diagnostic) => diagnostic.range.start.line + 1);

before(() => {
  requireGo();
  const realGo = spawnSync('sh', ['-c', 'command -v go'], { encoding: 'utf8' }).stdout.trim();
  bin = fs.mkdtempSync(path.join(os.tmpdir(), 'gel-restricted-'));
  invocations = path.join(bin, 'invocations.log');
  fs.writeFileSync(path.join(bin, 'go'), `#!/bin/sh\necho "$$ $*" >> '${invocations}'\nexec '${realGo}' "$@"\n`, { mode: 0o755 });
});
after(() => fs.rmSync(bin, { recursive: true, force: true }));

async function startRestricted(): Promise<LspTestClient> {
  return LspTestClient.start(ARTICLE, {
    settings: { goPath: path.join(bin, 'go') },
    env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` },
    initializationOptions: { workspaceTrusted: false },
  });
}

test('an untrusted workspace: predicted allocations, clearly marked, and no go process', async () => {
  const client = await startRestricted();
  try {
    const pointersUri = pathToFileURL(POINTERS).href;
    const closuresUri = pathToFileURL(CLOSURES).href;
    const pointers = client.nextDiagnostics(pointersUri, (params) => params.diagnostics.length > 0);
    const closures = client.nextDiagnostics(closuresUri, (params) => params.diagnostics.length > 0);
    const status = client.nextStatus((params) => params.state === 'paused' && /Restricted mode/.test(params.message ?? ''));
    await client.open(POINTERS);
    await client.open(CLOSURES);
    const [pointersDiagnostics, closuresDiagnostics] = [(await pointers).diagnostics, (await closures).diagnostics];
    await status;

    assert.deepEqual(onLines(pointersDiagnostics), [10, 31, 40]);
    assert.deepEqual(onLines(closuresDiagnostics), [10, 11, 19, 20, 29]);
    for (const diagnostic of [...pointersDiagnostics, ...closuresDiagnostics]) {
      assert.ok(isPredicted(diagnostic), JSON.stringify(diagnostic));
      assert.equal(diagnostic.code, 'predicted-heap-allocation');
      assert.equal(diagnostic.severity, 4, 'Hint');
      assert.match(String(diagnostic.message), /^predicted: .*not from the compiler: the workspace is not trusted/);
    }
    assert.deepEqual(pointersDiagnostics[0].range, { start: { line: 9, character: 8 }, end: { line: 9, character: 26 } });

    // A save re-predicts (the same predictions, so nothing new is published); it still runs nothing.
    const resaved = client.nextStatus((params) => params.state === 'paused' && /Restricted mode/.test(params.message ?? ''));
    await client.save(POINTERS);
    await resaved;
    assert.deepEqual(onLines(client.diagnostics.get(pointersUri)?.diagnostics ?? []), [10, 31, 40]);
    assert.deepEqual(goCalls(), [], 'restricted mode started a go process');
  } finally {
    await client.stop();
  }
});

test('trusting the workspace switches to the compiler without a restart, and back', async () => {
  const client = await startRestricted();
  try {
    const uri = pathToFileURL(POINTERS).href;
    const predicted = client.nextDiagnostics(uri, (params) => params.diagnostics.length > 0);
    await client.open(POINTERS);
    assert.ok((await predicted).diagnostics.every(isPredicted));
    assert.deepEqual(goCalls(), []);

    const facts = client.nextDiagnostics(uri, (params) => params.diagnostics.some((diagnostic) => diagnostic.code === 'escapes-to-heap'));
    await client.connection.sendNotification(WorkspaceTrustNotification, { trusted: true });
    const compilerDiagnostics = (await facts).diagnostics;
    assert.ok(
      compilerDiagnostics.every((diagnostic) => !isPredicted(diagnostic)),
      JSON.stringify(compilerDiagnostics),
    );
    assert.deepEqual(onLines(compilerDiagnostics), [10, 31, 40]);
    assert.ok(
      goCalls().some((call) => call.includes('-gcflags=-m=2')),
      goCalls().join('\n'),
    );

    const callsWhenTrusted = goCalls().length;
    const predictedAgain = client.nextDiagnostics(uri, (params) => params.diagnostics.length > 0 && params.diagnostics.every(isPredicted));
    await client.connection.sendNotification(WorkspaceTrustNotification, { trusted: false });
    await predictedAgain;
    const resaved = client.nextStatus((params) => params.state === 'paused' && /Restricted mode/.test(params.message ?? ''));
    await client.save(POINTERS);
    await resaved;
    assert.ok(client.diagnostics.get(uri)?.diagnostics.every(isPredicted));
    assert.equal(goCalls().length, callsWhenTrusted, 'go ran after trust was withdrawn');
  } finally {
    await client.stop();
  }
});

test('withdrawing trust during the workspace command stops it, and its worker and every go command it started have ended', async () => {
  const client = await startRestricted();
  try {
    await client.connection.sendNotification(WorkspaceTrustNotification, { trusted: true });
    const answered = client.connection.sendRequest(ExecuteCommandRequest.type, {
      command: COMMANDS.analyseWorkspace,
    }) as Promise<WorkspaceAnalysisSummary>;
    const line = await client.logLine((candidate) => /worker process \(pid \d+\)/.test(candidate));
    const pid = Number(/pid (\d+)/.exec(line)![1]);
    await client.connection.sendNotification(WorkspaceTrustNotification, { trusted: false });
    const summary = await answered;
    assert.ok(summary.analysed < summary.packages, JSON.stringify(summary));
    assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, 'the worker still runs');
    // What ran in the worker: every go command it started has ended with it (each is killed with its group).
    for (const call of goCalls()) assert.throws(() => process.kill(Number(call.split(' ')[0]), 0), { code: 'ESRCH' }, call);
  } finally {
    await client.stop();
  }
});

test('a goPath that does not exist: the go found next is used, and the log says both', async () => {
  const missing = path.join(bin, 'missing', 'go');
  const client = await LspTestClient.start(ARTICLE, { settings: { goPath: missing } });
  try {
    const uri = pathToFileURL(POINTERS).href;
    const published = client.nextDiagnostics(uri, (params) => params.diagnostics.length > 0);
    await client.open(POINTERS);
    const { diagnostics } = await published;
    assert.deepEqual(onLines(diagnostics), [10, 31, 40]);
    assert.ok(
      diagnostics.every((diagnostic) => !isPredicted(diagnostic)),
      'the compiler ran',
    );
    const used = client.logs.filter((line) => line.startsWith('Using '));
    assert.equal(used.length, 1, `said once: ${used.join(' | ')}`);
    assert.ok(used[0].includes(`goEscapeLens.goPath names ${missing}, which does not exist.`), used[0]);
  } finally {
    await client.stop();
  }
});
