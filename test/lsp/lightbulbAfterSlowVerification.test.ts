/**
 * The lightbulb after a slow verification, over real stdio with the real compiler. VS Code asks for the
 * lightbulb's actions only when the cursor moves or the diagnostics change, and the server answers such a
 * request after waiting about one verification and a half at most: when the verification takes longer,
 * that answer is empty, and nothing would make VS Code ask again. Once the verdict is in, the server sends
 * the file's diagnostics again, unchanged and with nothing else, so the editor asks again.
 *
 * The verification is made slow on purpose, without a timer: the server finds go through a wrapper whose
 * `go vet` (which only a verification runs) waits, once the gate file exists, for a lock the test holds.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { type CodeAction, CodeActionRequest } from 'vscode-languageserver-protocol/node';
import { requireGo } from '../helpers/goOracle';
import { LspTestClient, REPOSITORY_ROOT } from '../helpers/lspClient';

const FIXES = path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'fixes');
/** Inside `errors.New` of `return nil, errors.New("cannot read nil body")`, 0-based. */
const AT_ERRORS_NEW = { line: 8, character: 22 };
const HOIST = /^Create the error once, in a package variable errCannotReadEmptyBody — removes 1 heap allocation/;

let bin: string;
let gate: string;
/** A copy of the fixture module's readbody package, which the test edits and saves as a user does. */
let module: string;
let readbody: string;
let uri: string;

before(() => {
  requireGo();
  const realGo = spawnSync('sh', ['-c', 'command -v go'], { encoding: 'utf8' }).stdout.trim();
  bin = fs.mkdtempSync(path.join(os.tmpdir(), 'gel-lightbulb-'));
  gate = path.join(bin, 'gate');
  const wrapper = `#!/bin/sh\nif [ "$1" = vet ] && [ -e '${gate}' ]; then flock -s '${gate}' true; fi\nexec '${realGo}' "$@"\n`;
  fs.writeFileSync(path.join(bin, 'go'), wrapper, { mode: 0o755 });
  module = path.join(bin, 'module');
  fs.mkdirSync(module);
  fs.copyFileSync(path.join(FIXES, 'go.mod'), path.join(module, 'go.mod'));
  fs.cpSync(path.join(FIXES, 'readbody'), path.join(module, 'readbody'), { recursive: true });
  readbody = path.join(module, 'readbody', 'readbody.go');
  uri = pathToFileURL(readbody).href;
});
after(() => fs.rmSync(bin, { recursive: true, force: true }));

/** Holds the gate's lock until `release`: every `go vet` waits for it meanwhile. */
async function closeGate(): Promise<{ release: () => Promise<void> }> {
  const holder: ChildProcess = spawn('flock', ['-x', gate, '-c', 'echo locked; exec cat >/dev/null'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const [locked] = (await once(holder.stdout!, 'data')) as [Buffer];
  assert.equal(locked.toString().trim(), 'locked');
  return {
    release: async () => {
      const exited = once(holder, 'exit');
      holder.stdin!.end();
      await exited;
    },
  };
}

async function codeActionTitles(client: LspTestClient): Promise<string[]> {
  const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
    textDocument: { uri },
    range: { start: AT_ERRORS_NEW, end: AT_ERRORS_NEW },
    context: { diagnostics: [] },
  })) as CodeAction[];
  return actions.map((action) => action.title);
}

test('an answer cut short by a slow verification: once verified, the same diagnostics are sent again, and the next answer offers the fix', async () => {
  const client = await LspTestClient.start(module, { settings: { goPath: path.join(bin, 'go') } });
  try {
    // A first, quick verification: the server learns how long one takes here, which bounds its wait.
    const published = client.nextDiagnostics(uri, (params) => params.diagnostics.length > 0);
    await client.open(readbody);
    await published;
    await client.logLine((line) => line === 'quick-fixes verified for readbody: 1 offered');

    const gateLock = await closeGate();
    let released = false;
    try {
      // A saved change of the message: a new candidate, whose verification waits at the gate.
      const edited = fs.readFileSync(readbody, 'utf8').replace('cannot read nil body', 'cannot read an empty body');
      const analysed = client.nextDiagnostics(uri, (params) => params.version === 2 && params.diagnostics.length > 0);
      fs.writeFileSync(readbody, edited);
      await client.change(readbody, edited);
      await client.save(readbody);
      const shown = await analysed;

      const first = await codeActionTitles(client);
      assert.ok(!first.some((title) => HOIST.test(title)), `answered before the verification: ${JSON.stringify(first)}`);

      const statusesBefore = client.statuses.length;
      const sentAgain = client.nextDiagnostics(uri, (params) => params.version === 2);
      await gateLock.release();
      released = true;
      const again = await sentAgain;
      assert.deepEqual(again, shown, 'the same diagnostics, for the same version');
      assert.deepEqual(client.statuses.slice(statusesBefore), [], 'nothing but the diagnostics is sent: no status');

      const next = await codeActionTitles(client);
      assert.ok(
        next.some((title) => HOIST.test(title)),
        JSON.stringify(next),
      );
    } finally {
      if (!released) await gateLock.release();
    }
  } finally {
    await client.stop();
  }
});
