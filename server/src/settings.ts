/**
 * The extension's settings, validated and normalised in one place. Whatever a client sends (VS Code's
 * `workspace/configuration`, Neovim's `settings` table, nothing at all), the rest of the server sees a
 * complete, valid `Settings`. An invalid value falls back to its default and is reported, never thrown.
 *
 * Each setting is stated once, in SETTINGS_SCHEMA: its rule (a zod schema) and its default. Adding one is
 * a line here, its entry under `contributes.configuration` in package.json and a row in the README's
 * settings table; test/unit/settingsSchema.test.ts says which of those disagree.
 */
import { z } from 'zod';
import type { GoSettings } from './engine/goCommand';
import { DEFAULT_ANNOTATIONS } from './model/annotations';
import { LOG_LEVELS } from './serverLog';

/** One setting: what a valid value is, and what stands in for a missing or invalid one. */
export interface SettingRule<T> {
  readonly schema: z.ZodType<T, unknown>;
  readonly fallback: T;
}

function setting<T>(schema: z.ZodType<T, unknown>, fallback: T): SettingRule<T> {
  return { schema, fallback };
}

const severity = z.enum(['error', 'warning', 'information', 'hint', 'off']);
export type SeveritySetting = z.infer<typeof severity>;

/** Settings, nested as VS Code hands them over: `severity.escapesToHeap` is `{ severity: { escapesToHeap } }`. */
export const SETTINGS_SCHEMA = {
  /** Empty: the go command is searched for as the Go extension does (engine/findGo.ts). */
  goPath: setting(z.string().trim(), ''),
  buildFlags: setting(z.array(z.string()), []),
  env: setting(z.record(z.string(), z.string()), {}),
  severity: {
    escapesToHeap: setting(severity, 'information'),
    /**
     * An `escapes-to-heap` fact that allocates nothing at run time (features/nothingAllocated.ts: a constant or
     * a zero-size value converted to an interface, fmt.Errorf's unused fallback): a hint, so it does not
     * squiggle like an allocation.
     */
    nothingAllocated: setting(severity, 'hint'),
    movedToHeap: setting(severity, 'information'),
    leakingParam: setting(severity, 'off'),
    /** Allocations predicted from the syntax alone (restricted mode, no go, a package that does not build). */
    predicted: setting(severity, 'hint'),
    /** Allocations a benchmark or profile measured on lines where the compiler reports no heap allocation. */
    measuredAllocation: setting(severity, 'information'),
  },
  /** `type` also analyses unsaved buffers (through `-overlay`), after `typingDelayMs` without typing. */
  analyzeOn: setting(z.enum(['save', 'type']), 'save'),
  typingDelayMs: setting(z.number().int().min(0).max(10_000), 500),
  /**
   * Which inlay hints are shown. Heap marks and parameter leaks answer "where does this allocate?" and are
   * on; `stack` marks and inlining decisions are for tuning sessions and would clutter everyday code.
   */
  inlayHints: {
    heapAllocations: setting(z.boolean(), true),
    stackAllocations: setting(z.boolean(), false),
    leakingParameters: setting(z.boolean(), true),
    inliningDecisions: setting(z.boolean(), false),
  },
  codeLens: { enabled: setting(z.boolean(), true) },
  /** Which of the compiler's optimisation details are shown (like gopls's `annotations`): escapes only by default. */
  annotations: {
    escape: setting(z.boolean(), DEFAULT_ANNOTATIONS.escape),
    inline: setting(z.boolean(), DEFAULT_ANNOTATIONS.inline),
    bounds: setting(z.boolean(), DEFAULT_ANNOTATIONS.bounds),
    nil: setting(z.boolean(), DEFAULT_ANNOTATIONS.nil),
  },
  /** A git revision (`HEAD`, `origin/main`): allocations new since it are marked; empty for none. */
  baseline: setting(z.string().trim(), ''),
  /** With a baseline: show only the allocations that are new since it. */
  baselineOnlyNew: setting(z.boolean(), false),
  /** Offer quick-fixes, each compiled in the background (through `-overlay`) before it is shown. */
  quickFixes: setting(z.boolean(), true),
  /** The largest receiver type (estimated bytes) the value-receiver fix proposes to copy on every call. */
  valueReceiverMaxBytes: setting(z.number().int().min(0).max(4096), 64),
  /**
   * Which files get diagnostics: the open ones (as ESLint does), so a package's other files do not flood the
   * Problems panel; `package` publishes every file of each analysed package.
   */
  diagnostics: { scope: setting(z.enum(['openFiles', 'package']), 'openFiles') },
  /** The server's own log lines: `info` writes a few per analysis; `verbose` adds each allocation, refused fix and verdict. */
  logLevel: setting(z.enum(LOG_LEVELS), 'info'),
  /** Read by the language client, not the server: vscode-languageclient's `<id>.trace.server` convention. */
  trace: { server: setting(z.enum(['off', 'messages', 'verbose']), 'off') },
  /** Measuring allocations: the benchmark's `-benchtime`, a profile to load by itself, and which figures count. */
  measurement: {
    benchtime: setting(z.string().regex(/^(\d+x|\d+(\.\d+)?(ns|us|µs|ms|s|m|h))$/, 'a duration such as 1s or a count such as 1000x'), '1s'),
    profile: setting(z.string().trim(), ''),
    sampleType: setting(z.enum(['alloc_space', 'alloc_objects', 'inuse_space', 'inuse_objects']), 'alloc_space'),
  },
};

