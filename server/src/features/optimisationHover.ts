/**
 * The hover on a bounds check, a nil check, an inlined call or one of the compiler's good-news facts: why
 * the check is there, what usually removes it, and how many checks of its kind the function keeps.
 * Pure: (fact, the file's facts and functions) => Markdown.
 */
import type { EscapeFact } from '../model/facts';
import type { Annotations } from '../model/annotations';
import { isBoundsCheckKind } from '../model/checks';
import type { FunctionDeclaration } from '../syntax/declarations';
import type { LocatedFact } from '../model/analysis';
import type { SourceText } from '../model/positions';
import { rangeText } from './diagnostics';
import { code } from './explanation';
import { verifiedFixesText } from './fixAdvice';
import { contains, plural } from './functionSummary';
import { isShownOptimisation } from './optimisationDiagnostics';

export function isHoverableOptimisation(fact: EscapeFact, annotations: Annotations | undefined): boolean {
  return annotations !== undefined && isShownOptimisation(fact, annotations);
}

/**
 * The hover's paragraphs for one optimisation fact. `fixes` are the titles of the compiler-verified fixes
 * offered for a bounds check (the hoist): the hover names them, with what the compiler measured.
 */
export function optimisationHoverParts(
  located: LocatedFact,
  fileFacts: readonly LocatedFact[],
  functions: readonly FunctionDeclaration[],
  source: SourceText,
  fixes: readonly string[] = [],
): string[] {
  const { fact } = located;
  const text = code(rangeText(source, located.range));
  const owner = functions.find((declaration) => contains(declaration.range, located.range.start));
  const sameKind = (item: LocatedFact) => (isBoundsCheckKind(fact.kind) ? isBoundsCheckKind(item.fact.kind) : item.fact.kind === fact.kind);
  const kept = owner ? fileFacts.filter((item) => sameKind(item) && contains(owner.range, item.range.start)).length : 0;
  const inOwner = owner ? ` in ${code(owner.compilerName)}` : '';
  if (located.nodeType === 'call_expression' && isBoundsCheckKind(fact.kind)) {
    return [
      `**Bounds check inside the inlined call** ${text}`,
      "The compiler inlined this call, and a bounds check of the callee's body stays in this copy of it: the compiler reports it at the call. The callee shows which expression it is; what the caller knows about the arguments (a length tested before the call) can let the prover remove it here.",
      `**Checks kept${inOwner}:** ${plural(kept, 'bounds check')}.`,
      ...quickFix(fixes),
      BOUNDS_ADVICE,
    ];
  }
  switch (fact.kind) {
    case 'indexCheck':
      return [
        `**Bounds check** on ${text}`,
        `At run time the program compares the index with the length before it reads or writes, and panics ("index out of range") when it is outside. The compiler's prover could not show that the index is always in range here, so the check stays: a compare and a branch on every execution.`,
        `**Checks kept${inOwner}:** ${plural(kept, 'bounds check')}.`,
        ...quickFix(fixes),
        BOUNDS_ADVICE,
      ];
    case 'sliceCheck':
      return [
        `**Bounds check** on the slice expression ${text}`,
        `At run time the program checks that the slice bounds are in order and within the capacity, and panics ("slice bounds out of range") when they are not. The compiler's prover could not show they always are.`,
        `**Checks kept${inOwner}:** ${plural(kept, 'bounds check')}.`,
        ...quickFix(fixes),
        BOUNDS_ADVICE,
      ];
    case 'nilCheck':
      return [
        `**Nil check** on ${text}`,
        `The program tests the pointer against nil before using it, because nothing here faults on nil by itself: taking the address of a field (\`&p.f\`), slicing a pointer to an array or calling a method through an interface loads nothing through it first. A plain load through the pointer would fault on nil instead, and costs no check.`,
        `**Nil checks kept${inOwner}:** ${plural(kept, 'nil check')}.`,
        `**What usually removes it:** using the pointer once before (the compiler then knows it is not nil), or passing the value instead of its address. A nil check is one compare and a branch that is never taken: it matters only in the hottest loops.`,
      ];
    case 'inlinedCall':
      return [
        `**Inlined call to ${code(fact.expression)}**`,
        "The compiler copied the body of the function here: no call overhead, and the caller optimises across it (what the callee allocates can stay on the caller's stack).",
      ];
    case 'devirtualized':
      return [
        `**Devirtualized:** ${code(fact.expression)}`,
        'The compiler knows the concrete type behind the interface here, so it calls the method directly (and can inline it) instead of going through the interface table.',
      ];
    case 'zeroCopy':
      return [
        `**Zero-copy conversion:** ${text}`,
        "The compiler proved the bytes are never written or kept, so the conversion shares the string's memory instead of allocating a copy.",
      ];
    case 'selfAssignment':
      return [
        `**Self-assignment ignored:** ${code(fact.expression)}`,
        'Assigning a field a re-slice of itself changes only its length, so the compiler stores no pointer: no write barrier, and nothing escapes through it.',
      ];
    default:
      return [code(fact.compilerText[fact.compilerText.length - 1] ?? fact.expression)];
  }
}

/** Names the verified fixes, as an allocation's hover does; nothing when none is offered (yet). */
function quickFix(fixes: readonly string[]): string[] {
  return fixes.length === 0 ? [] : [verifiedFixesText(fixes)];
}

const BOUNDS_ADVICE = [
  '**What usually removes it:**',
  '- a `range` loop (`for i, v := range s`) instead of an index loop: the prover knows `i < len(s)`;',
  '- re-slicing once before the loop (`t = t[:len(s)]`), so one check covers every `t[i]` with `i < len(s)`;',
  '- an early `_ = s[n-1]` (as encoding/binary writes `_ = b[3]`): one check for the largest constant index, none for the smaller ones;',
  '- a `len` test the prover understands, before the index: `if i < len(s)` with `i` known not to be negative (an unsigned `i`, or `0 <= i`).',
].join('\n');
