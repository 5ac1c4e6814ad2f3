/**
 * Honours the official Go extension's settings, so a workspace configured for it (build tags, flags, tool
 * environment) is analysed the way it builds: `go.buildTags`, `go.buildFlags` and `go.toolsEnvVars`.
 * Our own settings come last and win where both say something. `go.alternateTools.go` and `go.goroot` say
 * where its go command is, and the search for go (engine/findGo.ts) tries them after our `goPath`.
 */
import { z } from 'zod';
import type { GoSettings } from './engine/goCommand';

const goSectionSchema = z.object({
  buildTags: z.string().catch(''),
  buildFlags: z.array(z.string()).catch([]),
  toolsEnvVars: z.record(z.string(), z.string()).catch({}),
  alternateTools: z.object({ go: z.string().optional().catch(undefined) }).catch({}),
  goroot: z.string().catch(''),
});

function goSection(section: unknown) {
  return goSectionSchema.parse(typeof section === 'object' && section !== null ? section : {});
}

/** Where the Go extension's settings say its go command is: `go.alternateTools.go` and `go.goroot`. */
export function goExtensionGoLocation(section: unknown): { alternateTool?: string; goroot?: string } {
  const go = goSection(section);
  const alternateTool = go.alternateTools.go?.trim();
  const goroot = go.goroot.trim();
  return { ...(alternateTool ? { alternateTool } : {}), ...(goroot ? { goroot } : {}) };
}

export function withGoExtensionSettings(ours: GoSettings, section: unknown): GoSettings {
  const go = goSection(section);
  const hasTags = (flags: readonly string[]) =>
    flags.some((flag) => flag === '-tags' || flag.startsWith('-tags=') || flag.startsWith('--tags'));
  const flags: string[] = [];
  if (go.buildTags.trim() !== '' && !hasTags(ours.buildFlags) && !hasTags(go.buildFlags)) flags.push(`-tags=${go.buildTags.trim()}`);
  // A -gcflags of the user's would replace ours (the last one wins) and switch the analysis off.
  flags.push(...go.buildFlags.filter((flag) => !flag.startsWith('-gcflags')), ...ours.buildFlags);
  return { ...ours, buildFlags: flags, env: { ...go.toolsEnvVars, ...ours.env } };
}
