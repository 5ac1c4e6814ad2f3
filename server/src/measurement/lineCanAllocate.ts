/**
 * Whether a line of today's source can be the line a profile site names. Pure.
 *
 * A profile from older source finds its sites again by function and line offset (placeMeasurement.ts). A
 * line inserted or deleted inside the function above a site moves the offset onto another line, and the
 * profile cannot tell: it records only where each function starts. Two things a line must have to be the
 * site catch most such moves, without ever refusing a true site:
 *  - code: a blank line, a comment or a lone brace allocates nothing;
 *  - when the allocation happened inside another package's function, a call of that function by name.
 */
import type { CalleeFrame } from './attributeSamples';
import { packagePathOf, shortFunctionName } from './profilePaths';

export function lineCanAllocate(lineText: string, callees: readonly (readonly CalleeFrame[])[]): boolean {
  const code = lineText.replace(/\/\/.*$/, '').trim();
  if (code === '' || /^[{}()\s,;]*$/.test(code) || code.startsWith('/*')) return false;
  return callees.every((frames) => {
    const called = calledName(frames);
    return called === undefined || new RegExp(`\\b${called}\\s*[(\\[]`).test(code);
  });
}

/**
 * The name the site's line calls its callee by: the outermost frame below the site, unless it is the
 * runtime's (its helpers are not called by name) or a closure (called through a variable).
 */
function calledName(frames: readonly CalleeFrame[]): string | undefined {
  const outermost = frames[frames.length - 1];
  if (!outermost) return undefined;
  const packagePath = packagePathOf(outermost.functionName);
  if (/^(runtime|internal)(\/|$)/.test(packagePath)) return undefined;
  const name = shortFunctionName(outermost.functionName).split('.').pop() ?? '';
  return /^[A-Za-z_]\w*$/.test(name) && !/^func\d+$/.test(name) ? name : undefined;
}
