/**
 * `--format text`: one line per finding, `file:line:col: message`, like `go vet` and the compiler, so
 * editors and terminals turn them into links. Paths are relative to where `check` ran; columns are UTF-8
 * byte columns, as the go command counts them. Colour only when asked (the CLI asks on a terminal).
 */
import { styleText } from 'node:util';
import { allocatesAtRunTime, type Finding, isAllocation } from './findings';
import type { FindingWriter } from './findingWriter';

export interface TextOptions {
  readonly colour: boolean;
}

export function formatText(findings: readonly Finding[], options: TextOptions): string {
  const paint = (format: Parameters<typeof styleText>[0], text: string) =>
    options.colour ? styleText(format, text, { validateStream: false }) : text;
  return findings
    .map((finding) => {
      const location = paint('bold', `${finding.file}:${finding.line}:${finding.column}:`);
      const message = finding.violation ? paint('red', finding.message) : finding.message;
      return `${location} ${message}${annotations(finding)
        .map((note) => paint('dim', ` [${note}]`))
        .join('')}\n`;
    })
    .join('');
}

function annotations(finding: Finding): string[] {
  const notes: string[] = [];
  if (finding.newSince !== undefined) notes.push(`new since ${finding.newSince}`);
  if (finding.countsAgainst !== undefined) notes.push(`counts against ${finding.countsAgainst}`);
  if (finding.accepted !== undefined) notes.push(`accepted: ${finding.accepted}`);
  if (finding.measured && finding.kind !== 'measured') notes.push(measuredNote(finding.measured));
  return notes;
}

/** `measured 360 B/op, 15 allocs/op in BenchmarkParse (25%)` or `measured 96000 B in 4000 objects (25%)`. */
export function measuredNote(measured: NonNullable<Finding['measured']>): string {
  const share = `${Math.round(measured.share * 100)}%`;
  return 'benchmark' in measured
    ? `measured ${measured.bytesPerOp} B/op, ${measured.allocsPerOp} allocs/op in ${measured.benchmark} (${share})`
    : `measured ${measured.bytes} B in ${measured.objects} objects (${share})`;
}

export function textWriter(options: TextOptions): FindingWriter {
  return { begin: () => '', package: (_importPath, findings) => formatText(findings, options), end: () => '' };
}

/** What a check found, counted as the packages come, for the line on stderr after the findings. */
export class Tally {
  private allocations = 0;
  /** Reported by the compiler as escaping, but allocating nothing at run time (a constant's box). */
  private allocatingNothing = 0;
  private budgets = 0;
  private directives = 0;
  private newOnes = 0;
  private violations = 0;
  private boundsChecks = 0;
  private nilChecks = 0;

  add(findings: readonly Finding[]): void {
    for (const finding of findings) {
      if (allocatesAtRunTime(finding)) this.allocations++;
      else if (isAllocation(finding)) this.allocatingNothing++;
      if (finding.kind === 'budget') this.budgets++;
      if (finding.kind === 'directive') this.directives++;
      if (finding.newSince !== undefined && finding.violation) this.newOnes++;
      if (finding.violation) this.violations++;
      if (finding.kind === 'bounds') this.boundsChecks++;
      if (finding.kind === 'nil') this.nilChecks++;
    }
  }

  get failed(): boolean {
    return this.violations > 0;
  }

  /** What was checked and what fails, in one line. */
  line(packageCount: number): string {
    const parts = [
      `${plural(packageCount, 'package')} checked`,
      `${plural(this.allocations, 'heap allocation')} reported`,
      ...(this.allocatingNothing > 0
        ? [`${this.allocatingNothing} more that allocate${this.allocatingNothing === 1 ? 's' : ''} nothing at run time`]
        : []),
      ...(this.boundsChecks > 0 ? [plural(this.boundsChecks, 'bounds check')] : []),
      ...(this.nilChecks > 0 ? [plural(this.nilChecks, 'nil check')] : []),
      this.violations === 0
        ? 'no violations'
        : `${plural(this.violations, 'violation')} (${
            [
              this.budgets > 0 ? plural(this.budgets, 'broken budget') : '',
              this.newOnes > 0 ? plural(this.newOnes, 'new allocation') : '',
              this.directives > 0 ? plural(this.directives, 'invalid directive') : '',
            ]
              .filter(Boolean)
              .join(', ') || 'allocations over budget'
          })`,
    ];
    return parts.join(', ');
  }
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
