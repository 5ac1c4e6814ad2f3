/**
 * Measures the syntax-only analyser against the Go compiler on the installed Go's standard library:
 * `npm run measure-predictions` (add `-- --dry-run` to only print, `-- --examples KIND` to print where a
 * kind was wrong).
 *
 * It compiles the packages with `go build -gcflags=-m=2 PKG…` from an empty temporary directory: building
 * several library packages writes nothing but the build cache (never GOROOT). For every file the compiler
 * compiled, it predicts allocations from the syntax tree alone and compares:
 * - precision of a kind: the share of its predictions at which the compiler reports a heap fact of the same
 *   form (escape / moved) inside the predicted expression;
 * - recall of a kind: the share of the compiler's heap facts of that kind's category (decided from the
 *   compiler's own explanation, e.g. a "send" step) that a prediction of that kind found.
 * Then it writes predictions/measured.ts (kinds under 90% precision are disabled), the README section and
 * docs/predictions.md.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { EscapeFact } from '../server/src/model/facts';
import { parseCompilerOutput } from '../server/src/engine/parseCompilerOutput';
import { withGoTree } from '../server/src/syntax/goParser';
import { compilerToLspPosition, toSourceText } from '../server/src/syntax/positions';
import type { LspPosition, LspRange } from '../server/src/model/positions';
import {
  MINIMUM_PRECISION,
  PREDICTION_KINDS,
  predictAllocations,
  type PredictedAllocation,
  type PredictionKind,
} from '../server/src/syntax/predictAllocations';

const root = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
const dryRun = args.includes('--dry-run');
const exampleKind = args.includes('--examples') ? (args[args.indexOf('--examples') + 1] as PredictionKind) : undefined;

/** Public library packages; internal, vendored and command packages, and the runtime itself, follow special rules. */
const EXCLUDED = /^(vendor\/|cmd\/)|(^|\/)internal(\/|$)|^runtime(\/cgo|\/race)?$|^syscall$|^unsafe$|^plugin$/;

interface ListedPackage {
  readonly importPath: string;
  readonly directory: string;
  /** The files this build compiles (GoFiles and CgoFiles): build tags have excluded the others. */
  readonly files: readonly string[];
}

interface Tally {
  predicted: number;
  correct: number;
  compilerFacts: number;
  found: number;
}

interface Located {
  readonly fact: EscapeFact;
  readonly position: LspPosition;
}

function go(goArgs: string[], cwd: string): string {
  const result = spawnSync('go', goArgs, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`go ${goArgs.join(' ')} failed:\n${result.stderr}`);
  return result.stdout;
}

/** The kind categories of a compiler heap fact, decided from the compiler's message and explanation. */
export function categoriesOf(fact: EscapeFact): Set<PredictionKind> {
  const reasons = new Set(fact.flows.flatMap((flow) => flow.steps.map((step) => step.reason)));
  const categories = new Set<PredictionKind>();
  const expression = fact.expression;
  if (fact.kind === 'escape') {
    if (((expression.startsWith('&') && expression.includes('{')) || expression.startsWith('new(')) && reasons.has('return')) {
      categories.add('returnedAllocation');
    }
    if (expression === 'func literal') categories.add('escapingClosure');
    // A value boxed into an interface: its storage (`&{storage for X}`) flows on, and X is not itself an
    // address, an allocation or a closure.
    const boxed =
      !/^(&|new\(|make\(|append|func literal|\.\.\. argument)/.test(expression) &&
      fact.flows.some((flow) => flow.source === `&{storage for ${expression}}`);
    const steps = fact.flows.flatMap((flow) => flow.steps);
    if (
      boxed &&
      steps.some(
        (step) =>
          (step.reason === 'slice-literal-element' && step.expression === '... argument') ||
          (step.reason === 'call parameter' && step.expression.startsWith('panic(')),
      )
    ) {
      categories.add('interfaceArgument');
    }
    if (boxed && steps.some((step) => step.reason === 'assign' && /^[\w.]+ = /.test(step.expression))) categories.add('interfaceStored');
    if (/^make\(\[\][^,]*, .*[^\d)\s]\)?$/.test(expression) && !/, \d+(, \d+)?\)$/.test(expression)) categories.add('nonConstantMake');
  } else {
    if (reasons.has('address-of') && reasons.has('return')) categories.add('returnedAddressOfLocal');
    if (reasons.has('captured by a closure')) categories.add('capturedVariable');
  }
  if (reasons.has('send')) categories.add('sentPointer');
  if (reasons.has('too large for stack')) categories.add('tooLargeForStack');
  return categories;
}

function kindBit(kind: PredictionKind): number {
  return 1 << PREDICTION_KINDS.indexOf(kind);
}

function contains(range: LspRange, position: LspPosition): boolean {
  const afterStart =
    position.line > range.start.line || (position.line === range.start.line && position.character >= range.start.character);
  const beforeEnd = position.line < range.end.line || (position.line === range.end.line && position.character < range.end.character);
  return afterStart && beforeEnd;
}

