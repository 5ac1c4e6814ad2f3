/**
 * Turns the text the Go compiler prints with `-gcflags=-m=2` (or `-m`) into typed facts.
 *
 * Pure: no I/O. The compiler's messages change between Go versions (Go 1.26 writes "flow: a ← b" and
 * "escapes to heap in F:", older versions "flow: a = b" and "escapes to heap:"), so lines are recognised by
 * their shape, and anything we do not recognise is kept, not dropped, so it can be logged.
 */
import * as path from 'node:path';
import type {
  CompilerError,
  CompilerPosition,
  EscapeFact,
  FactKind,
  Flow,
  FlowStep,
  InlineDetails,
  LeakDetails,
  PackageFacts,
} from './facts';

export interface ParseOptions {
  /** The directory the go command ran in: relative paths (`./main.go`) are resolved against it. */
  readonly workingDirectory: string;
  /** Only facts in files directly inside this directory are kept (drops `_testmain.go`, the stdlib, …). */
  readonly packageDirectory: string;
  /** False when the go command failed: then unrecognised positioned lines are build errors. */
  readonly buildSucceeded: boolean;
}

const POSITION = /^(.+?\.go):(\d+):(\d+)$/;

const ESCAPE_HEADER = /^(.*) escapes to heap(?: in (.+))?:$/;
// The function name has no spaces; the destination may (`{storage for &Config{...}}`), so it is the one that stretches.
const LEAK_HEADER = /^parameter (\S+) leaks to (.+?)(?: (?:in|for) (\S+))? with derefs=(-?\d+):$/;
const FLOW_LINE = /^\s+flow: (.*):$/;

const ESCAPES_SUFFIX = ' escapes to heap';
const MOVED_PREFIX = 'moved to heap: ';
const LEAKING = /^leaking param( content)?: (\S+)(?: to result (\S+) level=(-?\d+))?$/;
const NO_ESCAPE_SUFFIX = ' does not escape';
const CAN_INLINE = /^can inline (.+?)(?: with cost (\d+))?(?: as: .*)?$/;
const CANNOT_INLINE = /^cannot inline (.+?): (.*)$/;
const INLINING_CALL_PREFIX = 'inlining call to ';
const COST_OVER_BUDGET = /cost (\d+) exceeds budget (\d+)/;

/**
 * How many unrecognised lines are kept for the log. A compiler that prints garbage (a wrapper script, a
 * future format) can print millions of lines; each kept line becomes a log message to the editor.
 */
export const MAX_UNRECOGNISED_LINES = 50;

/** Known `-m=2` lines that carry nothing we model (closure capture notes, explanation warnings). */
const KNOWN_NOISE = [/ capturing by (?:ref|value): /, /^warning: truncated explanation/, /^ignoring self-assignment/];

const NONE: Explanation[] = [];

interface Explanation {
  /** What the header names: the expression or variable, or for a leak the parameter. */
  readonly subject: string;
  readonly isLeak: boolean;
  readonly functionName?: string;
  readonly flows: Flow[];
  readonly lines: string[];
}

