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
    severity: z.object({ escapesToHeap: severity, movedToHeap: severity, leakingParam: severity }).partial(),
    analyzeOn: z.enum(['save', 'type']),
    typingDelayMs: z.number().int().min(0).max(10_000),
  })
  .partial();

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
    })
    .catch({ escapesToHeap: 'information', movedToHeap: 'information', leakingParam: 'off' }),
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
