/**
 * Attributes each sample of an allocation profile to the innermost frame that lies in the workspace's
 * packages: the line a user can change. Pure.
 *
 * Sites are keyed by function and line offset inside the function, not by line alone, so that a profile
 * taken from older source can be placed on the code as it is now (see placeSites.ts).
 */
import type { AllocationProfile, AllocationSampleType, ProfileFrame } from '../model/measurement';
import type { ResolvedPath } from './profilePaths';

/** A frame of another package that the site called: what allocated, when it was not the site itself. */
export interface CalleeFrame {
  readonly functionName: string;
  /** Its local source (GOROOT or the module cache), when there is one. */
  readonly file?: string;
  readonly line: number;
}

/** The measured allocations of one (function, line) of the profile, before placing on today's source. */
export interface ProfileSite {
  readonly file: string;
  /** Qualified, as the profile names it. */
  readonly functionName: string;
  readonly line: number;
  /** The function's `func` line in the profiled source; 0 when the profile does not say. */
  readonly functionStartLine: number;
  readonly bytes: number;
  readonly objects: number;
  /** The frames below the site that allocated (innermost first), by bytes: one entry per distinct callee. */
  readonly callees: ReadonlyMap<string, { readonly frames: readonly CalleeFrame[]; bytes: number }>;
}

export interface Attribution {
  readonly sites: readonly ProfileSite[];
  readonly attributedSamples: number;
  readonly outsideWorkspace: number;
  readonly unmatchedFiles: readonly string[];
  readonly totalBytes: number;
  readonly totalObjects: number;
}

export interface AttributionOptions {
  readonly resolve: (file: string, functionName: string) => ResolvedPath;
  /** alloc_* or inuse_*: which pair of values counts. */
  readonly sampleType: AllocationSampleType;
  /** Only samples whose stack passes through a function this accepts (qualified name), e.g. the benchmark. */
  readonly within?: (functionName: string) => boolean;
}

export function attributeSamples(profile: AllocationProfile, options: AttributionOptions): Attribution {
  const family = options.sampleType.startsWith('inuse') ? 'inuse' : 'alloc';
  const bytesIndex = profile.sampleTypes.indexOf(`${family}_space`);
  const objectsIndex = profile.sampleTypes.indexOf(`${family}_objects`);
  const unmatched = new Set<string>();
  /** Per location: where its innermost workspace frame is, and the frames inside it. Memoized: locations repeat. */
  const locationInfo = new Map<number, { workspaceIndex: number; files: (string | undefined)[] }>();
  const infoOf = (id: number, frames: readonly ProfileFrame[]) => {
    let info = locationInfo.get(id);
    if (!info) {
      const files: (string | undefined)[] = [];
      let workspaceIndex = -1;
      frames.forEach((frame, index) => {
        const resolved = options.resolve(frame.file, frame.functionName);
        if (resolved.kind === 'workspace') {
          files.push(resolved.file);
          if (workspaceIndex < 0) workspaceIndex = index;
        } else {
          files.push(resolved.kind === 'unmatched' ? undefined : resolved.file);
          if (resolved.kind === 'unmatched' && frame.file) unmatched.add(frame.file);
        }
      });
      info = { workspaceIndex, files };
      locationInfo.set(id, info);
    }
    return info;
  };

  const sites = new Map<
    string,
    ProfileSite & { bytes: number; objects: number; callees: Map<string, { frames: CalleeFrame[]; bytes: number }> }
  >();
  let attributedSamples = 0;
  let outsideWorkspace = 0;
  let totalBytes = 0;
  let totalObjects = 0;
  for (const sample of profile.samples) {
    const bytes = sample.values[bytesIndex] ?? 0;
    const objects = sample.values[objectsIndex] ?? 0;
    if (bytes === 0 && objects === 0) continue;
    if (options.within && !passesThrough(profile, sample.locationIds, options.within)) continue;
    let site: { frame: ProfileFrame; file: string } | undefined;
    const inner: CalleeFrame[] = [];
    for (const id of sample.locationIds) {
      const frames = profile.locations.get(id) ?? [];
      const info = infoOf(id, frames);
      const stop = info.workspaceIndex < 0 ? frames.length : info.workspaceIndex;
      for (let index = 0; index < stop; index++) {
        const frame = frames[index] as ProfileFrame;
        inner.push({ functionName: frame.functionName, file: info.files[index], line: frame.line });
      }
      if (info.workspaceIndex >= 0) {
        site = { frame: frames[info.workspaceIndex] as ProfileFrame, file: info.files[info.workspaceIndex] as string };
        break;
      }
    }
    if (!site) {
      outsideWorkspace++;
      continue;
    }
    attributedSamples++;
    totalBytes += bytes;
    totalObjects += objects;
    const key = `${site.file}\0${site.frame.functionName}\0${site.frame.line}`;
    let entry = sites.get(key);
    if (!entry) {
      entry = {
        file: site.file,
        functionName: site.frame.functionName,
        line: site.frame.line,
        functionStartLine: site.frame.functionStartLine,
        bytes: 0,
        objects: 0,
        callees: new Map(),
      };
      sites.set(key, entry);
    }
    entry.bytes += bytes;
    entry.objects += objects;
    const calleeKey = inner.map((frame) => frame.functionName).join('\0');
    const callee = entry.callees.get(calleeKey);
    if (callee) callee.bytes += bytes;
    else entry.callees.set(calleeKey, { frames: inner, bytes });
  }
  return {
    sites: [...sites.values()],
    attributedSamples,
    outsideWorkspace,
    unmatchedFiles: [...unmatched].slice(0, 10),
    totalBytes,
    totalObjects,
  };
}

function passesThrough(profile: AllocationProfile, locationIds: readonly number[], accepts: (functionName: string) => boolean): boolean {
  for (const id of locationIds) {
    for (const frame of profile.locations.get(id) ?? []) if (accepts(frame.functionName)) return true;
  }
  return false;
}
