/**
 * What a measurement says: a benchmark's own figures, a decoded allocation profile, and the allocation
 * sites the profile's samples were attributed to. Plain data, no LSP and no pprof types, so the engine,
 * the join, the features and the CLI share it.
 */

/** The four sample types a Go heap or allocs profile carries (`go test -memprofile` writes the same). */
export type AllocationSampleType = 'alloc_space' | 'alloc_objects' | 'inuse_space' | 'inuse_objects';

export const ALLOCATION_SAMPLE_TYPES: readonly AllocationSampleType[] = ['alloc_space', 'alloc_objects', 'inuse_space', 'inuse_objects'];

/** One frame of a stack, as the profile names it. */
export interface ProfileFrame {
  /** The fully qualified function: `example.com/m/parse.NewToken`, `example.com/m/parse.(*T).M`, `main.main.func1`. */
  readonly functionName: string;
  /** The file as the profiled binary recorded it: absolute on the build machine, or module-relative with -trimpath. */
  readonly file: string;
  readonly line: number;
  /** The line of the function's `func` keyword; 0 when the profile does not say (older Go). */
  readonly functionStartLine: number;
}

/** A Go allocation profile, decoded. Stacks are kept as location ids, so a 20 MB profile is not copied per frame. */
export interface AllocationProfile {
  /** Which sample types the profile carries, in the order of each sample's values. */
  readonly sampleTypes: readonly string[];
  /** Per location id, its frames innermost first (inlined calls expanded). */
  readonly locations: ReadonlyMap<number, readonly ProfileFrame[]>;
  readonly samples: ProfileSamples;
  /** The sampling rate in bytes (`period`); 1 with `-memprofilerate=1`, where the counts are exact. */
  readonly period: number;
}

/**
 * The samples, column by column. A profile can hold hundreds of thousands of samples; an object and two
 * arrays for each made decoding a 20 MB profile spend most of its time collecting garbage.
 */
export interface ProfileSamples {
  readonly count: number;
  /** Sample i's location ids, innermost first, are `locationIds[locationStarts[i] … locationStarts[i + 1])`. */
  readonly locationIds: Float64Array;
  /** `count + 1` offsets into `locationIds`. */
  readonly locationStarts: Float64Array;
  /** Sample i's values, in the order of `sampleTypes`, are `values[i * sampleTypes.length …]`. */
  readonly values: Float64Array;
}

/** A benchmark's own line: `BenchmarkParse-2  2000  27393 ns/op  1368 B/op  23 allocs/op`. */
export interface BenchmarkFigures {
  /** Without the `-GOMAXPROCS` suffix: `BenchmarkParse`. */
  readonly name: string;
  readonly iterations: number;
  readonly nsPerOp: number;
  readonly bytesPerOp: number;
  readonly allocsPerOp: number;
}

/** Why an allocation happened that the compiler did not report, read from the frames below the site. */
export type AllocationCause =
  | { readonly kind: 'map-growth' }
  | { readonly kind: 'append-growth' }
  | { readonly kind: 'runtime-sized-make' }
  | { readonly kind: 'string-building' }
  | { readonly kind: 'interface-conversion' }
  | { readonly kind: 'closure' }
  | { readonly kind: 'new-object' }
  /** Inside a function of another package, called from the site: named, with its local source when there is one. */
  | { readonly kind: 'callee'; readonly functionName: string; readonly file?: string; readonly line?: number };

/** The measured allocations of one source line (the innermost frame in the workspace's packages). */
export interface MeasuredSite {
  /** The workspace file, absolute. */
  readonly file: string;
  /** 1-based, in the file as it is now (shifted when the profile was taken from older source). */
  readonly line: number;
  /** As the profile names it, without the package path: `NewToken`, `(*T).M`, `Parse.func1`. */
  readonly functionName: string;
  readonly bytes: number;
  readonly objects: number;
  /** Share of all attributed bytes (a benchmark's or the profile's), 0..1. */
  readonly share: number;
  /** Set for a benchmark: the figures per op, scaled so that all sites add up to the benchmark's own. */
  readonly perOp?: { readonly bytes: number; readonly allocs: number };
  /** The likely causes, most bytes first. */
  readonly causes: readonly AllocationCause[];
}

/** How the profile's frames matched the workspace. */
export interface MeasurementCoverage {
  /** Samples attributed to a workspace line. */
  readonly attributedSamples: number;
  /** Samples with no frame in the workspace's packages (the runtime's own, the testing package's). */
  readonly outsideWorkspace: number;
  /** Samples whose function no longer exists, or whose line now lies outside it: their numbers are dropped. */
  readonly staleDropped: number;
  /** Profile file paths that matched no workspace file, GOROOT or module cache (a few, for the message). */
  readonly unmatchedFiles: readonly string[];
}

/** What a measurement is of: a benchmark run, or a loaded profile. */
export type MeasurementSource =
  | { readonly kind: 'benchmark'; readonly benchmark: BenchmarkFigures; readonly directory: string }
  | { readonly kind: 'profile'; readonly file: string; readonly sampleType: AllocationSampleType };

export interface Measurement {
  readonly source: MeasurementSource;
  readonly sites: readonly MeasuredSite[];
  readonly coverage: MeasurementCoverage;
  /** Totals over the attributed samples, in the chosen sample type's units (bytes, objects). */
  readonly totalBytes: number;
  readonly totalObjects: number;
  /** When it was measured (ms since the epoch). */
  readonly takenAt: number;
}
