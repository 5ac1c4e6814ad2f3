/**
 * Collects the fixes that could remove a heap allocation in one package, from the compiler's facts and the
 * syntax trees of the package's files. Candidates are only proposals: each is compiled before it is shown
 * (verifyFix.ts), and what the compiler measured decides how, and whether, it is offered (codeActions.ts).
 *
 * Three passes over the files, because a fix in one file may need edits in another (a function's callers):
 * 0. package context: types, fields, methods and imports;
 * 1. per-file analyses: declarations that may return by value, pointer methods, captured variables;
 * 2. call sites and method values of what pass 1 found, in every file.
 * Each pass parses inside `withGoTree`, so no tree outlives its pass; only plain data crosses passes.
 */
import * as path from 'node:path';
import { type EscapeFact, isHeapFact } from '../model/facts';
import type { PackageOperandTypes } from '../model/operandTypes';
import { typeLayout } from '../features/typeSize';
import { mergeDeclarations, packageDeclarations, type PackageDeclarations } from '../syntax/declarations';
import { withGoTree } from '../syntax/goParser';
import { isGeneratedGoFile } from '../syntax/generatedFile';
import type { Node } from 'web-tree-sitter';
import { nodeRange } from '../syntax/locateFact';
import { compilerToLspPosition } from '../syntax/positions';
import type { LspPosition, SourceText } from '../model/positions';
import { analyseCaptures, type CaptureContext } from './captureByValue';
import { errorsAsTypeRewrites } from './errorsAsType';
import { errorsNewHoists, isErrorsNewAllocation } from './hoistErrorsNew';
import { formatCallRewrites } from './formatCalls';
import { typedCallsByStart } from './typedCalls';
import { descendants, freshName, importNamesOf, importsOf, packageNameOf, structFieldsByType, type UseContext } from './goTree';
import { type ReturnDeclaration, returnByValueCallSites, returnDeclarations, type ReturnTarget } from './returnByValue';
import { boundsHoists } from './hoistBoundsCheck';
import { preallocateSliceRewrites } from './preallocateSlice';
import { stringsBuilderRewrites } from './stringsBuilder';
import { addEdits, editsOverlap } from './textEdits';
import { countBoundsChecks } from './verifyFix';
import type { TextEdit } from '../model/fixes';
import {
  analyseReceiverBodies,
  DYNAMICALLY_FOUND_METHODS,
  type MethodHeader,
  methodHeaders,
  type ReceiverBodyAnalysis,
} from './valueReceiver';
import type { FixCandidate, FixName } from '../model/fixes';

/** A fix considered and not proposed, with the reason, for logs and tests. */
export interface RefusedFix {
  readonly fix: FixName;
  readonly subject: string;
  readonly file: string;
  readonly reason: string;
}

export interface FixInput {
  readonly directory: string;
  /** Every Go file of the package, as compiled. */
  readonly files: ReadonlyMap<string, SourceText>;
  /** The package's facts from a successful analysis. */
  readonly facts: readonly EscapeFact[];
  /** The module's `go` directive, e.g. "1.22"; decides whether `new(expr)` (Go 1.26) may be written. */
  readonly languageVersion?: string;
  /** The package's import path, to find its functions in external test files (`package p_test`). */
  readonly importPath?: string;
  readonly valueReceiverMaxBytes: number;
  /**
   * go/types' answer for the package's non-test files as given in `files`: the fmt rewrites take operand
   * types from it. Without it (or where it is unavailable) they use the declarations alone.
   */
  readonly operandTypes?: PackageOperandTypes;
}

export interface FixProposals {
  readonly candidates: readonly FixCandidate[];
  readonly refused: readonly RefusedFix[];
}

interface FileContext {
  readonly file: string;
  readonly source: SourceText;
  readonly packageName: string;
  readonly imports: ReadonlyMap<string, string>;
}

interface PackageContext {
  readonly files: readonly FileContext[];
  /** Each package function's parameters, in order, where their names are (undefined for `_`, unnamed, variadic). */
  readonly parameters: ReadonlyMap<string, { readonly file: string; readonly positions: readonly (LspPosition | undefined)[] }>;
  readonly declarations: PackageDeclarations;
  readonly fieldsByType: ReadonlyMap<string, ReadonlySet<string>>;
  readonly methods: readonly MethodHeader[];
  readonly useContext: UseContext;
  /** The package's own name (not the `_test` one). */
  readonly packageName: string;
}

