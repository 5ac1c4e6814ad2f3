/**
 * `check --format sarif` validates against the SARIF 2.1.0 schema (shipped as test data, see
 * test/fixtures/sarif/PROVENANCE.md), and has what GitHub code scanning needs on top of the schema:
 * rules that results point at by id and index, paths relative to the repository, 1-based regions.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, test } from 'node:test';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type { Log, Result } from 'sarif';
import { requireGo } from '../helpers/goOracle';
import { CLI, REPOSITORY_ROOT } from '../helpers/lspClient';

const FIXTURE = path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'budgets');
const SCHEMA = path.join(REPOSITORY_ROOT, 'test', 'fixtures', 'sarif', 'sarif-schema-2.1.0.json');

let log: Log;
before(() => {
  requireGo();
  const run = spawnSync(process.execPath, [CLI, 'check', '--format', 'sarif', './...'], { cwd: FIXTURE, encoding: 'utf8' });
  assert.equal(run.status, 1, run.stderr);
  log = JSON.parse(run.stdout) as Log;
});

test('the SARIF log validates against the SARIF 2.1.0 JSON schema', () => {
  // unicodeRegExp off: the schema's `language` pattern has a stray `]` that only a unicode RegExp rejects.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA, 'utf8')));
  const valid = validate(log);
  assert.ok(valid, JSON.stringify(validate.errors, null, 2));

  // The schema can fail: a result without a message is rejected.
  const broken = structuredClone(log);
  delete (broken.runs[0].results![0] as { message?: unknown }).message;
  assert.equal(validate(broken), false);
});

test('every result names a rule by id and index; the fixture exercises every rule, related locations, code flows and suppressions', () => {
  const run = log.runs[0];
  const rules = run.tool.driver.rules ?? [];
  assert.deepEqual(
    rules.map((rule) => rule.id),
    ['escapes-to-heap', 'moved-to-heap', 'broken-budget', 'invalid-directive'],
  );
  for (const rule of rules) {
    assert.ok(rule.help?.text && rule.help.markdown && rule.shortDescription?.text && rule.fullDescription?.text, rule.id);
  }
  const results = run.results ?? [];
  for (const result of results) {
    assert.equal(rules[result.ruleIndex!].id, result.ruleId);
    const location = result.locations?.[0].physicalLocation;
    assert.equal(location?.artifactLocation?.uriBaseId, '%SRCROOT%');
    assert.ok(!location?.artifactLocation?.uri?.startsWith('/'), location?.artifactLocation?.uri);
    assert.ok((location?.region?.startLine ?? 0) >= 1 && (location?.region?.startColumn ?? 0) >= 1);
  }
  assert.deepEqual(new Set(results.map((result) => result.ruleId)), new Set(rules.map((rule) => rule.id)));
  const budget = results.find((result) => result.ruleId === 'broken-budget' && result.message.text?.startsWith('Pair '));
  assert.equal(budget?.level, 'error');
  assert.equal(budget?.relatedLocations?.length, 2);
  assert.ok(results.some((result) => (result.codeFlows?.[0].threadFlows[0].locations.length ?? 0) > 0));
  const accepted = results.find((result) => result.suppressions?.length);
  assert.equal(accepted?.suppressions?.[0].justification, 'the caller owns the slice');
  // The repository root is the source root: paths start at the fixture's place in this repository.
  assert.ok(results.every((result) => result.locations?.[0].physicalLocation?.artifactLocation?.uri?.startsWith('test/fixtures/budgets/')));
});

test('fingerprints follow function, kind and expression, not lines: identical allocations are told apart by occurrence', () => {
  const results = log.runs[0].results ?? [];
  const fingerprints = results.map((result) => result.partialFingerprints?.['goEscapeLens/v1']);
  assert.equal(new Set(fingerprints).size, results.length);
});

test('shards: --shard i/n splits the packages, and merge-sarif joins their logs into the unsharded run', () => {
  const temporary = fs.mkdtempSync(path.join(os.tmpdir(), 'gel-sarif-'));
  try {
    const files = ['1/3', '2/3', '3/3'].map((shard, index) => {
      const run = spawnSync(process.execPath, [CLI, 'check', '--format', 'sarif', '--shard', shard, './...'], {
        cwd: FIXTURE,
        encoding: 'utf8',
      });
      assert.ok(run.status === 0 || run.status === 1, run.stderr);
      const file = path.join(temporary, `shard-${index + 1}.sarif`);
      fs.writeFileSync(file, run.stdout);
      return file;
    });
    const shardResults = files.map((file) => (JSON.parse(fs.readFileSync(file, 'utf8')) as Log).runs[0].results ?? []);
    const packagesOf = (results: readonly Result[]) => new Set(results.map((result) => result.properties?.package as string));
    // Every package in exactly one shard.
    const seen = shardResults.flatMap((results) => [...packagesOf(results)]);
    assert.equal(seen.length, new Set(seen).size, seen.join(', '));

    const merged = path.join(temporary, 'merged.sarif');
    const merge = spawnSync(process.execPath, [CLI, 'merge-sarif', '-o', merged, ...files], { encoding: 'utf8' });
    assert.equal(merge.status, 0, merge.stderr);
    const mergedLog = JSON.parse(fs.readFileSync(merged, 'utf8')) as Log;
    assert.equal(mergedLog.runs.length, 1);
    const key = (result: Result) => JSON.stringify([result.partialFingerprints, result.locations, result.message, result.ruleIndex]);
    assert.deepEqual((mergedLog.runs[0].results ?? []).map(key).sort(), (log.runs[0].results ?? []).map(key).sort());
    assert.deepEqual({ ...mergedLog.runs[0], results: [] }, { ...log.runs[0], results: [] });

    const notSarif = path.join(temporary, 'not.sarif');
    fs.writeFileSync(notSarif, '{"version": "1.0"}');
    const refused = spawnSync(process.execPath, [CLI, 'merge-sarif', files[0], notSarif], { encoding: 'utf8' });
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /not\.sarif is not a SARIF 2\.1\.0 log/);
  } finally {
    fs.rmSync(temporary, { recursive: true, force: true });
  }
});