function matches(prediction: PredictedAllocation, located: Located): boolean {
  return located.fact.kind === prediction.factKind && contains(prediction.range, located.position);
}

async function readSections(file: string, onSection: (importPath: string, text: string) => Promise<void>): Promise<void> {
  const lines = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let importPath: string | undefined;
  let buffer: string[] = [];
  for await (const line of lines) {
    if (line.startsWith('# ')) {
      if (importPath) await onSection(importPath, buffer.join('\n'));
      importPath = line.slice(2).trim();
      buffer = [];
    } else buffer.push(line);
  }
  if (importPath) await onSection(importPath, buffer.join('\n'));
}

async function main(): Promise<void> {
  const goVersion = go(['env', 'GOVERSION'], root).trim();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'gel-measure-'));
  try {
    const names = go(['list', 'std'], work)
      .split('\n')
      .filter((name) => name && !EXCLUDED.test(name));
    const listed = new Map<string, ListedPackage>();
    const format = '{{.ImportPath}}\t{{.Dir}}\t{{join .GoFiles " "}}\t{{join .CgoFiles " "}}';
    for (const line of go(['list', '-f', format, ...names], work).split('\n')) {
      const [importPath, directory, goFiles, cgoFiles] = line.split('\t');
      if (!importPath || !directory) continue;
      const split = (text = '') => text.split(' ').filter(Boolean);
      listed.set(importPath, { importPath, directory, files: [...split(goFiles), ...split(cgoFiles)] });
    }
    const outputFile = path.join(work, 'compiler-output.txt');
    console.error(`go ${goVersion}: compiling ${names.length} standard library packages with -gcflags=-m=2 …`);
    const started = Date.now();
    await new Promise<void>((resolve, reject) => {
      const output = fs.createWriteStream(outputFile);
      const child = spawn('go', ['build', '-gcflags=-m=2', ...names], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.pipe(output, { end: false });
      child.stderr.pipe(output, { end: false });
      child.on('error', reject);
      child.on('close', (code) => {
        output.end(() => (code === 0 ? resolve() : reject(new Error(`go build exited with ${code}; see ${outputFile}`))));
      });
    });
    console.error(`compiled in ${((Date.now() - started) / 1000).toFixed(0)} s; comparing …`);

    const tallies = new Map<PredictionKind, Tally>(
      PREDICTION_KINDS.map((kind) => [kind, { predicted: 0, correct: 0, compilerFacts: 0, found: 0 }]),
    );
    const allKinds = new Set<PredictionKind>(PREDICTION_KINDS);
    let packages = 0;
    let files = 0;
    let heapFacts = 0;
    /** For each set of kinds (a bit mask) that found a compiler fact together, how many facts it found. */
    const foundByKindSet = new Map<number, number>();
    const examples: string[] = [];

    await readSections(outputFile, async (importPath, text) => {
      const item = listed.get(importPath);
      if (!item) return;
      packages++;
      const parsed = parseCompilerOutput(text, { workingDirectory: work, packageDirectory: item.directory, buildSucceeded: true });
      const byFile = new Map<string, EscapeFact[]>();
      for (const fact of parsed.facts) {
        if (fact.kind !== 'escape' && fact.kind !== 'moved') continue;
        byFile.set(fact.position.file, [...(byFile.get(fact.position.file) ?? []), fact]);
      }
      for (const name of item.files) {
        const file = path.join(item.directory, name);
        const source = toSourceText(fs.readFileSync(file, 'utf8'));
        files++;
        const located: Located[] = [];
        for (const fact of byFile.get(file) ?? []) {
          const position = compilerToLspPosition(source, fact.position.line, fact.position.byteColumn);
          if (position) located.push({ fact, position });
        }
        heapFacts += located.length;
        const predictions = await withGoTree(source.text, (tree) => predictAllocations(tree, { kinds: allKinds }));
        for (const prediction of predictions) {
          const tally = tallies.get(prediction.kind)!;
          tally.predicted++;
          if (located.some((item) => matches(prediction, item))) tally.correct++;
          else if (prediction.kind === exampleKind) {
            examples.push(
              `${file}:${prediction.range.start.line + 1}: ${prediction.expression}  |  ${source.lines[prediction.range.start.line].trim()}`,
            );
          }
        }
        for (const item of located) {
          const matchedKinds = new Set(predictions.filter((prediction) => matches(prediction, item)).map((prediction) => prediction.kind));
          const mask = [...matchedKinds].reduce((bits, kind) => bits | kindBit(kind), 0);
          if (mask !== 0) foundByKindSet.set(mask, (foundByKindSet.get(mask) ?? 0) + 1);
          for (const kind of categoriesOf(item.fact)) {
            const tally = tallies.get(kind)!;
            tally.compilerFacts++;
            if (matchedKinds.has(kind)) tally.found++;
          }
        }
      }
    });

    const enabled = PREDICTION_KINDS.filter((kind) => {
      const tally = tallies.get(kind)!;
      return tally.predicted > 0 && tally.correct / tally.predicted >= MINIMUM_PRECISION;
    });
    const enabledMask = enabled.reduce((bits, kind) => bits | kindBit(kind), 0);
    const foundByEnabled = [...foundByKindSet].reduce((sum, [mask, count]) => sum + (mask & enabledMask ? count : 0), 0);

    const summary = { goVersion, packages, files, heapFacts, foundByEnabled };
    const table = markdownTable(tallies, new Set(enabled), summary);
    console.log(table);
    if (exampleKind)
      console.log(
        `\nPredictions of ${exampleKind} with no matching compiler fact (${examples.length}):\n${examples.slice(0, 60).join('\n')}`,
      );
    if (!dryRun) {
      writeMeasured(tallies, summary);
      writeDocs(table);
      console.error('wrote server/src/syntax/predictions/measured.ts, docs/predictions.md and the README section');
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

interface Summary {
  readonly goVersion: string;
  readonly packages: number;
  readonly files: number;
  readonly heapFacts: number;
  readonly foundByEnabled: number;
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '–' : `${((100 * part) / whole).toFixed(1)}%`;
}

/** Below this many predictions, a kind's precision says little; the table says so. */
const THIN_SAMPLE = 10;

function markdownTable(tallies: ReadonlyMap<PredictionKind, Tally>, enabled: ReadonlySet<PredictionKind>, summary: Summary): string {
  const thin = PREDICTION_KINDS.filter((kind) => enabled.has(kind) && tallies.get(kind)!.predicted < THIN_SAMPLE);
  const rows = PREDICTION_KINDS.map((kind) => {
    const tally = tallies.get(kind)!;
    return `| \`${kind}\` | ${tally.predicted} | ${tally.correct} | ${percent(tally.correct, tally.predicted)} | ${tally.compilerFacts} | ${tally.found} | ${percent(tally.found, tally.compilerFacts)} | ${enabled.has(kind) ? 'yes' : 'no'} |`;
  });
  return [
    `Measured with ${summary.goVersion} on ${summary.packages} standard library packages (${summary.files} files, ${summary.heapFacts} compiler heap facts) by \`npm run measure-predictions\`.`,
    '',
    '| kind | predicted | matched by the compiler | precision | compiler facts of this category | found | recall | enabled |',
    '|---|---:|---:|---:|---:|---:|---:|:---:|',
    ...rows,
    '',
    `Together the enabled kinds (precision ≥ ${MINIMUM_PRECISION * 100}%) find ${percent(summary.foundByEnabled, summary.heapFacts)} of all the compiler's heap facts: predictions are a hint for when the compiler cannot run, never a replacement for it.`,
    ...(thin.length > 0
      ? [
          '',
          `${thin.map((kind) => `\`${kind}\``).join(' and ')} ${thin.length === 1 ? 'is' : 'are'} enabled on thin evidence (fewer than ${THIN_SAMPLE} predictions in the standard library, which rarely has the pattern); test/unit/predictAllocations.test.ts also checks ${thin.length === 1 ? 'it' : 'them'} against the compiler on the fixture module.`,
        ]
      : []),
  ].join('\n');
}

function writeMeasured(tallies: ReadonlyMap<PredictionKind, Tally>, summary: Summary): void {
  const file = path.join(root, 'server', 'src', 'syntax', 'predictions', 'measured.ts');
  const entries = PREDICTION_KINDS.map((kind) => {
    const { predicted, correct, compilerFacts, found } = tallies.get(kind)!;
    return `  ${kind}: { predicted: ${predicted}, correct: ${correct}, compilerFacts: ${compilerFacts}, found: ${found} },`;
  });
  const text = fs.readFileSync(file, 'utf8');
  const header = text.slice(0, text.indexOf('export const MEASURED_ON'));
  fs.writeFileSync(
    file,
    `${header}export const MEASURED_ON = { goVersion: '${summary.goVersion}', packages: ${summary.packages}, files: ${summary.files} } as const;\n\n` +
      `export const MEASUREMENTS: Partial<Record<PredictionKind, KindMeasurement>> = {\n${entries.join('\n')}\n};\n`,
  );
}

const START = '<!-- prediction-measurements:start -->';
const END = '<!-- prediction-measurements:end -->';

/** Replaces the text between the markers in README.md and docs/predictions.md (the docs page is created if missing). */
function writeDocs(table: string): void {
  for (const file of [path.join(root, 'README.md'), path.join(root, 'docs', 'predictions.md')]) {
    if (!fs.existsSync(file)) continue;
    const text = fs.readFileSync(file, 'utf8');
    const start = text.indexOf(START);
    const end = text.indexOf(END);
    if (start < 0 || end < start) {
      console.error(`${path.relative(root, file)} has no ${START} … ${END} markers; not updated`);
      continue;
    }
    fs.writeFileSync(file, `${text.slice(0, start + START.length)}\n${table}\n${text.slice(end)}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : String(error));
  process.exit(1);
});
