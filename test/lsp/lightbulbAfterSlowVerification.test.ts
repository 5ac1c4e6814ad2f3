/**
 * The lightbulb after a slow verification, over real stdio with the real compiler. VS Code asks for the
 * lightbulb's actions only when the cursor moves or the diagnostics change, and the server answers such a
 * request after waiting about one verification and a half at most: when the verification takes longer,
 * that answer is empty, and nothing would make VS Code ask again. Once the verdict is in, the server sends
 * the file's diagnostics again, unchanged and with nothing else, so the editor asks again; but never while
 * a Ctrl+. the user invoked is waiting (a marker change would cancel it), and never for a document that has
 * changed since.
 *
 * The verification is made slow on purpose, without a timer: the server finds go through a wrapper whose
 * `go vet` (which only a verification runs) waits, once the gate file exists, for a lock the test holds.
 * flock(1) is util-linux's: without it the tests are skipped, saying why.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import {
  type CodeAction,
  CodeActionRequest,
  CodeActionTriggerKind,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { requireGo } from '../helpers/goOracle';
import { LspTestClient, REPOSITORY_ROOT } from '../helpers/lspClient';

const FIXES = path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'fixes');
/** Inside `errors.New` of `return nil, errors.New("cannot read nil body")`, 0-based. */
const AT_ERRORS_NEW = { line: 8, character: 22 };
const HOIST = /^Create the error once, in a package variable errCannotReadEmptyBody — removes 1 heap allocation/;
const NO_FLOCK = spawnSync('sh', ['-c', 'command -v flock']).status !== 0 && 'needs flock(1) (util-linux) to hold the verification';

let bin: string;
let gate: string;

before(() => {
  requireGo();
  const realGo = spawnSync('sh', ['-c', 'command -v go'], { encoding: 'utf8' }).stdout.trim();
  bin = fs.mkdtempSync(path.join(os.tmpdir(), 'gel-lightbulb-'));
  gate = path.join(bin, 'gate');
  const wrapper = `#!/bin/sh\nif [ "$1" = vet ] && [ -e '${gate}' ]; then flock -s '${gate}' true; fi\nexec '${realGo}' "$@"\n`;
  fs.writeFileSync(path.join(bin, 'go'), wrapper, { mode: 0o755 });
});
after(() => fs.rmSync(bin, { recursive: true, force: true }));

