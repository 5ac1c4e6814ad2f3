/**
 * Honours the official Go extension's settings, so a workspace configured for it (build tags, flags, tool
 * environment) is analysed the way it builds: `go.buildTags`, `go.buildFlags` and `go.toolsEnvVars`.
 * Our own settings come last and win where both say something.
 */
import { z } from 'zod';
import type { GoSettings } from './engine/goCommand';

const goSectionSchema = z.object({
  buildTags: z.string().catch(''),
  buildFlags: z.array(z.string()).catch([]),
  toolsEnvVars: z.record(z.string(), z.string()).catch({}),
});

export function withGoExtensionSettings(ours: GoSettings, goSection: unknown): GoSettings {
  const input = typeof goSection === 'object' && goSection !== null ? goSection : {};
  const go = goSectionSchema.parse(input);
  const hasTags = (flags: readonly string[]) =>
    flags.some((flag) => flag === '-tags' || flag.startsWith('-tags=') || flag.startsWith('--tags'));
  const flags: string[] = [];
  if (go.buildTags.trim() !== '' && !hasTags(ours.buildFlags) && !hasTags(go.buildFlags)) flags.push(`-tags=${go.buildTags.trim()}`);
  // A -gcflags of the user's would replace ours (the last one wins) and switch the analysis off.
  flags.push(...go.buildFlags.filter((flag) => !flag.startsWith('-gcflags')), ...ours.buildFlags);
  return { ...ours, buildFlags: flags, env: { ...go.toolsEnvVars, ...ours.env } };
}