export function parseCompilerOutput(output: string, options: ParseOptions): PackageFacts {
  const packageDirectory = path.resolve(options.packageDirectory);
  const importPaths: string[] = [];
  const facts: EscapeFact[] = [];
  const errors: CompilerError[] = [];
  const unrecognised: string[] = [];
  let unrecognisedDropped = 0;
  const keepUnrecognised = (line: string) => {
    if (unrecognised.length < MAX_UNRECOGNISED_LINES) unrecognised.push(line);
    else unrecognisedDropped++;
  };
  const seen = new Set<string>();
  /** Explanations waiting for their final-form fact, keyed by position. */
  const explanations = new Map<string, Explanation[]>();
  let current: Explanation | undefined;

  const resolvePosition = (text: string): CompilerPosition | null => {
    const match = POSITION.exec(text.trim());
    if (!match) return null;
    return {
      file: resolveFile(match[1]),
      line: Number(match[2]),
      byteColumn: Number(match[3]),
    };
  };
  // A package's output names the same few files tens of thousands of times: resolve each name once.
  const resolvedFiles = new Map<string, string>();
  const resolveFile = (printed: string): string => {
    let file = resolvedFiles.get(printed);
    if (file === undefined) {
      file = resolveCompilerFile(printed, options.workingDirectory, packageDirectory);
      resolvedFiles.set(printed, file);
    }
    return file;
  };
  const filesInPackage = new Map<string, boolean>();
  const inPackage = (position: CompilerPosition): boolean => {
    let inside = filesInPackage.get(position.file);
    if (inside === undefined) {
      inside = path.dirname(position.file) === packageDirectory;
      filesInPackage.set(position.file, inside);
    }
    return inside;
  };

  /**
   * The explanations printed for a final-form fact. The header usually names the same subject as the final
   * line, but not always: Go 1.26 explains `append(s.items, v) escapes to heap in F:` and then states
   * `append escapes to heap`. So an exact subject wins, then one the final expression is a prefix of.
   */
  const takeExplanations = (position: CompilerPosition, subject: string, isLeak: boolean): Explanation[] => {
    const key = positionKey(position);
    const waiting = explanations.get(key);
    if (!waiting) return NONE;
    const candidates = waiting.filter((explanation) => explanation.isLeak === isLeak);
    let chosen = candidates.filter((explanation) => explanation.subject === subject);
    if (chosen.length === 0 && !isLeak) {
      chosen = candidates.filter((explanation) => explanation.subject.startsWith(subject)).slice(0, 1);
    }
    explanations.set(key, waiting.filter((explanation) => !chosen.includes(explanation)));
    return chosen;
  };

  const addFact = (fact: EscapeFact) => {
    const identity = `${fact.kind}|${positionKey(fact.position)}|${fact.expression}`;
    if (seen.has(identity)) return;
    seen.add(identity);
    facts.push(fact);
  };

  for (const line of output.split('\n')) {
    const rawLine = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (rawLine.length === 0) continue;
    if (rawLine.startsWith('# ')) {
      importPaths.push(rawLine.slice(2).trim());
      current = undefined;
      continue;
    }
    const match = splitPositionedLine(rawLine);
    if (!match) {
      if (/^\s/.test(rawLine) && errors.length > 0 && !options.buildSucceeded) {
        // A continuation of the previous error (the go command indents details with a tab).
        const last = errors[errors.length - 1];
        errors[errors.length - 1] = { ...last, message: `${last.message}\n${rawLine.trim()}` };
      } else if (rawLine.startsWith('<autogenerated>') || /^\s/.test(rawLine)) {
        // Wrapper code the compiler generated: it has no source position to show.
      } else if (!options.buildSucceeded) {
        errors.push({ position: null, message: rawLine.trim() });
      } else {
        keepUnrecognised(rawLine);
      }
      continue;
    }
    const message = match.message;

    // Explanation lines: indented continuation of the current header. They are half of what -m=2 prints and
    // their own position is the header's, so they need no position of their own.
    if (message.charCodeAt(0) === 0x20 /* space */ || message.charCodeAt(0) === 0x09 /* tab */) {
      if (!current) continue;
      current.lines.push(rawLine);
      const flow = FLOW_LINE.exec(message);
      if (flow) {
        const [destination, source] = splitFlow(flow[1]);
        current.flows.push({ destination, source, steps: [] });
        continue;
      }
      const from = parseFromLine(message);
      if (from && current.flows.length > 0) {
        const step: FlowStep = { expression: from.expression, reason: from.reason, position: resolvePosition(from.position) };
        (current.flows[current.flows.length - 1].steps as FlowStep[]).push(step);
      }
      continue;
    }
    const position: CompilerPosition = { file: resolveFile(match.file), line: match.line, byteColumn: match.byteColumn };
    const relevant = inPackage(position);

    // Only explanation headers end with a colon; most lines are not headers, so skip the regexes for them.
    const isHeader = message.endsWith(':');
    const escapeHeader = isHeader ? ESCAPE_HEADER.exec(message) : null;
    const leakHeader = isHeader && !escapeHeader ? LEAK_HEADER.exec(message) : null;
    if (escapeHeader || leakHeader) {
      const subject = escapeHeader ? escapeHeader[1] : leakHeader![1];
      const functionName = escapeHeader ? escapeHeader[2] : leakHeader![3];
      current = { subject, isLeak: leakHeader !== null, functionName, flows: [], lines: [rawLine] };
      if (relevant) {
        const key = positionKey(position);
        const waiting = explanations.get(key);
        if (waiting) waiting.push(current);
        else explanations.set(key, [current]);
      }
      continue;
    }
    current = undefined;

    const fact = parseFinalFact(message, position, rawLine, takeExplanations);
    if (fact) {
      if (relevant) addFact(fact);
      continue;
    }
    if (KNOWN_NOISE.some((pattern) => pattern.test(message))) continue;
    if (!options.buildSucceeded) errors.push({ position, message });
    else if (relevant) keepUnrecognised(rawLine);
  }

  if (unrecognisedDropped > 0) unrecognised.push(`… and ${unrecognisedDropped} more lines not recognised`);
  return { importPaths: unique(importPaths), facts, errors, unrecognised };
}

