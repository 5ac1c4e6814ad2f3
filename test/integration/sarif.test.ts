/**
 * `check --format sarif` validates against the SARIF 2.1.0 schema (shipped as test data, see
 * test/fixtures/sarif/PROVENANCE.md), and has what GitHub code scanning needs on top of the schema:
 * rules that results point at by id and index, paths relative to the repository, 1-based regions.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type { Log } from 'sarif';
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
