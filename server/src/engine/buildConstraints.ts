/**
 * Whether a Go file is part of the build under the current settings, by the go command's own rules (go/build:
 * `//go:build` lines, `_GOOS`/`_GOARCH` file name suffixes, names starting with `_` or `.`), and if it is
 * not, which GOOS, GOARCH or build tags would include it. A file left out of the build has no facts, and
 * without this the editor would say nothing, or "0 heap allocations".
 *
 * Pure: the context comes from the settings (GOOS/GOARCH/CGO_ENABLED in the environment, `-tags` in the
 * build flags) and the host.
 */
import type { GoSettings } from './goCommand';

export interface BuildContext {
  readonly goos: string;
  readonly goarch: string;
  readonly tags: readonly string[];
  readonly cgo: boolean;
}

export interface BuildExclusion {
  /** Why it is left out, e.g. `//go:build ignore` or `its name ends in _windows`. */
  readonly rule: string;
  /** The settings that would include it, e.g. `-tags=ignore` or `GOOS=windows`; undefined when none would. */
  readonly wouldInclude?: string;
  /** The current settings in a few words: `GOOS=linux, GOARCH=amd64, no build tags`. */
  readonly current: string;
}

const KNOWN_OS = [
  'aix',
  'android',
  'darwin',
  'dragonfly',
  'freebsd',
  'hurd',
  'illumos',
  'ios',
  'js',
  'linux',
  'nacl',
  'netbsd',
  'openbsd',
  'plan9',
  'solaris',
  'wasip1',
  'windows',
  'zos',
];
const KNOWN_ARCH = [
  '386',
  'amd64',
  'amd64p32',
  'arm',
  'armbe',
  'arm64',
  'arm64be',
  'loong64',
  'mips',
  'mipsle',
  'mips64',
  'mips64le',
  'mips64p32',
  'mips64p32le',
  'ppc',
  'ppc64',
  'ppc64le',
  'riscv',
  'riscv64',
  's390',
  's390x',
  'sparc',
  'sparc64',
  'wasm',
];
const UNIX_OS = ['aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'hurd', 'illumos', 'ios', 'linux', 'netbsd', 'openbsd', 'solaris'];

const HOST_OS: Partial<Record<NodeJS.Platform, string>> = {
  linux: 'linux',
  darwin: 'darwin',
  win32: 'windows',
  freebsd: 'freebsd',
  openbsd: 'openbsd',
  aix: 'aix',
  sunos: 'solaris',
  android: 'android',
};
const HOST_ARCH: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  ia32: '386',
  arm: 'arm',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loong64',
};

/** The build context the analysis runs with: the settings' environment over the editor's, else the host's. */
export function buildContext(settings: GoSettings, base: NodeJS.ProcessEnv = process.env): BuildContext {
  const env = { ...base, ...settings.env };
  const hostOs = HOST_OS[process.platform] ?? process.platform;
  const hostArch = HOST_ARCH[process.arch] ?? process.arch;
  const goos = env.GOOS || hostOs;
  const goarch = env.GOARCH || hostArch;
  // The go command enables cgo for native builds when a C compiler is there; cross builds have it off.
  const cgo = env.CGO_ENABLED ? env.CGO_ENABLED === '1' : goos === hostOs && goarch === hostArch;
  return { goos, goarch, tags: tagsOf(settings.buildFlags), cgo };
}

function tagsOf(buildFlags: readonly string[]): string[] {
  const tags: string[] = [];
  for (const [index, flag] of buildFlags.entries()) {
    const match = /^--?tags(?:=(.*))?$/.exec(flag);
    if (!match) continue;
    const value = match[1] ?? buildFlags[index + 1] ?? '';
    tags.push(...value.split(/[,\s]+/).filter(Boolean));
  }
  return tags;
}

