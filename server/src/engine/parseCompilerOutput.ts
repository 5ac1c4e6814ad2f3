/**
 * Turns the text the Go compiler prints with `-gcflags=-m=2` (or `-m`) into typed facts.
 *
 * Pure: no I/O. The compiler's messages change between Go versions (Go 1.26 writes "flow: a ← b" and
 * "escapes to heap in F:", older versions "flow: a = b" and "escapes to heap:"), so lines are recognised by
 * their shape, and anything we do not recognise is kept, not dropped, so it can be logged.
 */
import * as path from 'node:path';
import type { Annotations } from '../model/annotations';
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
} from '../model/facts';

export interface ParseOptions {
  /** The directory the go command ran in: relative paths (`./main.go`) are resolved against it. */
  readonly workingDirectory: string;
  /** Only facts in files directly inside this directory are kept (drops `_testmain.go`, the stdlib, …). */
  readonly packageDirectory: string;
  /** False when the go command failed: then unrecognised positioned lines are build errors. */
  readonly buildSucceeded: boolean;
  /**
   * Only this file's facts (an absolute path): the other files' lines are skipped before they are even
   * decoded. The server reads the saved file's facts this way first, so its diagnostics need not wait for
   * the whole package's output to be parsed.
   */
  readonly onlyFile?: string;
  /**
   * Which optimisation details to read beyond the escape facts. A kind that is off is skipped as noise
   * without building a fact (its debug flag is not passed either, so its lines are rarely there at all).
   */
  readonly annotations?: Pick<Annotations, 'inline' | 'bounds' | 'nil'>;
  /**
   * False: a leaking parameter keeps only its final line, not the `flow:`/`from` explanation under it. Those
   * explanations are most of what -m=2 prints for a large package (go/types: 57 MB, of which some 700,000
   * flow lines explain leaks); a run that reports heap allocations only (`check`) need not hold them.
   */
  readonly leakExplanations?: boolean;
}

const ESCAPE_HEADER = /^(.*) escapes to heap(?: in (.+))?:$/;
// The function name has no spaces; the destination may (`{storage for &Config{...}}`), so it is the one that stretches.
const LEAK_HEADER = /^parameter (\S+) leaks to (.+?)(?: (?:in|for) (\S+))? with derefs=(-?\d+):$/;

const ESCAPES_SUFFIX = ' escapes to heap';
const MOVED_PREFIX = 'moved to heap: ';
const LEAKING = /^leaking param( content)?: (\S+)(?: to result (\S+) level=(-?\d+))?$/;
const NO_ESCAPE_SUFFIX = ' does not escape';
const CAN_INLINE = /^can inline (.+?)(?: with cost (\d+))?(?: as: .*)?$/;
const CANNOT_INLINE = /^cannot inline (.+?): (.*)$/;
const INLINING_CALL_PREFIX = 'inlining call to ';
const COST_OVER_BUDGET = /cost (\d+) exceeds budget (\d+)/;
// `-d=ssa/check_bce/debug=1`: a bounds check the prover could not remove, at the `[` of its expression.
const INDEX_CHECK = 'Found IsInBounds';
const SLICE_CHECK = 'Found IsSliceInBounds';
// `-d=nil`: an explicit nil check that stays, and one folded into a load (which costs nothing).
const GENERATED_NIL_CHECK = 'generated nil check';
const REMOVED_NIL_CHECK = 'removed nil check';
const DEVIRTUALIZING_PREFIX = 'devirtualizing ';
const ZERO_COPY = 'zero-copy string->[]byte conversion';
// `(*buffer).Trim ignoring self-assignment in b.data = b.data[:n]`: the function's name comes first.
const SELF_ASSIGNMENT = ' ignoring self-assignment in ';

/**
 * How many unrecognised lines are kept for the log. A compiler that prints garbage (a wrapper script, a
 * future format) can print millions of lines; each kept line becomes a log message to the editor.
 */
