/**
 * What a package's status notification says of its files: the counts the status bar shows, and the files
 * its build leaves out. Pure: the publisher sends it after an analysis in the server, and the workspace
 * worker computes it for the packages it analyses in a process of its own.
 */
import * as path from 'node:path';
import { buildContext, buildExclusion, describeExclusion } from '../engine/buildConstraints';
import type { GoSettings } from '../engine/goCommand';
import type { FileAnalysis } from '../model/analysis';
import type { Annotations } from '../model/annotations';
import { isBoundsCheckKind } from '../model/checks';
import type { StatusParams } from '../protocol';
import { allocatesAtRunTime } from './nothingAllocated';

/** The file's heap allocations: the facts that allocate at run time (not a constant's box). */
export function heapAllocationCount(file: FileAnalysis): number {
  return file.located.filter(allocatesAtRunTime).length;
}

/** Per document URI, what the status bar counts: only the kinds whose annotations are on. */
export function statusCounts(
  files: Iterable<FileAnalysis>,
  annotations: Annotations,
  uriOf: (file: string) => string,
): Pick<StatusParams, 'heapAllocationsByUri' | 'checksByUri'> {
  const { escape: escapes, bounds, nil } = annotations;
  const heapAllocationsByUri: Record<string, number> = {};
  const checksByUri: Record<string, { bounds?: number; nil?: number }> = {};
  for (const file of files) {
    const uri = uriOf(file.file);
    if (escapes) heapAllocationsByUri[uri] = heapAllocationCount(file);
    // Every file is listed, even with no kind on: the client then forgets counts of kinds switched off.
    checksByUri[uri] = {
      ...(bounds ? { bounds: file.located.filter((item) => isBoundsCheckKind(item.fact.kind)).length } : {}),
      ...(nil ? { nil: file.located.filter((item) => item.fact.kind === 'nilCheck').length } : {}),
    };
  }
  return { heapAllocationsByUri, checksByUri };
}

/**
 * The files of the package that its build leaves out under the current settings (`//go:build ignore`,
 * another GOOS), by URI: why, and what would include them. Undefined when there are none.
 */
export function notInBuildNotes(
  files: Iterable<FileAnalysis>,
  go: GoSettings,
  uriOf: (file: string) => string,
): Record<string, string> | undefined {
  const context = buildContext(go);
  const notes: Record<string, string> = {};
  for (const file of files) {
    if (file.located.length > 0) continue;
    const exclusion = buildExclusion(path.basename(file.file), file.source.text, context);
    if (!exclusion) continue;
    notes[uriOf(file.file)] = describeExclusion(path.basename(file.file), exclusion);
  }
  return Object.keys(notes).length > 0 ? notes : undefined;
}
