/**
 * The compiler's optimisation details beyond escapes, as fact kinds (plain data).
 *
 * The compiler's prover removes an index check when it can show the index is in range (a `range` loop, an
 * earlier `_ = s[n-1]`, a `len` test it understands): every bounds check it prints is one that stays. A nil
 * check that a load's hardware fault makes redundant is removed too ("removed nil check"); a "generated nil
 * check" is an explicit test in the machine code, and is the only nil check reported.
 */
export type CheckFactKind =
  | 'indexCheck' // "Found IsInBounds": s[i] compares i with len(s)
  | 'sliceCheck' // "Found IsSliceInBounds": s[i:j] compares i and j with cap(s) and with each other
  | 'nilCheck'; // "generated nil check": an explicit test that a pointer is not nil

/** What the compiler says about an optimisation that went well, beyond inlining a call. */
export type GoodNewsKind =
  | 'devirtualized' // "devirtualizing x.M to *T": an interface call made a direct call
  | 'zeroCopy' // "zero-copy string->[]byte conversion": no copy is made
  | 'selfAssignment'; // "ignoring self-assignment in x = x[:n]": nothing is stored

export const BOUNDS_CHECK_KINDS: readonly CheckFactKind[] = ['indexCheck', 'sliceCheck'];
export const GOOD_NEWS_KINDS: readonly GoodNewsKind[] = ['devirtualized', 'zeroCopy', 'selfAssignment'];

export function isBoundsCheckKind(kind: string): kind is 'indexCheck' | 'sliceCheck' {
  return kind === 'indexCheck' || kind === 'sliceCheck';
}

export function isGoodNewsKind(kind: string): kind is GoodNewsKind {
  return kind === 'devirtualized' || kind === 'zeroCopy' || kind === 'selfAssignment';
}