function parseFinalFact(
  message: string,
  position: CompilerPosition,
  rawLine: string,
  takeExplanations: (position: CompilerPosition, subject: string, isLeak: boolean) => Explanation[],
): EscapeFact | undefined {
  const build = (kind: FactKind, expression: string, extra: Partial<EscapeFact> = {}): EscapeFact => {
    const explained =
      kind === 'escape' || kind === 'moved' || kind === 'leak' ? takeExplanations(position, expression, kind === 'leak') : [];
    return {
      kind,
      position,
      expression,
      functionName: explained.find((e) => e.functionName)?.functionName,
      flows: explained.flatMap((e) => e.flows),
      compilerText: [...explained.flatMap((e) => e.lines), rawLine],
      ...extra,
    };
  };

  // Cheap string tests pick the one shape worth a regular expression: `can inline` lines carry whole
  // function bodies, and trying every pattern on them was a measurable part of parsing.
  if (message.endsWith(ESCAPES_SUFFIX)) return build('escape', message.slice(0, -ESCAPES_SUFFIX.length));
  if (message.startsWith(MOVED_PREFIX)) return build('moved', message.slice(MOVED_PREFIX.length));
  if (message.endsWith(NO_ESCAPE_SUFFIX)) return build('noEscape', message.slice(0, -NO_ESCAPE_SUFFIX.length));
  if (message.startsWith(INLINING_CALL_PREFIX)) {
    const functionName = message.slice(INLINING_CALL_PREFIX.length);
    return build('inlinedCall', functionName, { inline: { functionName } });
  }
  let match: RegExpExecArray | null;
  if (message.startsWith('leaking param') && (match = LEAKING.exec(message))) {
    const leak: LeakDetails = {
      parameter: match[2],
      what: match[1] ? 'content' : 'param',
      ...(match[3] ? { toResult: match[3], level: Number(match[4]) } : {}),
    };
    return build('leak', match[2], { leak });
  }
  if (message.startsWith('cannot inline ') && (match = CANNOT_INLINE.exec(message))) {
    const overBudget = COST_OVER_BUDGET.exec(match[2]);
    const inline: InlineDetails = {
      functionName: match[1],
      reason: match[2],
      ...(overBudget ? { cost: Number(overBudget[1]), budget: Number(overBudget[2]) } : {}),
    };
    return build('cannotInline', match[1], { inline });
  }
  if (message.startsWith('can inline ') && (match = CAN_INLINE.exec(message))) {
    const inline: InlineDetails = { functionName: match[1], ...(match[2] ? { cost: Number(match[2]) } : {}) };
    return build('canInline', match[1], { inline });
  }
  return undefined;
}