export const MAX_UNRECOGNISED_LINES = 50;

/** Known `-m=2` lines that carry nothing we model (closure capture notes, explanation warnings). */
const KNOWN_NOISE = [/ capturing by (?:ref|value): /, /^warning: truncated explanation/];

const NO_ANNOTATIONS: NonNullable<ParseOptions['annotations']> = { inline: false, bounds: false, nil: false };

/** Shared and never written to: the answer for the many facts without an explanation. */
const NONE: readonly Explanation[] = Object.freeze([]);
/** Shared and never written to, like NONE. */
const NO_FLOWS: readonly Flow[] = Object.freeze([]);

interface Explanation {
  /** What the header names: the expression or variable, or for a leak the parameter. */
  readonly subject: string;
  readonly isLeak: boolean;
  readonly functionName?: string;
  readonly flows: Flow[];
  readonly lines: string[];
}

/**
 * Parses the compiler's output. Bytes are what the go command prints and what the server hands over:
 * each line is decoded on its own, so a fact that a cache keeps holds its own line, not the whole output.
 */
export function parseCompilerOutput(output: string | Uint8Array, options: ParseOptions): PackageFacts {
  const parser = new OutputParser(options);
  const bytes = typeof output === 'string' ? Buffer.from(output, 'utf8') : Buffer.from(output.buffer, output.byteOffset, output.byteLength);
  const onlyFile = options.onlyFile === undefined ? undefined : new OnlyFileFilter(bytes, options.onlyFile, options);
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(0x0a /* \n */, start);
    if (end < 0) end = bytes.length;
    const lineEnd = end > start && bytes[end - 1] === 0x0d /* \r */ ? end - 1 : end;
    if (lineEnd > start && (!onlyFile || onlyFile.keeps(start, lineEnd))) parser.line(bytes.toString('utf8', start, lineEnd));
    start = end + 1;
  }
  return parser.result();
}

const GO_POSITION = Buffer.from('.go:');

/**
 * Decides from a line's bytes whether it is about the one wanted file. A package's output comes in long
 * runs of lines about the same file, so the printed name is compared with the previous line's in place and
 * decoded and resolved only when it changes. Lines without a position (`# package`) are always kept.
 */
class OnlyFileFilter {
  private previousStart = 0;
  private previousEnd = 0;
  private previousKept = true;

  constructor(
    private readonly bytes: Buffer,
    private readonly file: string,
    private readonly options: ParseOptions,
  ) {}

  keeps(start: number, end: number): boolean {
    // Searched within the line only: a run of lines without a position must not each scan to the end.
    const found = this.bytes.subarray(start, end).indexOf(GO_POSITION);
    const goEnd = found < 0 ? -1 : start + found;
    if (goEnd <= start || goEnd + GO_POSITION.length >= end || !isDigit(this.bytes[goEnd + GO_POSITION.length])) return true;
    const nameEnd = goEnd + 3;
    if (this.bytes.compare(this.bytes, this.previousStart, this.previousEnd, start, nameEnd) === 0) return this.previousKept;
    const printed = this.bytes.toString('utf8', start, nameEnd);
    const resolved = resolveCompilerFile(printed, this.options.workingDirectory, path.resolve(this.options.packageDirectory));
    this.previousStart = start;
    this.previousEnd = nameEnd;
    this.previousKept = resolved === this.file;
    return this.previousKept;
  }
}

function isDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x30 && byte <= 0x39;
}

/**
 * The parser's state between lines. A class rather than closures: this runs once per line of a 3 MB
 * output, and per-line closures and throw-away objects were most of the parse time (in the collector).
 */