/** Why `file` is left out of the build, or undefined when it is part of it. */
export function buildExclusion(fileName: string, text: string, context: BuildContext): BuildExclusion | undefined {
  const current = describeContext(context);
  if (fileName.startsWith('_') || fileName.startsWith('.')) {
    return { rule: 'the go command ignores files whose names start with _ or .', current };
  }
  const nameRule = fileNameConstraint(fileName);
  const expression = goBuildLine(text);
  const parsed = expression === undefined ? undefined : parseConstraint(expression);
  const satisfied = (candidate: BuildContext) =>
    (!nameRule || (matchesOs(nameRule.goos, candidate) && matchesArch(nameRule.goarch, candidate))) &&
    (!parsed || evaluate(parsed, candidate));
  if (satisfied(context)) return undefined;
  const rule = [
    ...(nameRule && !(matchesOs(nameRule.goos, context) && matchesArch(nameRule.goarch, context)) ? [nameRule.text] : []),
    ...(parsed && !evaluate(parsed, context) ? [`//go:build ${expression}`] : []),
  ].join(' and ');
  return { rule, wouldInclude: includingSettings(context, parsed, nameRule, satisfied), current };
}

function describeContext(context: BuildContext): string {
  const tags = context.tags.length > 0 ? `-tags=${context.tags.join(',')}` : 'no build tags';
  return `GOOS=${context.goos}, GOARCH=${context.goarch}, ${tags}${context.cgo ? '' : ', CGO_ENABLED=0'}`;
}

interface NameRule {
  readonly goos?: string;
  readonly goarch?: string;
  readonly text: string;
}

/** `x_windows.go`, `x_arm64.go`, `x_linux_amd64_test.go`: go/build's goodOSArchFile. */
function fileNameConstraint(fileName: string): NameRule | undefined {
  const stem = fileName.replace(/\.go$/, '').replace(/_test$/, '');
  const parts = stem.split('_').slice(1);
  const [last, previous] = [parts.at(-1), parts.at(-2)];
  if (last && previous && KNOWN_OS.includes(previous) && KNOWN_ARCH.includes(last)) {
    return { goos: previous, goarch: last, text: `its name ends in _${previous}_${last}` };
  }
  if (last && KNOWN_OS.includes(last)) return { goos: last, text: `its name ends in _${last}` };
  if (last && KNOWN_ARCH.includes(last)) return { goarch: last, text: `its name ends in _${last}` };
  return undefined;
}

function matchesOs(goos: string | undefined, context: BuildContext): boolean {
  if (!goos) return true;
  return (
    context.goos === goos ||
    (goos === 'linux' && context.goos === 'android') ||
    (goos === 'solaris' && context.goos === 'illumos') ||
    (goos === 'darwin' && context.goos === 'ios')
  );
}

function matchesArch(goarch: string | undefined, context: BuildContext): boolean {
  return !goarch || context.goarch === goarch;
}

/** The expression of the `//go:build` line in the file's header (before the package clause), if any. */
export function goBuildLine(text: string): string | undefined {
  for (const line of text.replace(/^\uFEFF/, '').split('\n')) {
    const trimmed = line.trim();
    const match = /^\/\/go:build\s+(.*)$/.exec(trimmed);
    if (match) return match[1].trim();
    if (trimmed === '' || trimmed.startsWith('//')) continue;
    // A block comment or anything else ends the header: the package clause comes next.
    return undefined;
  }
  return undefined;
}

type Constraint =
  | { readonly kind: 'tag'; readonly name: string }
  | { readonly kind: 'not'; readonly operand: Constraint }
  | { readonly kind: 'and' | 'or'; readonly left: Constraint; readonly right: Constraint };

/** go/build/constraint's grammar: `||` below `&&` below `!`, parentheses, tags of letters, digits, `_` and `.`. */
export function parseConstraint(expression: string): Constraint | undefined {
  const tokens = expression.match(/\|\||&&|!|\(|\)|[\p{L}\p{N}_.]+|\S/gu) ?? [];
  let position = 0;
  const peek = () => tokens[position];
  const or = (): Constraint | undefined => {
    let left = and();
    while (left && peek() === '||') {
      position++;
      const right = and();
      if (!right) return undefined;
      left = { kind: 'or', left, right };
    }
    return left;
  };
  const and = (): Constraint | undefined => {
    let left = not();
    while (left && peek() === '&&') {
      position++;
      const right = not();
      if (!right) return undefined;
      left = { kind: 'and', left, right };
    }
    return left;
  };
  const not = (): Constraint | undefined => {
    if (peek() === '!') {
      position++;
      const operand = not();
      return operand && { kind: 'not', operand };
    }
    if (peek() === '(') {
      position++;
      const inner = or();
      if (peek() !== ')') return undefined;
      position++;
      return inner;
    }
    const name = tokens[position++];
    return name && /^[\p{L}\p{N}_.]+$/u.test(name) ? { kind: 'tag', name } : undefined;
  };
  const parsed = or();
  return parsed && position === tokens.length ? parsed : undefined;
}

