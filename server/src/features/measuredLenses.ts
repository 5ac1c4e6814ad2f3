/**
 * The measured code lenses: "Measure allocations" above each `func BenchmarkX(b *testing.B)` (after a run,
 * its figures and the change since the run before), and each function's measured total appended to its
 * allocation lens. Pure but for parsing the file.
 */
import type { CodeLens } from 'vscode-languageserver';
import type { BenchmarkFigures, Measurement } from '../model/measurement';
import { COMMANDS } from '../protocol';
import type { FunctionSpan } from '../syntax/functionSpans';
import { benchmarkDifference, benchmarkLine, formatBytes, roundFigure } from './measuredFigures';

/** `func BenchmarkParse(b *testing.B) {`: the benchmarks `go test -bench` runs. */
const BENCHMARK_DECLARATION = /^func (Benchmark[\p{L}\p{N}_]*)\s*\(\s*\w+\s+\*testing\.B\s*\)/u;

export interface BenchmarkDeclaration {
  readonly name: string;
  /** 0-based. */
  readonly line: number;
}

export function benchmarkDeclarations(lines: readonly string[]): BenchmarkDeclaration[] {
  return lines.flatMap((text, line) => {
    const match = BENCHMARK_DECLARATION.exec(text);
    return match?.[1] ? [{ name: match[1], line }] : [];
  });
}

export interface BenchmarkResults {
  readonly latest?: BenchmarkFigures;
  readonly previous?: BenchmarkFigures;
  readonly running?: boolean;
}

export function benchmarkLenses(uri: string, lines: readonly string[], results: (benchmark: string) => BenchmarkResults): CodeLens[] {
  return benchmarkDeclarations(lines).map(({ name, line }) => {
    const { latest, previous, running } = results(name);
    const position = { line, character: 0 };
    const title = running
      ? `$(sync~spin) Measuring ${name}…`
      : latest
        ? `${benchmarkLine(latest)}${previous ? ` (${benchmarkDifference(previous, latest)})` : ''} · Measure again`
        : 'Measure allocations';
    return { range: { start: position, end: position }, command: { title, command: COMMANDS.measureBenchmark, arguments: [uri, name] } };
  });
}

/** Appends each function's measured total to its lens: "2 heap allocations · measured 1.4 KB/op". */
export function withMeasuredTotals(
  lenses: CodeLens[],
  measurement: Measurement | undefined,
  file: string,
  functions: readonly FunctionSpan[],
): CodeLens[] {
  if (!measurement) return lenses;
  return lenses.map((lens) => {
    const span = functions.find((candidate) => candidate.startLine - 1 === lens.range.start.line && !candidate.name.includes('.func'));
    if (!span || !lens.command) return lens;
    const sites = measurement.sites.filter(
      (site) => site.file === file && (site.functionName === span.name || site.functionName.startsWith(`${span.name}.func`)),
    );
    if (sites.length === 0) return lens;
    const perOp = sites.every((site) => site.perOp);
    const bytes = sites.reduce((sum, site) => sum + (site.perOp ? site.perOp.bytes : site.bytes), 0);
    const allocs = sites.reduce((sum, site) => sum + (site.perOp ? site.perOp.allocs : site.objects), 0);
    const total = perOp
      ? `measured ${formatBytes(bytes)}/op in ${roundFigure(allocs)} allocs/op`
      : `measured ${formatBytes(bytes)} in ${roundFigure(allocs)} objects`;
    return { ...lens, command: { ...lens.command, title: `${lens.command.title} · ${total}` } };
  });
}