export async function collectFixCandidates(input: FixInput): Promise<FixProposals> {
  const context = await packageContext(input);
  const typedCalls = typedCallsByStart(input.operandTypes, input.files);
  const candidates: FixCandidate[] = [];
  const refused: RefusedFix[] = [];

  // Pass 1.
  const variableNames = packageNames(input.files);
  const returns: ReturnDeclaration[] = [];
  const receivers: ReceiverBodyAnalysis[] = [];
  for (const file of context.files) {
    const factsHere = input.facts.filter((fact) => fact.position.file === file.file);
    await withGoTree(file.source.text, (tree) => {
      if (file.packageName === context.packageName) {
        returns.push(...returnDeclarations(tree.rootNode, file.file, context.useContext));
        receivers.push(...analyseReceiverBodies(tree.rootNode, file.file, file.imports, context.useContext));
      }
      const formatted = formatCallRewrites(tree.rootNode, file.source, file.imports, typedCalls.get(file.file));
      for (const refusal of formatted.refused) refused.push({ ...refusal, file: file.file });
      for (const rewrite of formatted.rewrites) {
        candidates.push({
          fix: rewrite.fix,
          id: `${rewrite.fix}:${path.basename(file.file)}:${rewrite.line + 1}:${rewrite.character + 1}`,
          title: rewrite.title,
          notes: [],
          file: file.file,
          triggerRanges: [rewrite.triggerRange],
          edits: new Map([[file.file, rewrite.edits]]),
          externalCallersUnseen: false,
          worthWithoutGain: rewrite.worthWithoutGain,
          imports: { file: file.file, change: rewrite.importChange, expressionEdits: rewrite.expressionEdits },
        });
      }
      const asTypes = errorsAsTypeRewrites(tree.rootNode, file.source, file.imports, {
        canUseAsType: atLeastGo(input.languageVersion, 26),
        languageVersion: input.languageVersion,
        // An external test file (`package p_test`) may declare its own type of a package type's name.
        declaredKind: (name) => (file.packageName === context.packageName ? context.declarations.types.get(name)?.shape.kind : undefined),
      });
      for (const refusal of asTypes.refused) refused.push({ fix: 'errorsAsType', ...refusal, file: file.file });
      for (const rewrite of asTypes.rewrites) {
        candidates.push({
          fix: 'errorsAsType',
          id: `errorsAsType:${path.basename(file.file)}:${rewrite.line + 1}:${rewrite.variable}`,
          title: 'Use errors.AsType instead of errors.As',
          notes: [],
          file: file.file,
          triggerRanges: rewrite.triggerRanges,
          edits: new Map([[file.file, rewrite.edits]]),
          externalCallersUnseen: false,
          worthWithoutGain: false,
        });
      }
      const allocations = factsHere
        .filter((fact) => isHeapFact(fact) && isErrorsNewAllocation(fact.expression))
        .flatMap((fact) => compilerToLspPosition(file.source, fact.position.line, fact.position.byteColumn) ?? []);
      const hoisted = errorsNewHoists(tree.rootNode, file.source, file.imports, allocations, variableNames);
      for (const refusal of hoisted.refused) refused.push({ fix: 'hoistErrorsNew', ...refusal, file: file.file });
      for (const hoist of hoisted.hoists) {
        candidates.push({
          fix: 'hoistErrorsNew',
          id: `hoistErrorsNew:${path.basename(file.file)}:${hoist.line + 1}:${hoist.character + 1}`,
          title: `Create the error once, in a package variable ${hoist.variable}`,
          notes: ['every call returns the same error value'],
          file: file.file,
          triggerRanges: [hoist.triggerRange],
          edits: new Map([[file.file, hoist.edits]]),
          externalCallersUnseen: false,
          worthWithoutGain: false,
          // No import changes; given so that `fix` verifies many of them with one compile, like the fmt rewrites.
          imports: { file: file.file, change: { add: [], remove: [] }, expressionEdits: hoist.edits },
        });
      }
      const loops = [
        preallocateSliceRewrites(tree.rootNode, file.source, { canUseSlicesPackage: atLeastGo(input.languageVersion, 21) }),
        stringsBuilderRewrites(tree.rootNode, file.source),
      ];
      for (const { rewrites, refused: loopRefusals } of loops) {
        for (const refusal of loopRefusals) refused.push({ ...refusal, file: file.file });
        for (const rewrite of rewrites) {
          candidates.push({
            fix: rewrite.fix,
            id: `${rewrite.fix}:${path.basename(file.file)}:${rewrite.lines.from}:${rewrite.variable}`,
            title: rewrite.title,
            notes: [],
            file: file.file,
            triggerRanges: rewrite.triggerRanges,
            edits: new Map([[file.file, rewrite.edits]]),
            externalCallersUnseen: false,
            worthWithoutGain: true,
            runtimeOnly: { lines: rewrite.lines },
          });
        }
      }
      for (const hoist of boundsHoists(tree, file.source, factsHere)) {
        const { from, to } = hoist.functionLines;
        const before = countBoundsChecks(factsHere, { file: file.file, fromLine: from, toLine: to });
        candidates.push({
          fix: 'hoistBoundsCheck',
          id: `hoistBoundsCheck:${path.basename(file.file)}:${hoist.insertAt.line + 1}:${hoist.slice}`,
          title: `Check ${hoist.slice}'s bounds once`,
          notes: [],
          file: file.file,
          triggerRanges: hoist.triggerRanges,
          edits: new Map([[file.file, [{ range: { start: hoist.insertAt, end: hoist.insertAt }, newText: hoist.newText }]]]),
          externalCallersUnseen: false,
          worthWithoutGain: false,
          boundsChecks: { file: file.file, fromLine: from, toLine: to + hoist.insertedLines, before },
        });
      }
      for (const capture of analyseCaptures(tree.rootNode, file.source, factsHere, captureContext(context, input))) {
        if (capture.refusal) refused.push({ fix: 'captureByValue', subject: capture.variable, file: file.file, reason: capture.refusal });
        else {
          candidates.push({
            fix: 'captureByValue',
            id: `captureByValue:${capture.variable}:${capture.fact.position.line}:${capture.fact.position.byteColumn}`,
            title: `Copy ${capture.variable} before the closure so it is captured by value`,
            notes: [],
            file: file.file,
            triggerRanges: capture.triggerRanges,
            edits: new Map([[file.file, capture.edits]]),
            externalCallersUnseen: false,
            worthWithoutGain: false,
          });
        }
      }
    });
  }

  // Pass 2.
  const targets = returns.filter((declaration) => !declaration.refusal).map((declaration) => returnTarget(declaration, context));
  const callSites = new Map<string, Map<string, { edits: readonly TextEdit[]; refusal?: string }>>();
  const methodValues = new Set<string>();
  for (const file of context.files) {
    await withGoTree(file.source.text, (tree) => {
      for (const selector of descendants(tree.rootNode, (node) => node.type === 'selector_expression')) {
        const called = selector.parent?.type === 'call_expression' && selector.parent.childForFieldName('function')?.id === selector.id;
        if (!called) methodValues.add(selector.childForFieldName('field')?.text ?? '');
      }
      const external = file.packageName !== context.packageName && file.packageName === `${context.packageName}_test`;
      const externalPackageName = external ? externalName(file, input.importPath) : undefined;
      for (const target of targets) {
        const result = returnByValueCallSites(tree.rootNode, target, {
          file: file.file,
          source: file.source,
          canUseNewExpression: allowsNewExpression(input.languageVersion),
          ...(external ? { externalPackageName } : {}),
          useContext: context.useContext,
        });
        const perFile = callSites.get(target.name) ?? new Map();
        perFile.set(file.file, result);
        callSites.set(target.name, perFile);
      }
    });
  }

  for (const declaration of returns) {
    const outcome = combineReturnByValue(declaration, callSites.get(declaration.name), context, input);
    if ('reason' in outcome) refused.push(outcome);
    else candidates.push(outcome);
  }
  for (const analysis of receivers) {
    const outcome = combineValueReceiver(analysis, methodValues, context, input);
    if ('reason' in outcome) refused.push(outcome);
    else candidates.push(outcome);
  }
  return withoutGeneratedFiles({ candidates, refused }, input.files);
}