function evaluate(constraint: Constraint, context: BuildContext): boolean {
  switch (constraint.kind) {
    case 'tag':
      return hasTag(constraint.name, context);
    case 'not':
      return !evaluate(constraint.operand, context);
    case 'and':
      return evaluate(constraint.left, context) && evaluate(constraint.right, context);
    case 'or':
      return evaluate(constraint.left, context) || evaluate(constraint.right, context);
  }
}

function hasTag(name: string, context: BuildContext): boolean {
  if (KNOWN_OS.includes(name)) return matchesOs(name, context);
  if (KNOWN_ARCH.includes(name)) return context.goarch === name;
  if (name === 'unix') return UNIX_OS.includes(context.goos);
  if (name === 'cgo') return context.cgo;
  if (name === 'gc') return true;
  if (name === 'gccgo') return false;
  // Release tags go1.1 … go1.N: this code base needs a recent Go, so every go1.x tag is taken as met.
  if (/^go1\.\d+$/.test(name)) return true;
  return context.tags.includes(name);
}

function tagsIn(constraint: Constraint | undefined): string[] {
  if (!constraint) return [];
  switch (constraint.kind) {
    case 'tag':
      return [constraint.name];
    case 'not':
      return tagsIn(constraint.operand);
    default:
      return [...tagsIn(constraint.left), ...tagsIn(constraint.right)];
  }
}

/** The fewest changes to GOOS, GOARCH, CGO_ENABLED and the tags that include the file. */
function includingSettings(
  context: BuildContext,
  constraint: Constraint | undefined,
  nameRule: NameRule | undefined,
  satisfied: (candidate: BuildContext) => boolean,
): string | undefined {
  const names = [...new Set(tagsIn(constraint))];
  const osChoices = [
    context.goos,
    ...new Set([nameRule?.goos, ...names.filter((name) => KNOWN_OS.includes(name)), ...(names.includes('unix') ? ['linux'] : [])]),
  ].filter((value): value is string => value !== undefined);
  const archChoices = [context.goarch, ...new Set([nameRule?.goarch, ...names.filter((name) => KNOWN_ARCH.includes(name))])].filter(
    (value): value is string => value !== undefined,
  );
  const tagChoices = names
    .filter((name) => !KNOWN_OS.includes(name) && !KNOWN_ARCH.includes(name) && !['unix', 'cgo', 'gc', 'gccgo'].includes(name))
    .filter((name) => !/^go1\.\d+$/.test(name) && !context.tags.includes(name))
    .slice(0, 8);
  const candidates: { context: BuildContext; changes: string[] }[] = [];
  for (const goos of new Set(osChoices)) {
    for (const goarch of new Set(archChoices)) {
      for (const cgo of [context.cgo, !context.cgo]) {
        for (let mask = 0; mask < 1 << tagChoices.length; mask++) {
          const added = tagChoices.filter((_, index) => mask & (1 << index));
          const changes = [
            ...(goos !== context.goos ? [`GOOS=${goos}`] : []),
            ...(goarch !== context.goarch ? [`GOARCH=${goarch}`] : []),
            ...(cgo !== context.cgo ? [`CGO_ENABLED=${cgo ? 1 : 0}`] : []),
            ...(added.length > 0 ? [`-tags=${[...context.tags, ...added].join(',')}`] : []),
          ];
          candidates.push({ context: { goos, goarch, cgo, tags: [...context.tags, ...added] }, changes });
        }
      }
    }
  }
  const weight = (changes: string[]) =>
    changes.reduce((sum, change) => sum + (change.startsWith('-tags=') ? change.split(',').length : 1), 0);
  candidates.sort((a, b) => weight(a.changes) - weight(b.changes));
  const including = candidates.find((candidate) => candidate.changes.length > 0 && satisfied(candidate.context));
  return including?.changes.join(', ');
}

/** One line for the status bar and the log. */
export function describeExclusion(fileName: string, exclusion: BuildExclusion): string {
  const include = exclusion.wouldInclude
    ? `It would be included with ${exclusion.wouldInclude}.`
    : 'No GOOS, GOARCH or build tags would include it.';
  return `${fileName} is not part of the build under the current settings (${exclusion.current}): ${exclusion.rule}. ${include}`;
}
