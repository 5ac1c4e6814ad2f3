/**
 * The client's commands, each a small factory over what it needs. `goEscapeLens.analyseWorkspace` is not
 * here: the server declares it (`executeCommandProvider`) and the language client registers it.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { Location, Position } from 'vscode-languageserver-protocol';
import { COMMANDS, type MeasurementOutcome, SETTINGS_SECTION } from '../../server/src/protocol';
import type { EscapeTreeProvider } from './escapeTree';

export interface CommandContext {
  readonly outputChannel: vscode.OutputChannel;
  readonly client: () => LanguageClient | undefined;
  readonly tree: EscapeTreeProvider;
}

/** Settings each toggle flips, relative to the `goEscapeLens` section. */
export const TOGGLES: Readonly<Record<string, string>> = {
  'goEscapeLens.toggleHeapHints': 'inlayHints.heapAllocations',
  'goEscapeLens.toggleStackHints': 'inlayHints.stackAllocations',
  'goEscapeLens.toggleLeakHints': 'inlayHints.leakingParameters',
  'goEscapeLens.toggleInliningHints': 'inlayHints.inliningDecisions',
  'goEscapeLens.toggleCodeLens': 'codeLens.enabled',
  'goEscapeLens.toggleEscapeAnnotations': 'annotations.escape',
  'goEscapeLens.toggleInlineAnnotations': 'annotations.inline',
  'goEscapeLens.toggleBoundsAnnotations': 'annotations.bounds',
  'goEscapeLens.toggleNilAnnotations': 'annotations.nil',
};

export function registerCommands(context: CommandContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(COMMANDS.showLog, () => context.outputChannel.show(true)),
    vscode.commands.registerCommand(COMMANDS.showSites, (uri: string, position: Position, sites: Location[]) =>
      showSites(context, uri, position, sites),
    ),
    vscode.commands.registerCommand('goEscapeLens.refreshEscapeTree', () => context.tree.refresh()),
    vscode.commands.registerCommand(COMMANDS.measureAllocations, () => measureAllocations()),
    vscode.commands.registerCommand(COMMANDS.loadAllocationProfile, () => loadAllocationProfile()),
    ...Object.entries(TOGGLES).map(([command, key]) => vscode.commands.registerCommand(command, () => toggle(key))),
  ];
}

/** Picks a benchmark of the active editor's package and has the server measure it. */
async function measureAllocations(): Promise<void> {
  const document = vscode.window.activeTextEditor?.document;
  if (document?.languageId !== 'go') {
    void vscode.window.showInformationMessage('Go Escape Lens: open a Go file of the package whose benchmarks you want to measure.');
    return;
  }
  const uri = document.uri.toString();
  const benchmarks = await vscode.commands.executeCommand<string[]>(COMMANDS.listBenchmarks, uri);
  if (!benchmarks || benchmarks.length === 0) {
    void vscode.window.showInformationMessage(
      'Go Escape Lens: this package has no benchmarks (func BenchmarkX(b *testing.B) in a _test.go file).',
    );
    return;
  }
  const benchmark =
    benchmarks.length === 1 ? benchmarks[0] : await vscode.window.showQuickPick(benchmarks, { placeHolder: 'Benchmark to measure' });
  if (!benchmark) return;
  const outcome = await vscode.commands.executeCommand<MeasurementOutcome>(COMMANDS.measureBenchmark, uri, benchmark);
  if (outcome?.ok) void vscode.window.setStatusBarMessage(`Go Escape Lens: ${outcome.message}`, 10_000);
}

/** Picks a .pb.gz allocation profile and the sample type to show, and has the server load it. */
async function loadAllocationProfile(): Promise<void> {
  const [file] =
    (await vscode.window.showOpenDialog({
      canSelectMany: false,
      openLabel: 'Load Allocation Profile',
      filters: { 'pprof profiles': ['gz', 'pb', 'pprof', 'prof', 'out'], 'All files': ['*'] },
    })) ?? [];
  if (!file) return;
  const sampleType = await vscode.window.showQuickPick(
    [
      { label: 'alloc_space', description: 'bytes allocated since the program started' },
      { label: 'alloc_objects', description: 'objects allocated since the program started' },
      { label: 'inuse_space', description: 'bytes still in use at the last garbage collection' },
      { label: 'inuse_objects', description: 'objects still in use at the last garbage collection' },
    ],
    { placeHolder: 'Which figures to show' },
  );
  if (!sampleType) return;
  const outcome = await vscode.commands.executeCommand<MeasurementOutcome>(COMMANDS.loadProfile, file.fsPath, sampleType.label);
  if (outcome?.ok) void vscode.window.showInformationMessage(`Go Escape Lens: ${outcome.message}`);
}

/** The code lens's click: the function's sites in a peek, as "find references" shows them. */
async function showSites(context: CommandContext, uri: string, position: Position, sites: Location[]): Promise<void> {
  const converter = context.client()?.protocol2CodeConverter;
  if (!converter) return;
  const locations = sites.map((site) => converter.asLocation(site));
  await vscode.commands.executeCommand('editor.action.showReferences', vscode.Uri.parse(uri), converter.asPosition(position), locations);
}

/** Flips a boolean setting where it is set (folder, workspace, or user), so the toggle is undone the same way. */
async function toggle(key: string): Promise<void> {
  const configuration = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const inspected = configuration.inspect<boolean>(key);
  const current = configuration.get<boolean>(key) ?? false;
  const target =
    inspected?.workspaceFolderValue !== undefined
      ? vscode.ConfigurationTarget.WorkspaceFolder
      : inspected?.workspaceValue !== undefined
        ? vscode.ConfigurationTarget.Workspace
        : vscode.ConfigurationTarget.Global;
  await configuration.update(key, !current, target);
  void vscode.window.setStatusBarMessage(`Go Escape Lens: ${key} ${current ? 'off' : 'on'}`, 3000);
}