/** Holds the gate's lock until `release`: every `go vet` waits for it meanwhile. */
async function closeGate(): Promise<{ release: () => Promise<void> }> {
  const holder: ChildProcess = spawn('flock', ['-x', gate, '-c', 'echo locked; exec cat >/dev/null'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const [locked] = (await once(holder.stdout!, 'data')) as [Buffer];
  assert.equal(locked.toString().trim(), 'locked');
  let released = false;
  return {
    release: async () => {
      if (released) return;
      released = true;
      const exited = once(holder, 'exit');
      holder.stdin!.end();
      await exited;
    },
  };
}

/** A fresh copy of the fixture module's readbody package, which a test edits and saves as a user does. */
function readbodyCopy(): string {
  const module = fs.mkdtempSync(path.join(bin, 'module-'));
  fs.copyFileSync(path.join(FIXES, 'go.mod'), path.join(module, 'go.mod'));
  fs.cpSync(path.join(FIXES, 'readbody'), path.join(module, 'readbody'), { recursive: true });
  return path.join(module, 'readbody', 'readbody.go');
}

/**
 * The server, after one quick verification (so it knows how long one takes here, which bounds its wait),
 * with the gate closed and a saved change of the message: a new candidate, whose verification waits at
 * the gate. `shown` is what was published for the saved version.
 */
async function slowVerification(): Promise<{
  client: LspTestClient;
  file: string;
  uri: string;
  shown: PublishDiagnosticsParams;
  gate: { release: () => Promise<void> };
}> {
  const file = readbodyCopy();
  const uri = pathToFileURL(file).href;
  const client = await LspTestClient.start(path.dirname(path.dirname(file)), {
    settings: { goPath: path.join(bin, 'go'), logLevel: 'verbose' },
  });
  const published = client.nextDiagnostics(uri, (params) => params.diagnostics.length > 0);
  await client.open(file);
  await published;
  await client.logLine((line) => line === 'quick-fixes verified for readbody: 1 offered');

  const closed = await closeGate();
  const edited = fs.readFileSync(file, 'utf8').replace('cannot read nil body', 'cannot read an empty body');
  const analysed = client.nextDiagnostics(uri, (params) => params.version === 2 && params.diagnostics.length > 0);
  fs.writeFileSync(file, edited);
  await client.change(file, edited);
  await client.save(file);
  return { client, file, uri, shown: await analysed, gate: closed };
}

function codeActionTitles(client: LspTestClient, uri: string, triggerKind: CodeActionTriggerKind): Promise<string[]> {
  return client.connection
    .sendRequest(CodeActionRequest.type, {
      textDocument: { uri },
      range: { start: AT_ERRORS_NEW, end: AT_ERRORS_NEW },
      context: { diagnostics: [], triggerKind },
    })
    .then((actions) => ((actions ?? []) as CodeAction[]).map((action) => action.title));
}

/** The server's messages in the order it wrote them: `response` for a response, else the notification's method. */
function messageOrder(client: LspTestClient): { kinds: () => string[] } {
  let raw = '';
  client.process.stdout!.on('data', (chunk: Buffer) => {
    raw += chunk.toString('utf8');
  });
  return {
    kinds: () =>
      raw
        .split(/Content-Length: \d+\r\n\r\n/)
        .filter(Boolean)
        .map((body) => {
          const message = JSON.parse(body) as { method?: string; params?: { version?: number } };
          return message.method
            ? `${message.method}${message.params?.version !== undefined ? `@${message.params.version}` : ''}`
            : 'response';
        }),
  };
}

test('the lightbulb’s answer cut short by a slow verification: once verified, the same diagnostics are sent again, and the next answer offers the fix', {
  skip: NO_FLOCK,
}, async () => {
  const { client, uri, shown, gate } = await slowVerification();
  try {
    const first = await codeActionTitles(client, uri, CodeActionTriggerKind.Automatic);
    assert.ok(!first.some((title) => HOIST.test(title)), `answered before the verification: ${JSON.stringify(first)}`);

    const statusesBefore = client.statuses.length;
    const sentAgain = client.nextDiagnostics(uri, (params) => params.version === 2);
    await gate.release();
    assert.deepEqual(await sentAgain, shown, 'the same diagnostics, for the same version');
    assert.deepEqual(client.statuses.slice(statusesBefore), [], 'nothing but the diagnostics is sent: no status');

    const next = await codeActionTitles(client, uri, CodeActionTriggerKind.Automatic);
    assert.ok(
      next.some((title) => HOIST.test(title)),
      JSON.stringify(next),
    );
  } finally {
    await gate.release();
    await client.stop();
  }
});

test('a Ctrl+. waiting for the same verdict gets its answer before the diagnostics are sent again', { skip: NO_FLOCK }, async () => {
  const { client, uri, gate } = await slowVerification();
  try {
    const order = messageOrder(client);
    await codeActionTitles(client, uri, CodeActionTriggerKind.Automatic);
    const invoked = codeActionTitles(client, uri, CodeActionTriggerKind.Invoked);
    const sentAgain = client.nextDiagnostics(uri, (params) => params.version === 2);
    await gate.release();
    assert.ok(
      (await invoked).some((title) => HOIST.test(title)),
      'the invoked request waited for the verdict',
    );
    await sentAgain;
    // The response first: diagnostics before it would change VS Code's markers and cancel the menu.
    const kinds = order.kinds().filter((kind) => kind === 'response' || kind === 'textDocument/publishDiagnostics@2');
    assert.deepEqual(kinds, ['response', 'response', 'textDocument/publishDiagnostics@2'], order.kinds().join(', '));
  } finally {
    await gate.release();
    await client.stop();
  }
});

test('a document typed into after the early answer gets nothing sent again: the verdict is for text it no longer has', {
  skip: NO_FLOCK,
}, async () => {
  const { client, file, uri, gate } = await slowVerification();
  try {
    await codeActionTitles(client, uri, CodeActionTriggerKind.Automatic);
    await client.change(file, `${fs.readFileSync(file, 'utf8')}\n// typing\n`);
    const publicationsBefore = client.publications.length;
    const followedUp = client.logLine((line) => /^readbody\.go: diagnostics (not )?sent again/.test(line));
    await gate.release();
    assert.equal(await followedUp, 'readbody.go: diagnostics not sent again: the document has changed since');
    assert.deepEqual(client.publications.slice(publicationsBefore), [], 'diagnostics were sent again for an older version');
  } finally {
    await gate.release();
    await client.stop();
  }
});
