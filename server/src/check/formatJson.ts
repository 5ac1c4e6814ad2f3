/**
 * `--format json`: the findings as an array, exactly as modelled in findings.ts. The same file is a baseline
 * for a later `check --baseline FILE`, so nothing here may depend on the machine but the relative paths.
 */
import type { Finding } from './findings';

export function formatJson(findings: readonly Finding[]): string {
  return `${JSON.stringify(findings, null, 2)}\n`;
}
