/**
 * The extension's settings, validated and normalised in one place. Whatever a client sends (VS Code's
 * `workspace/configuration`, Neovim's `settings` table, nothing at all), the rest of the server sees a
 * complete, valid `Settings`. An invalid value falls back to its default and is reported, never thrown.
 */
import { z } from 'zod';
import type { GoSettings } from './engine/goCommand';

const severity = z.enum(['error', 'warning', 'information', 'hint', 'off']);
export type SeveritySetting = z.infer<typeof severity>;

/** What a well-formed settings object looks like; every key optional. Used to report problems. */
const strictSchema = z
  .object({
    goPath: z.string().min(1),
    buildFlags: z.array(z.string()),
    env: z.record(z.string(), z.string()),
    severity: z.object({ escapesToHeap: severity, movedToHeap: severity, leakingParam: severity, predicted: severity }).partial(),
    analyzeOn: z.enum(['save', 'type']),
    typingDelayMs: z.number().int().min(0).max(10_000),
    inlayHints: z
      .object({
        heapAllocations: z.boolean(),
        stackAllocations: z.boolean(),
        leakingParameters: z.boolean(),
        inliningDecisions: z.boolean(),
      })
      .partial(),
    codeLens: z.object({ enabled: z.boolean() }).partial(),
    baseline: z.string(),
    baselineOnlyNew: z.boolean(),
    quickFixes: z.boolean(),
    valueReceiverMaxBytes: z.number().int().min(0).max(4096),
  })
  .partial();

/**
 * Which inlay hints are shown. Heap marks and parameter leaks answer "where does this allocate?" and are on;
 * `stack` marks and inlining decisions are for tuning sessions and would clutter everyday code, so are off.
 */
const DEFAULT_INLAY_HINTS = { heapAllocations: true, stackAllocations: false, leakingParameters: true, inliningDecisions: false };

/** The same shape, where each invalid or missing value becomes its default. */
const lenientSchema = z.object({
  goPath: z.string().min(1).catch('go'),
  /** `type` also analyses unsaved buffers (through `-overlay`), after `typingDelayMs` without typing. */
  analyzeOn: z.enum(['save', 'type']).catch('save'),
  typingDelayMs: z.number().int().min(0).max(10_000).catch(500),
  buildFlags: z.array(z.string()).catch([]),
  env: z.record(z.string(), z.string()).catch({}),
  severity: z
    .object({
      escapesToHeap: severity.catch('information'),
      movedToHeap: severity.catch('information'),
      leakingParam: severity.catch('off'),
      /** Allocations predicted from the syntax alone (restricted mode, no go, a package that does not build). */
      predicted: severity.catch('hint'),
    })
    .catch({ escapesToHeap: 'information', movedToHeap: 'information', leakingParam: 'off', predicted: 'hint' }),
  inlayHints: z
    .object({
      heapAllocations: z.boolean().catch(DEFAULT_INLAY_HINTS.heapAllocations),
      stackAllocations: z.boolean().catch(DEFAULT_INLAY_HINTS.stackAllocations),
      leakingParameters: z.boolean().catch(DEFAULT_INLAY_HINTS.leakingParameters),
      inliningDecisions: z.boolean().catch(DEFAULT_INLAY_HINTS.inliningDecisions),
    })
    .catch(DEFAULT_INLAY_HINTS),
  codeLens: z.object({ enabled: z.boolean().catch(true) }).catch({ enabled: true }),
  /** A git revision (`HEAD`, `origin/main`): allocations new since it are marked; empty for none. */
  baseline: z.string().trim().catch(''),
  /** With a baseline: show only the allocations that are new since it. */
  baselineOnlyNew: z.boolean().catch(false),
  /** Offer quick-fixes, each compiled in the background (through `-overlay`) before it is shown. */
  quickFixes: z.boolean().catch(true),
  /** The largest receiver type (estimated bytes) the value-receiver fix proposes to copy on every call. */
  valueReceiverMaxBytes: z.number().int().min(0).max(4096).catch(64),
});

export type Settings = z.infer<typeof lenientSchema>;

/** Normalises whatever the client sent. `problems` lists the settings that were ignored and why. */
export function normaliseSettings(raw: unknown): { settings: Settings; problems: string[] } {
  const input = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const checked = strictSchema.safeParse(input);
  const problems = checked.success
    ? []
    : checked.error.issues.map((issue) => `goEscapeLens.${issue.path.join('.')}: ${issue.message}; using the default`);
  const settings = lenientSchema.parse({ ...input, severity: input.severity ?? {} });
  return { settings, problems };
}

export const DEFAULT_SETTINGS: Settings = normaliseSettings({}).settings;

export function goSettings(settings: Settings): GoSettings {
  return { goBinary: settings.goPath, buildFlags: settings.buildFlags, env: settings.env };
}
