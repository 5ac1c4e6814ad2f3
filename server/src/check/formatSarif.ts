/**
 * `--format sarif`: SARIF 2.1.0 as GitHub code scanning reads it. One rule per kind with help text; each
 * result has its location (the whole expression, in UTF-16 columns like LSP), the compiler's explanation as
 * a code flow, and a fingerprint built from function, kind and expression (not the line), so an alert
 * keeps its identity when code moves.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeFlow, Location, Log, ReportingDescriptor, Result, Run } from 'sarif';
import type { LspRange } from '../model/positions';
import { FINDING_RULES, type Finding, type FindingKind, type FindingLocation } from './findings';
import type { FindingWriter } from './findingWriter';
import { indentJson } from './formatJson';

export interface SarifOptions {
  /** The absolute directory that finding paths are relative to. */
  readonly root: string;
  /** The repository root: result paths are written relative to it, as GitHub expects. */
  readonly sourceRoot: string;
  readonly toolVersion: string;
  /** The optimisation details asked for (`--annotations`): their rules are listed too. */
  readonly annotationKinds?: readonly FindingKind[];
  /** True when the run measured (`--bench`, `--profile`): the log then has the measured-allocation rule. */
  readonly measured?: boolean;
}

const SOURCE_ROOT_ID = '%SRCROOT%';

interface RuleText {
  readonly name: string;
  readonly short: string;
  readonly full: string;
  readonly help: string;
  readonly level: 'note' | 'warning' | 'error';
}

/** Indexed by kind; the order is the rules' order in the log. */
const RULES: Readonly<Record<FindingKind, RuleText>> = {
  escape: {
    name: 'EscapesToHeap',
    short: 'A value escapes to the heap',
    full: "The Go compiler's escape analysis decided that this value must be allocated on the heap.",
    help:
      'The Go compiler allocates a value on the heap when it cannot prove that the value is dead when the function ' +
      'returns: it is returned, stored somewhere that outlives the call, captured by a closure, converted to an ' +
      'interface, sent on a channel, or too large or of unknown size for the stack. Heap allocations cost garbage ' +
      "collection work. The code flow shows the compiler's own explanation (`go build -gcflags=-m=2`).",
    level: 'note',
  },
  moved: {
    name: 'MovedToHeap',
    short: 'A variable is moved to the heap',
    full: "The Go compiler's escape analysis stores this variable on the heap instead of the stack.",
    help:
      'A variable moves to the heap when a pointer to it outlives the function: its address is returned, stored, ' +
      "or captured by a closure that escapes. The code flow shows the compiler's own explanation.",
    level: 'note',
  },
  budget: {
    name: 'BrokenBudget',
    short: 'A function allocates more than its budget allows',
    full: 'The function has an `//escape:none` or `//escape:max N` directive, and the compiler reports more heap allocations in it.',
    help:
      '`//escape:none` above a function asserts that it has no heap allocations; `//escape:max N` allows at most N. ' +
      'Remove the allocations listed in the related locations, raise the budget, or accept one line with a ' +
      'trailing `//escape:ok <reason>`.',
    level: 'error',
  },
  directive: {
    name: 'InvalidDirective',
    short: 'An escape directive is malformed, unknown or misplaced',
    full: 'A comment looks like an allocation-budget directive but is not one that is understood where it is.',
    help:
      'Directives are written without a space after `//`: `//escape:none` and `//escape:max N` in the comment block ' +
      'directly above a func declaration, `//escape:ok <reason>` at the end of a line (or alone on the line before ' +
      'the code it accepts). A directive that is not understood enforces nothing, so it is reported.',
    level: 'warning',
  },
  bounds: {
    name: 'BoundsCheck',
    short: 'A bounds check the compiler keeps',
    full: 'The Go compiler could not prove this index or slice expression in range, so it checks it at run time (`-d=ssa/check_bce/debug=1`).',
    help:
      'Each kept bounds check is a compare and a branch on every execution. A `range` loop, re-slicing once before a loop, ' +
      'an early `_ = s[n-1]` or a `len` test the prover understands usually removes it.',
    level: 'note',
  },
  nil: {
    name: 'NilCheck',
    short: 'A nil check the compiler keeps',
    full: 'The Go compiler tests this pointer against nil explicitly (`-d=nil`): no load through it would fault on nil by itself.',
    help: 'A nil check is a compare and a branch that is never taken; it matters only in the hottest loops.',
    level: 'note',
  },
  inline: {
    name: 'InlinedCall',
    short: 'A call the compiler inlined, or another optimisation it made',
    full: 'The Go compiler inlined this call, devirtualised an interface call, converted a string to []byte without a copy, or ignored a self-assignment.',
    help: 'Good news, for reading while tuning: no action is needed.',
    level: 'note',
  },
  measured: {
    name: 'MeasuredAllocation',
    short: 'An allocation measured at run time that the compiler does not report',
    full: 'A benchmark or allocation profile measured heap allocations on this line, and the compiler reports no heap allocation on it: map growth, append growth, a make with a run-time size beyond its 32-byte stack buffer, string building, or an allocation inside a function of another package.',
    help:
      'The message names the likely cause and the measured figures (`go-escape-lens check --bench` or `--profile`). ' +
      'Presize the map or slice, reuse a buffer, or avoid the allocating callee on the hot path.',
    level: 'note',
  },
};

