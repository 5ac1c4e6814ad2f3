/**
 * The output of `check`, written as the packages are analysed: a header, each package's findings in the
 * order of the package list, and a footer once all are done. Every format writes this way, so no format
 * needs all findings in memory at once; the summary keeps only its counts.
 */
import type { Finding } from './findings';

export const FORMATS = ['text', 'json', 'sarif', 'summary', 'github'] as const;
export type Format = (typeof FORMATS)[number];

export interface FindingWriter {
  begin(): string;
  /** One package's findings (possibly none), sorted as findings.ts sorts them; packages in list order. */
  package(importPath: string, findings: readonly Finding[]): string;
  end(): string;
}
