/**
 * `--format text`: one line per finding, `file:line:col: message`, like `go vet` and the compiler, so
 * editors and terminals turn them into links. Paths are relative to where `check` ran; columns are UTF-8
 * byte columns, as the go command counts them. Colour only when asked (the CLI asks on a terminal).
 */
import { styleText } from 'node:util';
import type { Finding } from './findings';

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
  return notes;
}

/** The line for stderr after the findings: what was checked and what fails. */
export function tally(findings: readonly Finding[], packageCount: number): string {
  const allocations = findings.filter((finding) => finding.kind === 'escape' || finding.kind === 'moved').length;
  const budgets = findings.filter((finding) => finding.kind === 'budget').length;
  const directives = findings.filter((finding) => finding.kind === 'directive').length;
  const newOnes = findings.filter((finding) => finding.newSince !== undefined && finding.violation).length;
  const violations = findings.filter((finding) => finding.violation).length;
  const parts = [
    `${plural(packageCount, 'package')} checked`,
    `${plural(allocations, 'heap allocation')} reported`,
    violations === 0
      ? 'no violations'
      : `${plural(violations, 'violation')} (${
          [
            budgets > 0 ? plural(budgets, 'broken budget') : '',
            newOnes > 0 ? plural(newOnes, 'new allocation') : '',
            directives > 0 ? plural(directives, 'invalid directive') : '',
          ]
            .filter(Boolean)
            .join(', ') || 'allocations over budget'
        })`,
  ];
  return parts.join(', ');
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
