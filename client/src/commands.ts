/**
 * The client's commands, each a small factory over what it needs. `goEscapeLens.analyseWorkspace` is not
 * here: the server declares it (`executeCommandProvider`) and the language client registers it.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { Location, Position } from 'vscode-languageserver-protocol';
import { COMMANDS, SETTINGS_SECTION } from '../../server/src/protocol';
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
    ...Object.entries(TOGGLES).map(([command, key]) => vscode.commands.registerCommand(command, () => toggle(key))),
  ];
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
