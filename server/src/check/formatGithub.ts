/**
 * `--format github`: GitHub Actions workflow commands, one annotation per finding, which the runner turns
 * into annotations on the pull request's diff:
 *
 *   ::error file=hot/hot.go,line=20,endLine=20,col=6,endColumn=14,title=go-escape-lens broken-budget::NewPoint breaks…
 *
 * Violations (a broken budget, an invalid directive, an allocation new since the baseline) are errors; an
 * allocation that counts against a broken budget is a warning, where the developer must change the code;
 * every other allocation is a notice. Paths are relative to the repository root, as GitHub matches them
 * against the diff. The escaping is the runner's (actions/toolkit `command.ts`): `%`, CR and LF in the
 * message; those and `:` and `,` in property values.
 */
import * as path from 'node:path';
import type { Finding } from './findings';
import type { FindingWriter } from './findingWriter';

export interface GithubOptions {
  /** The absolute directory that finding paths are relative to. */
  readonly root: string;
  /** The repository root (git's top level): annotation paths are relative to it. */
  readonly repositoryRoot: string;
}

export type AnnotationLevel = 'error' | 'warning' | 'notice';

/** The properties GitHub reads from an annotation command, in the order they are written. */
export interface AnnotationProperties {
  readonly file: string;
  readonly line: number;
  readonly endLine: number;
  readonly col?: number;
  readonly endColumn?: number;
  readonly title: string;
}

export function githubWriter(options: GithubOptions): FindingWriter {
  return { begin: () => '', package: (_importPath, findings) => formatGithub(findings, options), end: () => '' };
}

export function formatGithub(findings: readonly Finding[], options: GithubOptions): string {
  return findings
    .map((finding) => `${workflowCommand(annotationLevel(finding), annotationProperties(finding, options), annotationMessage(finding))}\n`)
    .join('');
}

export function annotationLevel(finding: Finding): AnnotationLevel {
  if (finding.violation) return 'error';
  return finding.countsAgainst !== undefined ? 'warning' : 'notice';
}

function annotationProperties(finding: Finding, options: GithubOptions): AnnotationProperties {
  const absolute = path.resolve(options.root, finding.file);
  const relative = path.relative(options.repositoryRoot, absolute);
  const file = relative.startsWith('..') || path.isAbsolute(relative) ? absolute : relative.split(path.sep).join('/');
  const { start, end } = finding.range;
  const title = `go-escape-lens ${finding.rule}${finding.newSince !== undefined ? ` (new since ${finding.newSince})` : ''}`;
  // Columns only on one line (GitHub ignores them otherwise); 1-based, the end exclusive, in characters.
  const columns =
    start.line === end.line && end.character > start.character ? { col: start.character + 1, endColumn: end.character + 1 } : {};
  return { file, line: start.line + 1, endLine: end.line + 1, ...columns, title };
}

/** The finding's message, then why it fails and the compiler's explanation, one step a line. */
function annotationMessage(finding: Finding): string {
  const notes = [
    ...finding.why,
    ...(finding.countsAgainst !== undefined ? [`counts against ${finding.countsAgainst}`] : []),
    ...(finding.accepted !== undefined ? [`accepted: ${finding.accepted}`] : []),
  ];
  const lines = [notes.length > 0 ? `${finding.message} (${notes.join('; ')})` : finding.message];
  for (const related of finding.related) lines.push(`  line ${related.location.line}: ${related.message}`);
  for (const step of finding.steps) {
    if (step.reason === 'spill') continue;
    lines.push(`  ${step.location ? `line ${step.location.line}: ` : ''}${step.expression}: ${step.explanation}`);
  }
  return lines.join('\n');
}

/** `::level key=value,…::message`, escaped as the Actions runner unescapes it. */
export function workflowCommand(level: AnnotationLevel, properties: AnnotationProperties, message: string): string {
  const list = Object.entries(properties)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${escapeProperty(String(value))}`)
    .join(',');
  return `::${level} ${list}::${escapeData(message)}`;
}

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
