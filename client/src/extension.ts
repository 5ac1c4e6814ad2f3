/**
 * The VS Code side: start the language server, show its status, and nothing of the analysis.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions, type ServerOptions, TransportKind } from 'vscode-languageclient/node';
import {
  ActiveEditorNotification,
  EscapeTreePackageRequest,
  EscapeTreeRequest,
  type InitializationOptions,
  SETTINGS_SECTION,
  StatusNotification,
  WorkspaceTrustNotification,
} from '../../server/src/protocol';
import { registerCommands } from './commands';
import { EscapeTreeProvider } from './escapeTree';
import { createLogChannel } from './logChannel';
import { StatusBar } from './statusBar';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  // A language of its own (syntaxes/go-escape-lens-log.tmLanguage.json) colours positions, facts and reasons.
  const outputChannel = createLogChannel('Go Escape Lens');
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'go' }],
    // The server caches settings until told they changed: ours, and the Go extension's that it applies.
    synchronize: { configurationSection: [SETTINGS_SECTION, 'go'] },
    // A function, so a server restarted after a crash learns the trust of now, not of activation.
    initializationOptions: (): InitializationOptions => ({ workspaceTrusted: vscode.workspace.isTrusted }),
    outputChannel,
    // Hovers fold the compiler's own words in a <details> block.
    markdown: { supportHtml: true },
  };
  client = new LanguageClient('goEscapeLens', 'Go Escape Lens', serverOptions, clientOptions);

  const statusBar = new StatusBar('goEscapeLens.showLog');
  const tree = new EscapeTreeProvider(
    async () => (client?.isRunning() ? client.sendRequest(EscapeTreeRequest) : []),
    async (directory) => (client?.isRunning() ? client.sendRequest(EscapeTreePackageRequest, { directory }) : []),
  );
  void vscode.commands.executeCommand('setContext', 'goEscapeLens.active', true);
  context.subscriptions.push(
    statusBar,
    outputChannel,
    tree,
    ...registerCommands({ outputChannel, client: () => client, tree }),
    // Restricted mode ends without a reload: the server switches from predictions to the compiler.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void client?.sendNotification(WorkspaceTrustNotification, { trusted: true })),
    vscode.window.onDidChangeActiveTextEditor((editor) => {
      statusBar.showFor(editor?.document.uri.toString());
      // The server serves the active editor's package first when analyses wait for a core.
      if (client?.isRunning()) void client.sendNotification(ActiveEditorNotification, { uri: editor?.document.uri.toString() ?? null });
    }),
    client.onNotification(StatusNotification, (status) => {
      statusBar.update(status);
      statusBar.showFor(vscode.window.activeTextEditor?.document.uri.toString());
      if (status.state !== 'analysing') tree.refresh();
    }),
  );
  await client.start();
  void client.sendNotification(ActiveEditorNotification, { uri: vscode.window.activeTextEditor?.document.uri.toString() ?? null });
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
