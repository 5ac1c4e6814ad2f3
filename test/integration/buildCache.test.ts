/**
 * `check` goes through the go command, so the go build cache serves it: a package whose compile is replayed
 * from the cache (here a cache filled on "another machine" and copied over, as GOCACHEPROG or a restored
 * GOCACHE would bring it) gives exactly the findings of a fresh compile. A -toolexec logger shows that the
 * second run compiled nothing.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { requireGo } from '../helpers/goOracle';
import { CLI, REPOSITORY_ROOT } from '../helpers/lspClient';

const FIXTURE = path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'budgets');
const temporary = fs.mkdtempSync(path.join(os.tmpdir(), 'gel-cache-'));
after(() => fs.rmSync(temporary, { recursive: true, force: true }));
before(() => requireGo());

const toolLog = path.join(temporary, 'tools.log');
const logger = path.join(temporary, 'log-tool.sh');

function check(cache: string): { findings: string; compiled: string[] } {
  fs.writeFileSync(toolLog, '');
  const run = spawnSync(process.execPath, [CLI, 'check', '--format', 'json', `--build-flags=-toolexec=${logger}`, './hot', './clean'], {
    cwd: FIXTURE,
    encoding: 'utf8',
    env: { ...process.env, GOCACHE: cache, GOFLAGS: '', TOOL_LOG: toolLog },
  });
  assert.equal(run.status, 1, run.stderr);
  const compiled = fs
    .readFileSync(toolLog, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('compile ') && / -p example\.com\/budgets\//.test(line));
  return { findings: run.stdout, compiled };
}

test('a package replayed from a copied build cache gives the same findings as a fresh compile', () => {
  // Logs each tool the go command runs (not its -V=full version queries), then runs it.
  fs.writeFileSync(logger, '#!/bin/sh\ncase "$2" in -V=full) ;; *) echo "$(basename "$1") $*" >> "$TOOL_LOG" ;; esac\nexec "$@"\n', {
    mode: 0o755,
  });
  const first = path.join(temporary, 'cache-a');
  const fresh = check(first);
  assert.equal(fresh.compiled.length, 2, 'the first run compiles both packages');

  const copied = path.join(temporary, 'cache-b');
  fs.cpSync(first, copied, { recursive: true });
  const replayed = check(copied);
  assert.deepEqual(replayed.compiled, [], 'the second run compiles nothing: the compiler output is replayed');
  assert.equal(replayed.findings, fresh.findings);
  assert.ok(JSON.parse(replayed.findings).length > 0);
});