class OutputParser {
  private readonly packageDirectory: string;
  private readonly importPaths: string[] = [];
  private readonly facts: EscapeFact[] = [];
  private readonly errors: CompilerError[] = [];
  private readonly unrecognised: string[] = [];
  private unrecognisedDropped = 0;
  /** The facts kept so far, by position: the same package can be printed twice (`p` and `p [p.test]`). */
  private readonly factsAt = new PositionMap<EscapeFact[]>();
  /** Explanations waiting for their final-form fact, by position. */
  private readonly explanations = new PositionMap<Explanation[]>();
  private current: Explanation | undefined;
  /** A package's output names the same few files tens of thousands of times: resolve each name once. */
  private readonly resolvedFiles = new Map<string, string>();
  private readonly filesInPackage = new Map<string, boolean>();
  private readonly stepPositions = new Map<string, CompilerPosition | null>();

  private readonly annotations: NonNullable<ParseOptions['annotations']>;

  constructor(private readonly options: ParseOptions) {
    this.packageDirectory = path.resolve(options.packageDirectory);
    this.annotations = options.annotations ?? NO_ANNOTATIONS;
  }

  line(rawLine: string): void {
    if (rawLine.startsWith('# ')) {
      this.importPaths.push(rawLine.slice(2).trim());
      this.current = undefined;
      return;
    }
    const messageStart = positionPrefixLength(rawLine);
    if (messageStart === 0) {
      this.unpositionedLine(rawLine);
      return;
    }
    // Explanation lines: indented continuation of the current header. They are half of what -m=2 prints and
    // their own position is the header's, so their position is not even read.
    const first = rawLine.charCodeAt(messageStart);
    if (first === 0x20 /* space */ || first === 0x09 /* tab */) {
      if (this.current) this.explanationLine(this.current, rawLine, messageStart);
      return;
    }
    const position = parsePositionPrefix(rawLine, messageStart, this.resolvedFiles, this.options.workingDirectory, this.packageDirectory);
    if (!position) {
      this.unpositionedLine(rawLine);
      return;
    }
    this.positionedLine(rawLine, rawLine.slice(messageStart), position);
  }

  result(): PackageFacts {
    if (this.unrecognisedDropped > 0) this.unrecognised.push(`… and ${this.unrecognisedDropped} more lines not recognised`);
    return { importPaths: unique(this.importPaths), facts: this.facts, errors: this.errors, unrecognised: this.unrecognised };
  }

  private unpositionedLine(rawLine: string): void {
    const indented = /^\s/.test(rawLine);
    if (indented && this.errors.length > 0 && !this.options.buildSucceeded) {
      // A continuation of the previous error (the go command indents details with a tab).
      const last = this.errors[this.errors.length - 1];
      this.errors[this.errors.length - 1] = { ...last, message: `${last.message}\n${rawLine.trim()}` };
    } else if (rawLine.startsWith('<autogenerated>') || indented) {
      // Wrapper code the compiler generated: it has no source position to show.
    } else if (!this.options.buildSucceeded) {
      this.errors.push({ position: null, message: rawLine.trim() });
    } else {
      this.keepUnrecognised(rawLine);
    }
  }

  /**
   * `   flow: DST ← SRC:` or `     from EXPR (REASON) at POS`, read by index into the line: these are more
   * than half of what -m=2 prints, and every substring or match array made here is work for the collector.
   * EXPR may contain parentheses; REASON never does.
   */
  private explanationLine(current: Explanation, rawLine: string, messageStart: number): void {
    if (current.isLeak && this.options.leakExplanations === false) return;
    current.lines.push(rawLine);
    let start = messageStart;
    while (rawLine.charCodeAt(start) === 0x20 || rawLine.charCodeAt(start) === 0x09) start++;
    if (rawLine.startsWith('flow: ', start) && rawLine.endsWith(':')) {
      const [destination, source] = splitFlow(rawLine.slice(start + 6, rawLine.length - 1));
      current.flows.push({ destination, source, steps: [] });
      return;
    }
    if (current.flows.length === 0 || !rawLine.startsWith('from ', start)) return;
    const at = rawLine.lastIndexOf(') at ');
    if (at < start) return;
    const open = rawLine.lastIndexOf(' (', at);
    if (open < start + 5) return;
    const step: FlowStep = {
      expression: rawLine.slice(start + 5, open),
      reason: rawLine.slice(open + 2, at),
      position: this.stepPosition(rawLine.slice(at + 5)),
    };
    (current.flows[current.flows.length - 1].steps as FlowStep[]).push(step);
  }

