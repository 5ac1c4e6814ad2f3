/**
 * Splits a Go format string literal, as written in the source, into literal pieces and plain verbs
 * (`%s`, `%d`, `%v`, `%t`, `%q`, and `%x`, `%f`, `%g`, `%e`, which only an operand of known type can use).
 * Anything fmt would treat specially (flags, widths, precisions, argument indexes, other verbs) makes the
 * whole string unusable: the rewrites built on it must print exactly what fmt prints, and they can only
 * promise that for the plain verbs.
 */

export type PlainVerb = 's' | 'd' | 'v' | 't' | 'q' | 'x' | 'f' | 'g' | 'e';

export type FormatPart = { readonly kind: 'text'; readonly literal: string } | { readonly kind: 'verb'; readonly verb: PlainVerb };

/**
 * The parts of a string literal's source text (with its quotes), or why it cannot be split. Each text part
 * is a Go literal of the same kind (interpreted or raw) whose value is what fmt would print for it.
 */
export function splitFormatLiteral(source: string): readonly FormatPart[] | string {
  const quote = source[0];
  if ((quote !== '"' && quote !== '`') || source[source.length - 1] !== quote || source.length < 2)
    return 'the format is not a string literal';
  const body = source.slice(1, -1);
  // An escape that spells a % would be a verb fmt sees but the source does not show.
  if (quote === '"' && /\\(x25|045|u0025|U00000025)/i.test(body)) return 'the format spells % with an escape';
  const parts: FormatPart[] = [];
  let text = '';
  const flush = () => {
    if (text.length > 0) parts.push({ kind: 'text', literal: `${quote}${text}${quote}` });
    text = '';
  };
  for (let index = 0; index < body.length; index++) {
    const character = body[index];
    if (quote === '"' && character === '\\') {
      // Keep the escape as written; only its first character after the backslash matters for scanning.
      text += body.slice(index, index + 2);
      index++;
      continue;
    }
    if (character !== '%') {
      text += character;
      continue;
    }
    const verb = body[index + 1];
    if (verb === '%') {
      text += '%';
      index++;
    } else if (isPlainVerb(verb)) {
      flush();
      parts.push({ kind: 'verb', verb });
      index++;
    } else {
      return verb === undefined
        ? 'the format ends with %'
        : `the format uses %${verb}${/[a-zA-Z]/.test(verb) ? '' : '…'}, not a plain %s, %d, %v, %t, %q, %x, %f, %g or %e`;
    }
  }
  flush();
  return parts;
}

/** True when the literal's source text has no `%` at all: fmt prints it as it is. */
export function hasNoVerbs(source: string): boolean {
  return !source.includes('%') && !/\\(x25|045|u0025|U00000025)/i.test(source);
}

function isPlainVerb(verb: string | undefined): verb is PlainVerb {
  return verb !== undefined && 'sdvtqxfge'.includes(verb) && verb.length === 1;
}
