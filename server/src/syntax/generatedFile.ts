/**
 * Whether a Go file is generated (https://go.dev/s/generatedcode): a line `// Code generated … DO NOT EDIT.`
 * in the comments before the package clause, as go/ast.IsGenerated reads it. Such a file is its
 * generator's output: an edit there is lost the next time the generator runs.
 */
const MARKER = /^\/\/ Code generated .* DO NOT EDIT\.$/;

export function isGeneratedGoFile(text: string): boolean {
  for (const line of text.split('\n')) {
    const trimmed = line.replace(/\r$/, '').trimStart();
    if (MARKER.test(trimmed)) return true;
    // The package clause ends the header; comments, blank lines and build constraints come before it.
    if (/^\s*package\s/.test(trimmed)) return false;
  }
  return false;
}