  /** Flow steps point at the same few lines over and over: each printed position is read once. */
  private stepPosition(text: string): CompilerPosition | null {
    let position = this.stepPositions.get(text);
    if (position === undefined) {
      const trimmed = text.trim();
      position = parsePositionPrefix(
        `${trimmed}: `,
        trimmed.length + 2,
        this.resolvedFiles,
        this.options.workingDirectory,
        this.packageDirectory,
      );
      this.stepPositions.set(text, position);
    }
    return position;
  }

  private positionedLine(rawLine: string, message: string, position: CompilerPosition): void {
    const relevant = this.inPackage(position);
    // Only explanation headers end with a colon; most lines are not headers, so skip the regexes for them.
    if (message.endsWith(':')) {
      const escapeHeader = ESCAPE_HEADER.exec(message);
      const leakHeader = escapeHeader ? null : LEAK_HEADER.exec(message);
      if (escapeHeader || leakHeader) {
        const subject = escapeHeader ? escapeHeader[1] : leakHeader![1];
        const functionName = escapeHeader ? escapeHeader[2] : leakHeader![3];
        const header: Explanation = { subject, isLeak: leakHeader !== null, functionName, flows: [], lines: [rawLine] };
        this.current = header;
        if (relevant) {
          const waiting = this.explanations.get(position);
          if (waiting) waiting.push(header);
          else this.explanations.set(position, [header]);
        }
        return;
      }
    }
    this.current = undefined;

    const fact = parseFinalFact(message, position, rawLine, this);
    if (fact) {
      if (relevant) this.addFact(fact);
      return;
    }
    const optimisation = parseOptimisationDetail(message, position, rawLine, this.annotations);
    if (optimisation !== undefined) {
      if (optimisation && relevant) this.addFact(optimisation);
      return;
    }
    if (KNOWN_NOISE.some((pattern) => pattern.test(message))) return;
    if (!this.options.buildSucceeded) this.errors.push({ position, message });
    else if (relevant) this.keepUnrecognised(rawLine);
  }

  /**
   * The explanations printed for a final-form fact. The header usually names the same subject as the final
   * line, but not always: Go 1.26 explains `append(s.items, v) escapes to heap in F:` and then states
   * `append escapes to heap`. So an exact subject wins, then one the final expression is a prefix of.
   */
  takeExplanations(position: CompilerPosition, subject: string, isLeak: boolean): readonly Explanation[] {
    const waiting = this.explanations.get(position);
    if (!waiting) return NONE;
    // The usual case: one explanation, for this very subject.
    if (waiting.length === 1 && waiting[0].isLeak === isLeak && waiting[0].subject === subject) {
      this.explanations.delete(position);
      return waiting;
    }
    const candidates = waiting.filter((explanation) => explanation.isLeak === isLeak);
    let chosen = candidates.filter((explanation) => explanation.subject === subject);
    if (chosen.length === 0 && !isLeak) {
      chosen = candidates.filter((explanation) => explanation.subject.startsWith(subject)).slice(0, 1);
    }
    const rest = waiting.filter((explanation) => !chosen.includes(explanation));
    if (rest.length > 0) this.explanations.set(position, rest);
    else this.explanations.delete(position);
    return chosen;
  }

  private addFact(fact: EscapeFact): void {
    const here = this.factsAt.get(fact.position);
    if (here?.some((other) => other.kind === fact.kind && other.expression === fact.expression)) return;
    if (here) here.push(fact);
    else this.factsAt.set(fact.position, [fact]);
    this.facts.push(fact);
  }