/**
 * A fix that would edit a generated file (`// Code generated … DO NOT EDIT.`) is refused, with the file
 * named: the next `go generate` would undo it, and a Go developer does not expect a linter's fix there. The
 * file's heap allocations are still reported; its generator is where they are fixed.
 */
function withoutGeneratedFiles(proposals: FixProposals, files: ReadonlyMap<string, SourceText>): FixProposals {
  const generated = new Set([...files].filter(([, source]) => isGeneratedGoFile(source.text)).map(([file]) => file));
  if (generated.size === 0) return proposals;
  const refused = [...proposals.refused];
  const candidates = proposals.candidates.filter((candidate) => {
    const file = [...candidate.edits.keys()].find((edited) => generated.has(edited));
    if (file === undefined) return true;
    refused.push({
      fix: candidate.fix,
      subject: candidate.id,
      file: candidate.file,
      reason: `${path.basename(file)} is generated (Code generated … DO NOT EDIT.): the next go generate would undo the edit`,
    });
    return false;
  });
  return { candidates, refused };
}

/**
 * The names a new package variable may not take: any spelled in the package's files (test files too), so it
 * shadows nothing and nothing shadows it, and those given to earlier candidates, which may be applied together.
 */
function packageNames(files: ReadonlyMap<string, SourceText>): { isTaken: (name: string) => boolean; take: (name: string) => void } {
  const given = new Set<string>();
  const texts = [...files.values()].map((source) => source.text);
  return {
    isTaken: (name) => given.has(name) || freshName(name, texts) !== name,
    take: (name) => given.add(name),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Pass 0.

async function packageContext(input: FixInput): Promise<PackageContext> {
  const perFile: {
    context: FileContext;
    declarations: PackageDeclarations;
    fields: Map<string, Set<string>>;
    methods: MethodHeader[];
    parameters: Map<string, (LspPosition | undefined)[]>;
  }[] = [];
  for (const [file, source] of [...input.files].sort(([a], [b]) => a.localeCompare(b))) {
    await withGoTree(source.text, (tree) => {
      const root = tree.rootNode;
      perFile.push({
        context: { file, source, packageName: packageNameOf(root) ?? '', imports: importsOf(root) },
        declarations: packageDeclarations(tree),
        fields: structFieldsByType(root),
        methods: methodHeaders(root, file),
        parameters: functionParameters(root),
      });
    });
  }
  const packageName =
    perFile.find((item) => !item.context.packageName.endsWith('_test'))?.context.packageName ?? perFile[0]?.context.packageName ?? '';
  // An external test file (`package p_test`) is another package: its declarations are not the package's.
  const own = perFile.filter((item) => item.context.packageName === packageName);
  const fieldsByType = new Map(own.flatMap((item) => [...item.fields]));
  const parameters = new Map(
    own.flatMap((item) => [...item.parameters].map(([name, positions]) => [name, { file: item.context.file, positions }] as const)),
  );
  const fieldNames = new Set(perFile.flatMap((item) => [...item.fields.values()].flatMap((fields) => [...fields])));
  return {
    files: perFile.map((item) => item.context),
    parameters,
    declarations: mergeDeclarations(own.map((item) => item.declarations)),
    fieldsByType,
    methods: own.flatMap((item) => item.methods),
    useContext: { fieldNames },
    packageName,
  };
}

function externalName(file: FileContext, importPath: string | undefined): string | null {
  return importPath ? (importNamesOf(file.imports, importPath)[0] ?? null) : null;
}

/** `new(expression)` arrived in Go 1.26. */
export function allowsNewExpression(languageVersion: string | undefined): boolean {
  return atLeastGo(languageVersion, 26);
}

/** True when a `go` directive like "1.22" or "1.26.1" is at least 1.`minor`; false when there is none. */
function atLeastGo(languageVersion: string | undefined, minor: number): boolean {
  const match = /^(\d+)\.(\d+)/.exec(languageVersion ?? '');
  return match !== null && (Number(match[1]) > 1 || Number(match[2]) >= minor);
}

// ---------------------------------------------------------------------------------------------------------
// Combining: return by value.

function returnTarget(declaration: ReturnDeclaration, context: PackageContext): ReturnTarget {
  const ofType = context.methods.filter((method) => method.typeName === declaration.typeName);
  return {
    name: declaration.name,
    typeName: declaration.typeName,
    valueMethods: new Set(ofType.filter((method) => !method.pointerReceiver).map((method) => method.name)),
    fields: context.fieldsByType.get(declaration.typeName) ?? new Set(),
  };
}

function combineReturnByValue(
  declaration: ReturnDeclaration,
  sites: ReadonlyMap<string, { edits: readonly TextEdit[]; refusal?: string }> | undefined,
  context: PackageContext,
  input: FixInput,
): FixCandidate | RefusedFix {
  const refuse = (reason: string): RefusedFix => ({ fix: 'returnByValue', subject: declaration.name, file: declaration.file, reason });
  if (declaration.refusal) return refuse(declaration.refusal);
  for (const method of declaration.methodsCalledOnLocal) {
    if (!receiverStaysLocal(declaration.typeName, method, context, input)) {
      return refuse(
        `the returned local's method ${method} may keep its address (the compiler does not say its receiver does not escape or leaks only its content)`,
      );
    }
  }
  const edits = new Map<string, TextEdit[]>();
  addEdits(edits, declaration.file, declaration.edits);
  for (const [file, site] of sites ?? []) {
    if (site.refusal) return refuse(site.refusal);
    addEdits(edits, file, site.edits);
  }
  if ([...edits.values()].some(editsOverlap)) return refuse('the edits at its call sites overlap');
  const external = declaration.exported && context.packageName !== 'main';
  const inlined = inlinedAtItsCalls(declaration, input);
  return {
    fix: 'returnByValue',
    id: `returnByValue:${declaration.name}`,
    title: `Return ${declaration.typeText} by value`,
    notes: [],
    file: declaration.file,
    triggerRanges: declaration.triggerRanges,
    edits,
    externalCallersUnseen: external,
    // A copy of a pointer local is only right when the compiler shows the allocation no longer escapes
    // (mustNotEscape); offered without a gain when there is none to show, as for an inlined function.
    worthWithoutGain: declaration.mustNotEscape.length === 0 || inlined,
    ...(declaration.mustNotEscape.length > 0 ? { mustNotEscape: declaration.mustNotEscape } : {}),
    ...(inlined ? { noGainAtRunTime: `the compiler inlines ${declaration.name} into its callers` } : {}),
  };
}

/**
 * The compiler says it can inline the function ("can inline newPoint", at its name): its calls are replaced
 * by its body, and escape analysis decides in each caller whether the object stays on the stack, exactly as
 * it decides for the value the fix would return (testing.AllocsPerRun counts the same before and after).
 */
function inlinedAtItsCalls(declaration: ReturnDeclaration, input: FixInput): boolean {
  const source = input.files.get(declaration.file);
  if (source === undefined) return false;
  // At the name itself (two functions may share a line), every instantiation of a generic one.
  const decisions = input.facts.filter((fact) => {
    if (fact.position.file !== declaration.file || (fact.kind !== 'canInline' && fact.kind !== 'cannotInline')) return false;
    const at = compilerToLspPosition(source, fact.position.line, fact.position.byteColumn);
    return at?.line === declaration.nameRange.start.line && at.character === declaration.nameRange.start.character;
  });
  return decisions.length > 0 && decisions.every((fact) => fact.kind === 'canInline');
}

/** A method's receiver does not outlive the call: a value receiver, or the compiler says "does not escape". */
function receiverStaysLocal(typeName: string | undefined, methodName: string, context: PackageContext, input: FixInput): boolean {
  const methods = context.methods.filter(
    (candidate) => candidate.name === methodName && (typeName === undefined || candidate.typeName === typeName),
  );
  return (
    methods.length > 0 &&
    methods.every(
      (method) =>
        !method.pointerReceiver ||
        (method.receiverPosition !== undefined && saysDoesNotEscape(method.file, method.receiverPosition, input)),
    )
  );
}

/**
 * True when the compiler says the pointer parameter (or receiver) at `position` of `file` is not kept: it
 * "does not escape", or only what it points to leaks ("leaking param content"), never the address itself.
 */
function saysDoesNotEscape(file: string, position: LspPosition, input: FixInput): boolean {
  const source = input.files.get(file);
  if (source === undefined) return false;
  const here = input.facts.filter((fact) => {
    if (fact.position.file !== file || (fact.kind !== 'noEscape' && fact.kind !== 'leak')) return false;
    const at = compilerToLspPosition(source, fact.position.line, fact.position.byteColumn);
    return at?.line === position.line && at.character === position.character;
  });
  const addressKept = here.some((fact) => fact.kind === 'leak' && (fact.leak?.what !== 'content' || fact.leak.toResult !== undefined));
  return here.length > 0 && !addressKept;
}

function captureContext(context: PackageContext, input: FixInput): CaptureContext {
  return {
    ...context.useContext,
    parameterStaysLocal: (name, index) => {
      const declared = context.parameters.get(name);
      const position = declared?.positions[index];
      return declared !== undefined && position !== undefined && saysDoesNotEscape(declared.file, position, input);
    },
    receiverStaysLocal: (name) => receiverStaysLocal(undefined, name, context, input),
    perIterationLoopVariables: atLeastGo(input.languageVersion, 22),
  };
}

/** Package functions → where each parameter's name is. */
function functionParameters(root: Node): Map<string, (LspPosition | undefined)[]> {
  const byFunction = new Map<string, (LspPosition | undefined)[]>();
  for (const node of root.namedChildren) {
    if (node.type !== 'function_declaration') continue;
    const name = node.childForFieldName('name')?.text;
    const list = node.childForFieldName('parameters');
    if (!name || !list) continue;
    const positions: (LspPosition | undefined)[] = [];
    for (const declaration of list.namedChildren) {
      const names = declaration.childrenForFieldName('name');
      const variadic = declaration.type === 'variadic_parameter_declaration';
      if (names.length === 0) positions.push(undefined);
      for (const parameter of names) positions.push(variadic || parameter.text === '_' ? undefined : nodeRange(parameter).start);
    }
    byFunction.set(name, positions);
  }
  return byFunction;
}

// ---------------------------------------------------------------------------------------------------------
// Combining: value receiver.

function combineValueReceiver(
  analysis: ReceiverBodyAnalysis,
  methodValues: ReadonlySet<string>,
  context: PackageContext,
  input: FixInput,
): FixCandidate | RefusedFix {
  const { header } = analysis;
  const subject = `${header.typeName}.${header.name}`;
  const refuse = (reason: string): RefusedFix => ({ fix: 'valueReceiver', subject, file: header.file, reason });
  if (analysis.refusal) return refuse(analysis.refusal);
  if (DYNAMICALLY_FOUND_METHODS.has(header.name)) {
    return refuse(
      `${header.name} is a method packages look up at run time (fmt.Stringer, error, json.Marshaler, …); ${header.typeName} values would start to have it`,
    );
  }
  const ofType = context.methods.filter((method) => method.typeName === header.typeName);
  const valueMethods = new Set(ofType.filter((method) => !method.pointerReceiver).map((method) => method.name));
  const pointerCall = analysis.methodsCalledOnReceiver.find((name) => !valueMethods.has(name));
  if (pointerCall) return refuse(`${header.name} calls ${pointerCall} on its receiver, which is not a value method`);
  const unknownCall = analysis.conversions.find((name) => !context.declarations.types.has(name));
  if (unknownCall) return refuse(`${header.name} calls ${unknownCall}, which may change the receiver while the method runs`);
  if (methodValues.has(header.name))
    return refuse(`${header.name} is used as a method value somewhere in the package, which would then copy the receiver`);
  const layout = typeLayout({ kind: 'named', name: header.typeName, typeArguments: [] }, context.declarations);
  if (!layout) return refuse(`the size of ${header.typeName} cannot be estimated from the package's declarations`);
  if (layout.size > input.valueReceiverMaxBytes) {
    return refuse(
      `${header.typeName} is about ${layout.size} bytes, more than goEscapeLens.valueReceiverMaxBytes (${input.valueReceiverMaxBytes})`,
    );
  }
  const others = ofType.filter((method) => method.pointerReceiver && method.name !== header.name).map((method) => method.name);
  const notes =
    others.length === 0 ? [] : [`${listNames(others)} ${others.length === 1 ? 'keeps a pointer receiver' : 'keep pointer receivers'}`];
  return {
    fix: 'valueReceiver',
    id: `valueReceiver:${subject}`,
    title: `Use a value receiver for ${subject} (${layout.size} bytes)`,
    notes,
    file: header.file,
    // The whole signature: the `func`, the receiver, the name (the receiver and name lie within it).
    triggerRanges: [header.signatureRange],
    edits: new Map([[header.file, [analysis.edit]]]),
    externalCallersUnseen: /^\p{Lu}/u.test(header.name) && context.packageName !== 'main',
    worthWithoutGain: true,
  };
}

function listNames(names: readonly string[]): string {
  if (names.length <= 3) return names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return `${names.slice(0, 2).join(', ')} and ${names.length - 2} other methods`;
}
