/**
 * The escape tree of a package that only the whole-workspace command analysed, kept compactly until the
 * user asks for it. The standard library's folder has some 100,000 sites: as tree objects (a site, its
 * range and two positions, its strings) they held about 40 MB of the server's heap. Kept here, a site is
 * four numbers in a typed array, a kind, an index into a table of the few reasons there are, and its
 * expression; the URI is the file's, kept once.
 *
 * `expandKeptTree` gives back exactly the tree that was kept; `keptTreeRow` gives the top level's row (the
 * counts of the kinds shown) without building the package's files at all.
 */
import type { Annotations } from '../model/annotations';
import type {
  EscapeTreeCounts,
  EscapeTreeFile,
  EscapeTreeFunction,
  EscapeTreePackage,
  EscapeTreePackageWithFiles,
  EscapeTreeSite,
} from '../protocol';

const KINDS: readonly EscapeTreeSite['kind'][] = ['escape', 'moved', 'bounds', 'nil'];

export interface KeptTreeFile {
  readonly uri: string;
  readonly functionNames: readonly string[];
  /** Per function, the range of its name: start line, start character, end line, end character. */
  readonly functionRanges: Int32Array;
  readonly leakingParameters: Int32Array;
  /** Function i's sites are sites firstSite[i] to firstSite[i + 1] - 1. */
  readonly firstSite: Int32Array;
  /** Per site, its range as four numbers, as functionRanges. */
  readonly siteRanges: Int32Array;
  /** Per site, its kind's index in KINDS. */
  readonly siteKinds: Uint8Array;
  /** Per site, 1 + the index of its reason in the reason table; 0 for none. */
  readonly siteReasons: Uint16Array;
  readonly expressions: readonly string[];
}

export interface KeptTreePackage {
  readonly directory: string;
  readonly name: string;
  readonly staleReason?: string;
  /** The sites of each kind in the package, by KINDS' index: the top level's counts. */
  readonly kindCounts: readonly number[];
  readonly files: readonly KeptTreeFile[];
}

/**
 * The reasons in plain words are a few dozen phrases shared by every package ("returned", "captured by a
 * closure"): each is kept once. Indexes are never reused, so a kept tree's indexes stay valid.
 */
const reasonIndexes = new Map<string, number>();
const reasons: string[] = [];

function reasonIndex(reason: string | undefined): number {
  if (reason === undefined) return 0;
  let index = reasonIndexes.get(reason);
  if (index === undefined) {
    index = reasons.length;
    reasons.push(reason);
    reasonIndexes.set(reason, index);
  }
  // Beyond the table's reach (never seen: the phrases are few), a site keeps no reason rather than a wrong one.
  return index + 1 <= 0xffff ? index + 1 : 0;
}

function putRange(into: Int32Array, at: number, range: EscapeTreeSite['range']): void {
  into[at * 4] = range.start.line;
  into[at * 4 + 1] = range.start.character;
  into[at * 4 + 2] = range.end.line;
  into[at * 4 + 3] = range.end.character;
}

function rangeAt(from: Int32Array, at: number): EscapeTreeSite['range'] {
  return {
    start: { line: from[at * 4], character: from[at * 4 + 1] },
    end: { line: from[at * 4 + 2], character: from[at * 4 + 3] },
  };
}