/** A group of settings: settings and further groups, by name. */
interface SettingGroup {
  readonly [name: string]: SettingRule<unknown> | SettingGroup;
}

type Resolved<Group> = {
  readonly [Name in keyof Group]: Group[Name] extends SettingRule<infer T> ? T : Resolved<Group[Name]>;
};

export type Settings = Resolved<typeof SETTINGS_SCHEMA>;

export function isSettingRule(value: SettingRule<unknown> | SettingGroup): value is SettingRule<unknown> {
  return 'schema' in value && value.schema instanceof z.ZodType;
}

/** Every setting with its dotted name relative to the section, e.g. `severity.escapesToHeap`. */
export function settingRules(group: SettingGroup = SETTINGS_SCHEMA, prefix = ''): [string, SettingRule<unknown>][] {
  return Object.entries(group).flatMap(([name, value]) =>
    isSettingRule(value) ? [[`${prefix}${name}`, value] as [string, SettingRule<unknown>]] : settingRules(value, `${prefix}${name}.`),
  );
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function resolve(group: SettingGroup, input: unknown, prefix: string, problems: string[]): Record<string, unknown> {
  if (input !== undefined && input !== null && !isRecord(input)) {
    problems.push(`goEscapeLens.${prefix.slice(0, -1)}: expected an object; using the defaults`);
  }
  const values = isRecord(input) ? input : {};
  const resolved: Record<string, unknown> = {};
  for (const [name, rule] of Object.entries(group)) {
    const value = values[name];
    if (!isSettingRule(rule)) {
      resolved[name] = resolve(rule, value, `${prefix}${name}.`, problems);
      continue;
    }
    if (value === undefined || value === null) {
      resolved[name] = rule.fallback;
      continue;
    }
    const parsed = rule.schema.safeParse(value);
    if (parsed.success) resolved[name] = parsed.data;
    else {
      const why = parsed.error.issues.map((issue) => issue.message).join('; ');
      problems.push(
        `goEscapeLens.${prefix}${name}: ${why} (got ${JSON.stringify(value)}); using the default ${JSON.stringify(rule.fallback)}`,
      );
      resolved[name] = rule.fallback;
    }
  }
  return resolved;
}

/** Normalises whatever the client sent. Each invalid value falls back to its default alone; `problems` says which and why. */
export function normaliseSettings(raw: unknown): { settings: Settings; problems: string[] } {
  const problems: string[] = [];
  const settings = resolve(SETTINGS_SCHEMA, isRecord(raw) ? raw : {}, '', problems) as Settings;
  return { settings, problems };
}

export const DEFAULT_SETTINGS: Settings = normaliseSettings({}).settings;

export function goSettings(settings: Settings): GoSettings {
  // Only the kinds that change the compile or its parsing are passed: toggling escapes is a matter of display.
  const { inline, bounds, nil } = settings.annotations;
  const annotations = inline || bounds || nil ? { ...settings.annotations } : undefined;
  return { goBinary: settings.goPath || 'go', buildFlags: settings.buildFlags, env: settings.env, ...(annotations ? { annotations } : {}) };
}
