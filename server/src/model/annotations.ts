/**
 * Which of the compiler's optimisation details are shown, named like gopls's `annotations` setting.
 * Plain data: the settings, the CLI and the engine share it.
 *
 * - `escape`: heap allocations, moved variables and leaking parameters (the `-m=2` escape facts).
 * - `inline`: calls the compiler inlined, and its other good news: devirtualised calls, zero-copy
 *   string→[]byte conversions, ignored self-assignments.
 * - `bounds`: the bounds checks the compiler keeps (`-d=ssa/check_bce/debug=1`).
 * - `nil`: the nil checks the compiler keeps (`-d=nil`, the same facts as the `-json` log's `nilcheck`).
 */
export interface Annotations {
  readonly escape: boolean;
  readonly inline: boolean;
  readonly bounds: boolean;
  readonly nil: boolean;
}

export type AnnotationKind = keyof Annotations;

export const ANNOTATION_KINDS: readonly AnnotationKind[] = ['escape', 'inline', 'bounds', 'nil'];

/** Escapes only: what the extension has always shown. The other kinds are for tuning sessions. */
export const DEFAULT_ANNOTATIONS: Annotations = { escape: true, inline: false, bounds: false, nil: false };

/**
 * The compiler debug flags a set of annotations needs, beyond `-m=2`. A kind that is off adds nothing: its
 * lines are never printed, so they cost neither compile time nor parsing.
 */
export function annotationDebugFlags(annotations: Pick<Annotations, 'bounds' | 'nil'>): string[] {
  const debug: string[] = [];
  if (annotations.bounds) debug.push('ssa/check_bce/debug=1');
  if (annotations.nil) debug.push('nil');
  return debug.length === 0 ? [] : [`-d=${debug.join(',')}`];
}
