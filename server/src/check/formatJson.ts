/**
 * `--format json`: the findings as an array, exactly as modelled in findings.ts. The same file is a baseline
 * for a later `check --baseline FILE`, so nothing here may depend on the machine but the relative paths.
 *
 * Written a package at a time, byte for byte what `JSON.stringify(findings, null, 2)` would print.
 */
import type { FindingWriter } from './findingWriter';

export function jsonWriter(): FindingWriter {
  let empty = true;
  return {
    begin: () => '[',
    package: (_importPath, findings) =>
      findings
        .map((finding) => {
          const separator = empty ? '\n' : ',\n';
          empty = false;
          return separator + indentJson(finding, 2);
        })
        .join(''),
    end: () => (empty ? ']\n' : '\n]\n'),
  };
}

/** `value` as JSON.stringify(…, null, 2) prints it nested `depth` spaces deep. */
export function indentJson(value: unknown, depth: number): string {
  const pad = ' '.repeat(depth);
  return JSON.stringify(value, null, 2)
    .split('\n')
    .map((line) => pad + line)
    .join('\n');
}