/** The allocation and budget rules are always listed; an optimisation detail's only when it was asked for. */
const ALWAYS_LISTED: readonly FindingKind[] = ['escape', 'moved', 'budget', 'directive'];

function listedKinds(options: SarifOptions): FindingKind[] {
  return (Object.keys(RULES) as FindingKind[]).filter(
    (kind) => ALWAYS_LISTED.includes(kind) || options.annotationKinds?.includes(kind) || (kind === 'measured' && options.measured),
  );
}

export function formatSarif(findings: readonly Finding[], options: SarifOptions): string {
  return `${JSON.stringify(sarifLog(findings, options), null, 2)}\n`;
}

/**
 * The same log, written a package at a time: the log without results is printed once and the results are
 * written into its `results` array as they come, byte for byte as formatSarif prints them.
 */
export function sarifWriter(options: SarifOptions): FindingWriter {
  const skeleton = formatSarif([], options);
  const marker = '"results": []';
  const at = skeleton.indexOf(marker);
  const lineStart = skeleton.lastIndexOf('\n', at) + 1;
  const depth = at - lineStart + 2;
  let empty = true;
  const kinds = listedKinds(options);
  return {
    begin: () => `${skeleton.slice(0, at)}"results": [`,
    package: (_importPath, findings) => {
      // Occurrence numbers count within a package: the identity they disambiguate starts with the package.
      const occurrences = new Map<string, number>();
      return findings
        .map((finding) => {
          const separator = empty ? '\n' : ',\n';
          empty = false;
          return separator + indentJson(result(finding, kinds, options, occurrences), depth);
        })
        .join('');
    },
    end: () => `${empty ? '' : `\n${' '.repeat(depth - 2)}`}]${skeleton.slice(at + marker.length)}`,
  };
}

