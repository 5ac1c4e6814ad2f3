/**
 * Whether a Go file is generated (https://go.dev/s/generatedcode), as go/ast.IsGenerated reads it: among
 * the comments before the package clause, a line of a comment reads `// Code generated … DO NOT EDIT.`.
 * Such a file is its generator's output: an edit there is lost the next time the generator runs.
 *
 * Only the header is read, comment by comment, as the Go scanner sees them (carriage returns dropped), so a
 * multi-megabyte generated file costs no more than its first lines.
 */
const MARKER = /^\/\/ Code generated .* DO NOT EDIT\.$/;

export function isGeneratedGoFile(text: string): boolean {
  let at = 0;
  while (at < text.length) {
    if (/\s/.test(text[at])) {
      at++;
      continue;
    }
    if (text.startsWith('//', at)) {
      const newline = text.indexOf('\n', at);
      const end = newline < 0 ? text.length : newline;
      if (isMarker(text.slice(at, end))) return true;
      at = end;
      continue;
    }
    if (text.startsWith('/*', at)) {
      const close = text.indexOf('*/', at + 2);
      const end = close < 0 ? text.length : close + 2;
      // go/ast reads each line of a block comment as it stands: an indented marker there does not count.
      if (text.slice(at, end).split('\n').some(isMarker)) return true;
      at = end;
      continue;
    }
    return false; // the package clause: the header is over
  }
  return false;
}

function isMarker(line: string): boolean {
  return MARKER.test(line.replaceAll('\r', ''));
}
