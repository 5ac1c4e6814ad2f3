/**
 * The hover on the package clause of a file that its package's build leaves out (`//go:build ignore`,
 * another GOOS): without it such a file shows nothing at all and says nothing about why.
 */
import type { Hover, Position } from 'vscode-languageserver';
import type { BuildExclusion } from '../engine/buildConstraints';

/** The 0-based line of the package clause, skipping the comments and the blank lines above it. */
export function packageClauseLine(text: string): number | undefined {
  let inBlockComment = false;
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  for (const [index, line] of lines.entries()) {
    let rest = line.trim();
    if (inBlockComment) {
      const end = rest.indexOf('*/');
      if (end < 0) continue;
      inBlockComment = false;
      rest = rest.slice(end + 2).trim();
    }
    if (rest.startsWith('/*') && !rest.includes('*/')) {
      inBlockComment = true;
      continue;
    }
    if (rest === '' || rest.startsWith('//') || /^\/\*.*\*\/$/.test(rest)) continue;
    return /^package\s/.test(rest) ? index : undefined;
  }
  return undefined;
}

export function notInBuildHover(text: string, position: Position, exclusion: BuildExclusion | undefined): Hover | null {
  if (!exclusion || packageClauseLine(text) !== position.line) return null;
  const include = exclusion.wouldInclude
    ? `It would be included with \`${exclusion.wouldInclude}\` (\`goEscapeLens.env\` for GOOS, GOARCH and CGO_ENABLED, \`goEscapeLens.buildFlags\` or \`go.buildTags\` for tags).`
    : 'No GOOS, GOARCH or build tags would include it.';
  return {
    contents: {
      kind: 'markdown',
      value: `**Not part of the build** under the current settings (${exclusion.current}): ${exclusion.rule.replace(/\/\/go:build .*/, (line) => `\`${line}\``)}, so the compiler says nothing about this file.\n\n${include}`,
    },
  };
}
