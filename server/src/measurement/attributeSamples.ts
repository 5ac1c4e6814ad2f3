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

  type Callee = { readonly frames: readonly CalleeFrame[]; bytes: number };
  type Site = Omit<ProfileSite, 'bytes' | 'objects' | 'callees'> & { bytes: number; objects: number; callees: Map<string, Callee> };
  const sites = new Map<string, Site>();
  /**
   * Stacks by their location ids up to the site, innermost first: a node per distinct prefix, and at the
   * site's node the site and callee entry the stack adds to. Samples share few such prefixes, so most
   * samples add their values without building a key or a frame.
   */
  interface StackNode {
    readonly children: Map<number, StackNode>;
    ends?: { site: Site; callee: Callee };
  }
  const stacks: StackNode = { children: new Map() };
  const passes = new Map<number, boolean>();
  const { samples } = profile;
  const width = profile.sampleTypes.length;
  let attributedSamples = 0;
  let outsideWorkspace = 0;
  let totalBytes = 0;
  let totalObjects = 0;
  for (let sample = 0; sample < samples.count; sample++) {
    const bytes = bytesIndex < 0 ? 0 : (samples.values[sample * width + bytesIndex] as number);
    const objects = objectsIndex < 0 ? 0 : (samples.values[sample * width + objectsIndex] as number);
    if (bytes === 0 && objects === 0) continue;
    const first = samples.locationStarts[sample] as number;
    const end = samples.locationStarts[sample + 1] as number;
    if (options.within && !passesThrough(first, end)) continue;
    let node = stacks;
    let siteAt = -1;
    for (let index = first; index < end; index++) {
      const id = samples.locationIds[index] as number;
      let child = node.children.get(id);
      if (!child) {
        child = { children: new Map() };
        node.children.set(id, child);
      }
      node = child;
      if (infoOf(id, profile.locations.get(id) ?? []).workspaceIndex >= 0) {
        siteAt = index;
        break;
      }
    }
    if (siteAt < 0) {
      outsideWorkspace++;
      continue;
    }
    node.ends ??= stackEnd(first, siteAt);
    attributedSamples++;
    totalBytes += bytes;
    totalObjects += objects;
    node.ends.site.bytes += bytes;
    node.ends.site.objects += objects;
    node.ends.callee.bytes += bytes;
  }

  /** The site a stack ends at, and the entry of the frames below it: made once per distinct stack prefix. */
  function stackEnd(first: number, siteAt: number): NonNullable<StackNode['ends']> {
    const inner: CalleeFrame[] = [];
    let site: { frame: ProfileFrame; file: string } | undefined;
    for (let index = first; index <= siteAt; index++) {
      const id = samples.locationIds[index] as number;
      const frames = profile.locations.get(id) ?? [];
      const info = infoOf(id, frames);
      const stop = info.workspaceIndex < 0 ? frames.length : info.workspaceIndex;
      for (let frame = 0; frame < stop; frame++) {
        const { functionName, line } = frames[frame] as ProfileFrame;
        inner.push({ functionName, file: info.files[frame], line });
      }
      if (info.workspaceIndex >= 0)
        site = { frame: frames[info.workspaceIndex] as ProfileFrame, file: info.files[info.workspaceIndex] as string };
    }
    if (!site) throw new Error('a stack end without a workspace frame');
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
    const calleeKey = inner.map((frame) => frame.functionName).join('\0');
    let callee = entry.callees.get(calleeKey);
    if (!callee) {
      callee = { frames: inner, bytes: 0 };
      entry.callees.set(calleeKey, callee);
    }
    return { site: entry, callee };
  }

  /** Whether the stack passes through a function `within` accepts; memoized by location. */
  function passesThrough(first: number, end: number): boolean {
    for (let index = first; index < end; index++) {
      const id = samples.locationIds[index] as number;
      let accepted = passes.get(id);
      if (accepted === undefined) {
        accepted = (profile.locations.get(id) ?? []).some((frame) => options.within?.(frame.functionName) ?? true);
        passes.set(id, accepted);
      }
      if (accepted) return true;
    }
    return false;
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