/**
 * `path.go:LINE:COL: message`, split by hand: this runs on every line of output, and a regular expression
 * with a lazy path group was a measurable part of parsing net/http's 3 MB.
 */
function splitPositionedLine(line: string): { file: string; line: number; byteColumn: number; message: string } | undefined {
  const goEnd = line.indexOf('.go:');
  if (goEnd <= 0) return undefined;
  const lineStart = goEnd + 4;
  const lineEnd = line.indexOf(':', lineStart);
  if (lineEnd <= lineStart) return undefined;
  const columnEnd = line.indexOf(':', lineEnd + 1);
  if (columnEnd <= lineEnd + 1 || line.charCodeAt(columnEnd + 1) !== 0x20 /* space */) return undefined;
  const lineNumber = digitsValue(line, lineStart, lineEnd);
  const byteColumn = digitsValue(line, lineEnd + 1, columnEnd);
  if (lineNumber === undefined || byteColumn === undefined) return undefined;
  return { file: line.slice(0, goEnd + 3), line: lineNumber, byteColumn, message: line.slice(columnEnd + 2) };
}

function digitsValue(text: string, start: number, end: number): number | undefined {
  let value = 0;
  for (let index = start; index < end; index++) {
    const digit = text.charCodeAt(index) - 0x30;
    if (digit < 0 || digit > 9) return undefined;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * `   from EXPR (REASON) at POS`. Split with string searches rather than a regular expression: the greedy
 * match backtracked over every such line, and they are half of what -m=2 prints. EXPR may contain
 * parentheses; REASON never does.
 */
function parseFromLine(message: string): { expression: string; reason: string; position: string } | undefined {
  const text = message.trimStart();
  if (!text.startsWith('from ')) return undefined;
  const at = text.lastIndexOf(') at ');
  if (at < 0) return undefined;
  const open = text.lastIndexOf(' (', at);
  if (open < 5) return undefined;
  return { expression: text.slice(5, open), reason: text.slice(open + 2, at), position: text.slice(at + 5) };
}

/** "a ← b" (Go 1.25+) or "a = b" (earlier). The destination never contains the arrow. */
function splitFlow(text: string): [string, string] {
  for (const arrow of [' ← ', ' = ']) {
    const at = text.indexOf(arrow);
    if (at >= 0) return [text.slice(0, at), text.slice(at + arrow.length)];
  }
  return [text, ''];
}

/**
 * The absolute path of a file the compiler names. The go command prints paths relative to the directory
 * the package was FIRST compiled from, and replays that text from its build cache: after a
 * `go build -gcflags=-m=2 ./...` at the module root, an analysis run inside `sizes/` is told `sizes/sizes.go`,
 * not `./sizes.go`. A relative path that, read from some ancestor of the package directory, names a file
 * of the package is that file.
 *
 * A bare name without any directory (`_testmain.go`) is a file the go command generated in its temporary
 * work directory; it is kept unresolved, so it never lands in the package directory.
 */
export function resolveCompilerFile(file: string, workingDirectory: string, packageDirectory: string): string {
  if (!path.isAbsolute(file) && !file.includes('/') && !file.includes(path.sep)) return `<generated>/${file}`;
  const resolved = path.resolve(workingDirectory, file);
  if (path.isAbsolute(file) || path.dirname(resolved) === packageDirectory) return resolved;
  const normalised = path.normalize(file);
  if (normalised.startsWith('..')) return resolved;
  const inPackage = path.join(packageDirectory, path.basename(normalised));
  return inPackage.endsWith(path.sep + normalised) ? inPackage : resolved;
}

function positionKey(position: CompilerPosition): string {
  return `${position.file}:${position.line}:${position.byteColumn}`;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
