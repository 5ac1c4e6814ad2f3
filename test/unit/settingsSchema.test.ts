/**
 * The settings are stated in code (server/src/settings.ts), in package.json (`contributes.configuration`,
 * what VS Code shows and validates) and in the README's settings table. Like gopls's TestGenerated, this
 * fails when they disagree, and says which of them to change.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { SETTINGS_SECTION } from '../../server/src/protocol';
import { normaliseSettings, settingRules } from '../../server/src/settings';

const ROOT = path.join(__dirname, '..', '..');
const packageJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const contributed: Record<string, Record<string, unknown>> = packageJson.contributes.configuration.properties;
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const rules = settingRules();

/** The JSON-schema keywords package.json states that the code's rule decides too. */
const KEYWORDS = ['type', 'enum', 'minimum', 'maximum', 'minLength', 'items', 'additionalProperties'] as const;

function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _, propertyNames: __, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>;
  return rest;
}

describe('settings: code, package.json and README agree', () => {
  it('knows the settings', () => {
    assert.ok(rules.length >= 15, `only ${rules.length} settings found in SETTINGS_SCHEMA`);
  });

  for (const [name, rule] of rules) {
    const key = `${SETTINGS_SECTION}.${name}`;
    it(key, () => {
      const declared = contributed[key];
      assert.ok(
        declared,
        `${key} is in SETTINGS_SCHEMA (server/src/settings.ts) but not in package.json contributes.configuration.properties`,
      );
      assert.deepEqual(
        declared.default,
        rule.fallback,
        `${key}: package.json's default is ${JSON.stringify(declared.default)}, the code's fallback is ${JSON.stringify(rule.fallback)}; make them one`,
      );
      const expected = jsonSchemaOf(rule.schema);
      for (const keyword of KEYWORDS) {
        assert.deepEqual(
          declared[keyword],
          expected[keyword],
          `${key}: package.json says "${keyword}": ${JSON.stringify(declared[keyword])}, the code's schema says ${JSON.stringify(expected[keyword])}`,
        );
      }
      // The default must pass the code's own rule, or the fallback would be reported as a problem.
      assert.deepEqual(rule.schema.safeParse(rule.fallback).success, true, `${key}: the fallback is not a valid value`);
      assert.match(
        readme,
        new RegExp(`^\\|\\s*\`${key.replaceAll('.', '\\.')}\`\\s*\\|`, 'm'),
        `${key} has no row in the README's settings table (## Settings)`,
      );
    });
  }

  it('package.json has no setting the code does not read', () => {
    const known = new Set(rules.map(([name]) => `${SETTINGS_SECTION}.${name}`));
    const unknown = Object.keys(contributed).filter((key) => !known.has(key));
    assert.deepEqual(unknown, [], `in package.json but not in SETTINGS_SCHEMA (server/src/settings.ts): ${unknown.join(', ')}`);
  });

  it('an invalid value falls back alone and is reported', () => {
    const { settings, problems } = normaliseSettings({ severity: { escapesToHeap: 'loud', movedToHeap: 'hint' }, typingDelayMs: -1 });
    assert.equal(settings.severity.escapesToHeap, 'information');
    assert.equal(settings.severity.movedToHeap, 'hint', 'a valid sibling is kept');
    assert.equal(settings.typingDelayMs, 500);
    assert.equal(problems.length, 2);
    assert.match(problems[0]!, /^goEscapeLens\.severity\.escapesToHeap: .*"loud".*using the default "information"/);
    assert.match(problems[1]!, /^goEscapeLens\.typingDelayMs: /);
  });
});