  private inPackage(position: CompilerPosition): boolean {
    let inside = this.filesInPackage.get(position.file);
    if (inside === undefined) {
      inside = path.dirname(position.file) === this.packageDirectory;
      this.filesInPackage.set(position.file, inside);
    }
    return inside;
  }

  private keepUnrecognised(line: string): void {
    if (this.unrecognised.length < MAX_UNRECOGNISED_LINES) this.unrecognised.push(line);
    else this.unrecognisedDropped++;
  }
}

function buildFact(
  kind: FactKind,
  expression: string,
  position: CompilerPosition,
  rawLine: string,
  parser: OutputParser,
  extra?: { leak?: LeakDetails; inline?: InlineDetails },
): EscapeFact {
  const explained =
    kind === 'escape' || kind === 'moved' || kind === 'leak' ? parser.takeExplanations(position, expression, kind === 'leak') : NONE;
  // Every fact is built with the same fields in the same order: one object shape keeps the hot code fast.
  return {
    kind,
    position,
    expression,
    functionName: explained.length === 0 ? undefined : explained.find((e) => e.functionName)?.functionName,
    flows: explained.length === 0 ? NO_FLOWS : explained.flatMap((e) => e.flows),
    leak: extra?.leak,
    inline: extra?.inline,
    compilerText: explained.length === 0 ? [rawLine] : [...explained.flatMap((e) => e.lines), rawLine],
  };
}

function parseFinalFact(message: string, position: CompilerPosition, rawLine: string, parser: OutputParser): EscapeFact | undefined {
  // Cheap string tests pick the one shape worth a regular expression: `can inline` lines carry whole
  // function bodies, and trying every pattern on them was a measurable part of parsing.
  if (message.endsWith(ESCAPES_SUFFIX)) return buildFact('escape', message.slice(0, -ESCAPES_SUFFIX.length), position, rawLine, parser);
  if (message.startsWith(MOVED_PREFIX)) return buildFact('moved', message.slice(MOVED_PREFIX.length), position, rawLine, parser);
  if (message.endsWith(NO_ESCAPE_SUFFIX))
    return buildFact('noEscape', message.slice(0, -NO_ESCAPE_SUFFIX.length), position, rawLine, parser);
  if (message.startsWith(INLINING_CALL_PREFIX)) {
    const functionName = message.slice(INLINING_CALL_PREFIX.length);
    return buildFact('inlinedCall', functionName, position, rawLine, parser, { inline: { functionName } });
  }
  let match: RegExpExecArray | null;
  if (message.startsWith('leaking param') && (match = LEAKING.exec(message))) {
    const leak: LeakDetails = {
      parameter: match[2],
      what: match[1] ? 'content' : 'param',
      ...(match[3] ? { toResult: match[3], level: Number(match[4]) } : {}),
    };
    return buildFact('leak', match[2], position, rawLine, parser, { leak });
  }
  if (message.startsWith('cannot inline ') && (match = CANNOT_INLINE.exec(message))) {
    const overBudget = COST_OVER_BUDGET.exec(match[2]);
    const inline: InlineDetails = {
      functionName: match[1],
      reason: match[2],
      ...(overBudget ? { cost: Number(overBudget[1]), budget: Number(overBudget[2]) } : {}),
    };
    return buildFact('cannotInline', match[1], position, rawLine, parser, { inline });
  }
  if (message.startsWith('can inline ') && (match = CAN_INLINE.exec(message))) {
    const inline: InlineDetails = { functionName: match[1], ...(match[2] ? { cost: Number(match[2]) } : {}) };
    return buildFact('canInline', match[1], position, rawLine, parser, { inline });
  }
  return undefined;
}

/**
 * The optimisation details beyond escapes: a fact when its annotation kind is on, null when it is a line of
 * that shape we skip (its kind is off, or a removed nil check), undefined when the line is none of them.
 */