/** Keeps `node` (a package's tree as escapeTree builds it, with every kind counted). */
export function keepTree(node: EscapeTreePackageWithFiles): KeptTreePackage {
  const kindCounts = KINDS.map(() => 0);
  const files = node.files.map((file): KeptTreeFile => {
    const functions = file.functions;
    const siteCount = functions.reduce((sum, entry) => sum + entry.sites.length, 0);
    const kept = {
      uri: file.uri,
      functionNames: functions.map((entry) => entry.name),
      functionRanges: new Int32Array(functions.length * 4),
      leakingParameters: Int32Array.from(functions, (entry) => entry.leakingParameters),
      firstSite: new Int32Array(functions.length + 1),
      siteRanges: new Int32Array(siteCount * 4),
      siteKinds: new Uint8Array(siteCount),
      siteReasons: new Uint16Array(siteCount),
      expressions: [] as string[],
    };
    let at = 0;
    functions.forEach((entry, index) => {
      putRange(kept.functionRanges, index, entry.range);
      kept.firstSite[index] = at;
      for (const site of entry.sites) {
        putRange(kept.siteRanges, at, site.range);
        const kind = KINDS.indexOf(site.kind);
        kept.siteKinds[at] = kind;
        kindCounts[kind]++;
        kept.siteReasons[at] = reasonIndex(site.reason);
        kept.expressions.push(site.expression);
        at++;
      }
    });
    kept.firstSite[functions.length] = at;
    return kept;
  });
  return {
    directory: node.directory,
    name: node.name,
    ...(node.staleReason !== undefined ? { staleReason: node.staleReason } : {}),
    kindCounts,
    files,
  };
}

/** Every kind counted, as escapeTree counts a node before `shownTree` keeps the kinds that are on. */
function counts(kinds: Iterable<EscapeTreeSite['kind']>): Required<EscapeTreeCounts> {
  const total = { heapAllocations: 0, boundsChecks: 0, nilChecks: 0 };
  for (const kind of kinds) {
    if (kind === 'escape' || kind === 'moved') total.heapAllocations++;
    else if (kind === 'bounds') total.boundsChecks++;
    else total.nilChecks++;
  }
  return total;
}

function added(items: readonly Required<EscapeTreeCounts>[]): Required<EscapeTreeCounts> {
  return {
    heapAllocations: items.reduce((sum, item) => sum + item.heapAllocations, 0),
    boundsChecks: items.reduce((sum, item) => sum + item.boundsChecks, 0),
    nilChecks: items.reduce((sum, item) => sum + item.nilChecks, 0),
  };
}

/** The tree that was kept, as escapeTree built it. */
export function expandKeptTree(kept: KeptTreePackage): EscapeTreePackageWithFiles {
  const files: (EscapeTreeFile & Required<EscapeTreeCounts>)[] = kept.files.map((file) => {
    const functions = file.functionNames.map((name, index): EscapeTreeFunction & Required<EscapeTreeCounts> => {
      const sites: EscapeTreeSite[] = [];
      for (let at = file.firstSite[index]; at < file.firstSite[index + 1]; at++) {
        const reason = file.siteReasons[at];
        sites.push({
          uri: file.uri,
          range: rangeAt(file.siteRanges, at),
          expression: file.expressions[at],
          kind: KINDS[file.siteKinds[at]],
          ...(reason > 0 ? { reason: reasons[reason - 1] } : {}),
        });
      }
      return {
        name,
        uri: file.uri,
        range: rangeAt(file.functionRanges, index),
        leakingParameters: file.leakingParameters[index],
        sites,
        ...counts(sites.map((site) => site.kind)),
      };
    });
    return { uri: file.uri, ...added(functions), functions };
  });
  return {
    directory: kept.directory,
    name: kept.name,
    ...added(files),
    ...(kept.staleReason !== undefined ? { staleReason: kept.staleReason } : {}),
    files,
  };
}

/**
 * The package's row at the top of the tree, as `shownTree` and `packagesOnly` would make it from the
 * expanded tree: the counts of the kinds that are on; undefined when none of its sites is shown.
 */
export function keptTreeRow(kept: KeptTreePackage, annotations: Annotations): EscapeTreePackage | undefined {
  const [escapes, moved, bounds, nil] = kept.kindCounts;
  const shown = (annotations.escape ? escapes + moved : 0) + (annotations.bounds ? bounds : 0) + (annotations.nil ? nil : 0);
  if (shown === 0) return undefined;
  return {
    directory: kept.directory,
    name: kept.name,
    ...(kept.staleReason !== undefined ? { staleReason: kept.staleReason } : {}),
    ...(annotations.escape ? { heapAllocations: escapes + moved } : {}),
    ...(annotations.bounds ? { boundsChecks: bounds } : {}),
    ...(annotations.nil ? { nilChecks: nil } : {}),
  };
}