export function sarifLog(findings: readonly Finding[], options: SarifOptions): Log {
  const kinds = listedKinds(options);
  const rules: ReportingDescriptor[] = kinds.map((kind) => ({
    id: FINDING_RULES[kind],
    name: RULES[kind].name,
    shortDescription: { text: RULES[kind].short },
    fullDescription: { text: RULES[kind].full },
    help: { text: RULES[kind].help.replace(/`/g, ''), markdown: RULES[kind].help },
    defaultConfiguration: { level: RULES[kind].level },
    properties: { tags: ['performance', 'go'], precision: 'very-high' },
  }));
  const occurrences = new Map<string, number>();
  const run: Run = {
    tool: {
      driver: {
        name: 'go-escape-lens',
        version: options.toolVersion,
        informationUri: 'https://go.dev/doc/gc-guide#Escape_analysis',
        rules,
      },
    },
    originalUriBaseIds: { [SOURCE_ROOT_ID]: { uri: directoryUri(options.sourceRoot) } },
    columnKind: 'utf16CodeUnits',
    results: findings.map((finding) => result(finding, kinds, options, occurrences)),
  };
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [run],
  };
}

function result(finding: Finding, kinds: readonly FindingKind[], options: SarifOptions, occurrences: Map<string, number>): Result {
  const identity = [finding.package, finding.function, finding.kind, finding.expression].join('\u0000');
  const occurrence = occurrences.get(identity) ?? 0;
  occurrences.set(identity, occurrence + 1);
  const notes = [
    ...(finding.newSince !== undefined ? [`new since ${finding.newSince}`] : []),
    ...(finding.countsAgainst !== undefined ? [`counts against ${finding.countsAgainst}`] : []),
  ];
  return {
    ruleId: finding.rule,
    ruleIndex: kinds.indexOf(finding.kind),
    level: finding.violation ? 'error' : RULES[finding.kind].level,
    message: { text: `${finding.message}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}` },
    locations: [location(finding, options)],
    ...(finding.related.length > 0
      ? {
          relatedLocations: finding.related.map((related, id) => ({
            id,
            ...location(related.location, options),
            message: { text: related.message },
          })),
        }
      : {}),
    ...(finding.steps.some((step) => step.location) ? { codeFlows: [codeFlow(finding, options)] } : {}),
    partialFingerprints: {
      'goEscapeLens/v1': createHash('sha256').update(`${identity}\u0000${occurrence}`).digest('hex').slice(0, 32),
    },
    ...(finding.accepted !== undefined ? { suppressions: [{ kind: 'inSource' as const, justification: finding.accepted }] } : {}),
    properties: {
      function: finding.function,
      package: finding.package,
      expression: finding.expression,
      ...(finding.newSince !== undefined ? { newSince: finding.newSince } : {}),
      ...(finding.allocatesNothing !== undefined ? { allocatesNothing: finding.allocatesNothing } : {}),
      ...(finding.measured !== undefined ? { measured: finding.measured } : {}),
      ...(finding.cause !== undefined ? { cause: finding.cause } : {}),
    },
  };
}

/** The compiler's explanation, step by step, from the allocation to where it escapes. */
function codeFlow(finding: Finding, options: SarifOptions): CodeFlow {
  const steps = finding.steps.filter((step) => step.location && step.reason !== 'spill');
  return {
    message: { text: `Why ${finding.expression} is on the heap` },
    threadFlows: [
      {
        locations: steps.map((step) => ({
          location: {
            ...location(step.location!, options),
            message: { text: `${step.expression}: ${step.explanation} (flow: ${step.flow})` },
          },
          kinds: [step.reason],
        })),
      },
    ],
  };
}

function location(where: FindingLocation, options: SarifOptions): Location {
  const absolute = path.resolve(options.root, where.file);
  const relative = path.relative(options.sourceRoot, absolute);
  const inside = !relative.startsWith('..') && !path.isAbsolute(relative);
  return {
    physicalLocation: {
      artifactLocation: inside
        ? { uri: relative.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: SOURCE_ROOT_ID }
        : { uri: pathToFileURL(absolute).href },
      region: region(where.range),
    },
  };
}

/** SARIF lines and columns are 1-based; with columnKind utf16CodeUnits the columns are LSP's plus one. */
function region(range: LspRange) {
  const start = { startLine: range.start.line + 1, startColumn: range.start.character + 1 };
  const empty = range.start.line === range.end.line && range.start.character === range.end.character;
  return empty ? start : { ...start, endLine: range.end.line + 1, endColumn: range.end.character + 1 };
}

function directoryUri(directory: string): string {
  const uri = pathToFileURL(directory).href;
  return uri.endsWith('/') ? uri : `${uri}/`;
}
