/**
 * Asks go/types for the types of a package's fmt, log, errors and io call arguments (model/operandTypes.ts).
 *
 * Two go commands and the type checker: `go list` names the package's files for this build and its
 * dependencies, `go list -export` names each dependency's export data (already in the build cache after
 * an analysis, so nothing is compiled again), and the type checker reads the package's text as analysed
 * (unsaved buffers included) against that export data. No network; its configuration, which holds those
 * texts, is written only to the user's own temp folder (userTempDirectory.ts).
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { z } from 'zod';
import type { PackageOperandTypes, TypedCall } from '../model/operandTypes';
import { analysisEnvironment, type GoSettings } from './goCommand';
import type { GoRunner } from './runGo';
import { withTemporaryDirectory } from './temporaryDirectory';
import { firstLine, typeInfoTool, typeInfoToolIfBuilt } from './typeInfoTool';
import { userTempDirectory } from './userTempDirectory';

export interface OperandTypesInput {
  readonly directory: string;
  /** The package's files as analysed: absolute path → text. Files the build leaves out are ignored. */
  readonly files: ReadonlyMap<string, string>;
  readonly settings: GoSettings;
  /** The module's go version (`1.22`), which decides the language the package is checked as. */
  readonly languageVersion?: string;
  readonly runGo: GoRunner;
  readonly signal?: AbortSignal;
  /**
   * Wait for the type checker's first build (the CLI), or answer without types while it is built (the
   * editor, whose quick-fixes must not wait half a minute): `building` then says to ask again once
   * `typeInfoTool` has settled.
   */
  readonly waitForBuild: boolean;
}

const listedPackage = z.object({
  Dir: z.string(),
  GoFiles: z.array(z.string()).optional(),
  CgoFiles: z.array(z.string()).optional(),
  ImportMap: z.record(z.string(), z.string()).optional(),
  Deps: z.array(z.string()).optional(),
  Error: z.object({ Err: z.string() }).optional(),
});

const exportedPackage = z.object({ ImportPath: z.string(), Export: z.string().optional() });

const operand = z.object({
  type: z.string().optional(),
  kind: z.string().optional(),
  named: z.boolean().optional(),
  bytes: z.boolean().optional(),
  formatter: z.boolean().optional(),
  error: z.boolean().optional(),
  stringer: z.boolean().optional(),
  goStringer: z.boolean().optional(),
  valueMethod: z.boolean().optional(),
  constant: z.string().optional(),
});

const answer = z.object({
  calls: z.array(
    z.object({
      line: z.number(),
      column: z.number(),
      callee: z.string(),
      operands: z.array(operand),
      spread: z.boolean().optional(),
      file: z.string(),
    }),
  ),
  errors: z.array(z.string()),
});

export async function loadOperandTypes(input: OperandTypesInput): Promise<PackageOperandTypes> {
  const { settings, runGo, signal } = input;
  const tool = input.waitForBuild ? await typeInfoTool(settings, runGo) : typeInfoToolIfBuilt(settings, runGo);
  if (tool === undefined) return { status: 'unavailable', reason: 'the type checker is being built', building: true };
  if (typeof tool !== 'string') return { status: 'unavailable', reason: tool.failure };
  const env = analysisEnvironment(settings);
  const listed = await runGo(
    {
      goBinary: settings.goBinary,
      args: ['list', '-e', '-json=Dir,GoFiles,CgoFiles,ImportMap,Deps,Error', ...settings.buildFlags, '.'],
      cwd: input.directory,
      env,
    },
    signal,
  );
  const pkg = parseOne(listed.stdout, listedPackage);
  if (listed.exitCode !== 0 || !pkg) return { status: 'unavailable', reason: `go list failed: ${firstLine(listed.stderr)}` };
  if (pkg.Error) return { status: 'unavailable', reason: `go list: ${pkg.Error.Err}` };
  const exports: Record<string, string> = {};
  const deps = pkg.Deps ?? [];
  if (deps.length > 0) {
    const exported = await runGo(
      {
        goBinary: settings.goBinary,
        args: ['list', '-e', '-export', '-json=ImportPath,Export', ...settings.buildFlags, ...deps],
        cwd: input.directory,
        env,
      },
      signal,
    );
    if (exported.exitCode !== 0) return { status: 'unavailable', reason: `go list -export failed: ${firstLine(exported.stderr)}` };
    for (const entry of parseStream(exported.stdout, exportedPackage)) if (entry.Export) exports[entry.ImportPath] = entry.Export;
  }
  const files = [...(pkg.GoFiles ?? []), ...(pkg.CgoFiles ?? [])].map((name) => path.join(pkg.Dir, name));
  const overlays: Record<string, string> = {};
  for (const file of files) {
    const text = input.files.get(file);
    if (text !== undefined) overlays[file] = text;
  }
  return withTemporaryDirectory(path.join(userTempDirectory(), 'types-'), async (directory) => {
    try {
      const config = path.join(directory, 'config.json');
      const goVersion = input.languageVersion ? `go${input.languageVersion.split('.').slice(0, 2).join('.')}` : '';
      await fs.writeFile(config, JSON.stringify({ files, overlays, importMap: pkg.ImportMap ?? {}, exports, goVersion }), 'utf8');
      const checked = await runGo({ goBinary: tool, args: [config], cwd: input.directory, env }, signal);
      if (checked.exitCode !== 0) return { status: 'unavailable', reason: `the type checker failed: ${firstLine(checked.stderr)}` };
      const parsed = answer.safeParse(JSON.parse(checked.stdout));
      if (!parsed.success) return { status: 'unavailable', reason: `the type checker's answer is not understood: ${parsed.error.message}` };
      return { status: 'ok', calls: parsed.data.calls.map(toTypedCall), typeErrors: parsed.data.errors };
    } catch (error) {
      return { status: 'unavailable', reason: error instanceof Error ? error.message : String(error) };
    }
  });
}

function toTypedCall(call: z.infer<typeof answer>['calls'][number]): TypedCall {
  return {
    file: call.file,
    line: call.line,
    column: call.column,
    callee: call.callee,
    spread: call.spread ?? false,
    operands: call.operands.map((item) =>
      item.type === undefined || item.kind === undefined
        ? undefined
        : {
            type: item.type,
            kind: item.kind,
            named: item.named ?? false,
            bytes: item.bytes ?? false,
            formatter: item.formatter ?? false,
            error: item.error ?? false,
            stringer: item.stringer ?? false,
            goStringer: item.goStringer ?? false,
            valueMethod: item.valueMethod ?? false,
            ...(item.constant === undefined ? {} : { constant: item.constant }),
          },
    ),
  };
}

/** The one JSON object `go list` printed for one package. */
function parseOne<T>(text: string, schema: z.ZodType<T>): T | undefined {
  const [first] = parseStream(text, schema);
  return first;
}

/** `go list -json` prints one object after another, not an array. */
function parseStream<T>(text: string, schema: z.ZodType<T>): T[] {
  const values: T[] = [];
  // Each object starts with "{" at the beginning of a line and ends with "}" alone on one.
  for (const chunk of text.split(/(?<=^\})\n/m)) {
    if (chunk.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(chunk);
    } catch {
      continue;
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) values.push(parsed.data);
  }
  return values;
}