function parseOptimisationDetail(
  message: string,
  position: CompilerPosition,
  rawLine: string,
  annotations: NonNullable<ParseOptions['annotations']>,
): EscapeFact | null | undefined {
  const plain = (kind: FactKind, expression: string): EscapeFact => ({
    kind,
    position,
    expression,
    functionName: undefined,
    flows: NO_FLOWS,
    leak: undefined,
    inline: undefined,
    compilerText: [rawLine],
  });
  if (message === INDEX_CHECK) return annotations.bounds ? plain('indexCheck', '') : null;
  if (message === SLICE_CHECK) return annotations.bounds ? plain('sliceCheck', '') : null;
  if (message === GENERATED_NIL_CHECK) return annotations.nil ? plain('nilCheck', '') : null;
  if (message === REMOVED_NIL_CHECK) return null;
  if (message === ZERO_COPY) return annotations.inline ? plain('zeroCopy', '') : null;
  const selfAssignment = message.indexOf(SELF_ASSIGNMENT);
  if (selfAssignment > 0)
    return annotations.inline ? plain('selfAssignment', message.slice(selfAssignment + SELF_ASSIGNMENT.length)) : null;
  // The expression is `x.M to *T`: the call and the concrete type it now calls directly.
  if (message.startsWith(DEVIRTUALIZING_PREFIX))
    return annotations.inline ? plain('devirtualized', message.slice(DEVIRTUALIZING_PREFIX.length)) : null;
  return undefined;
}

/**
 * The length of a line's `path.go:LINE:COL: ` prefix, or 0 when it has none. Found by hand: this runs on
 * every line of output, and a regular expression with a lazy path group was a measurable part of parsing.
 */
function positionPrefixLength(line: string): number {
  const goEnd = line.indexOf('.go:');
  if (goEnd <= 0) return 0;
  const lineStart = goEnd + 4;
  const lineEnd = line.indexOf(':', lineStart);
  if (lineEnd <= lineStart) return 0;
  const columnEnd = line.indexOf(':', lineEnd + 1);
  if (columnEnd <= lineEnd + 1 || line.charCodeAt(columnEnd + 1) !== 0x20 /* space */) return 0;
  return columnEnd + 2;
}

/** The position in a line's prefix (`positionPrefixLength` long), with its file resolved; null if malformed. */
function parsePositionPrefix(
  line: string,
  prefixLength: number,
  resolvedFiles: Map<string, string>,
  workingDirectory: string,
  packageDirectory: string,
): CompilerPosition | null {
  const goEnd = line.indexOf('.go:');
  if (goEnd <= 0 || prefixLength !== positionPrefixLength(line)) return null;
  const lineEnd = line.indexOf(':', goEnd + 4);
  const lineNumber = digitsValue(line, goEnd + 4, lineEnd);
  const byteColumn = digitsValue(line, lineEnd + 1, prefixLength - 2);
  if (lineNumber === undefined || byteColumn === undefined) return null;
  const printed = line.slice(0, goEnd + 3);
  let file = resolvedFiles.get(printed);
  if (file === undefined) {
    file = resolveCompilerFile(printed, workingDirectory, packageDirectory);
    resolvedFiles.set(printed, file);
  }
  return { file, line: lineNumber, byteColumn };
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

/** A map keyed by compiler position without building a string key for each of tens of thousands of lines. */
class PositionMap<T> {
  private readonly byFile = new Map<string, Map<number, T>>();

  get(position: CompilerPosition): T | undefined {
    return this.byFile.get(position.file)?.get(positionNumber(position));
  }

  set(position: CompilerPosition, value: T): void {
    let inFile = this.byFile.get(position.file);
    if (!inFile) {
      inFile = new Map();
      this.byFile.set(position.file, inFile);
    }
    inFile.set(positionNumber(position), value);
  }

  delete(position: CompilerPosition): void {
    this.byFile.get(position.file)?.delete(positionNumber(position));
  }
}

/** Line and column as one number: exact for any column below 2^24 and any line below 2^29. */
function positionNumber(position: CompilerPosition): number {
  return position.line * 0x1000000 + position.byteColumn;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
