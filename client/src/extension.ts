/**
 * The VS Code side: start the language server, show its status, and nothing of the analysis.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions, type ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { SETTINGS_SECTION, StatusNotification } from '../../server/src/protocol';
import { StatusBar } from './statusBar';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const outputChannel = vscode.window.createOutputChannel('Go Escape Lens', { log: true });
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'go' }],
    synchronize: { configurationSection: SETTINGS_SECTION },
    outputChannel,
  };
  client = new LanguageClient('goEscapeLens', 'Go Escape Lens', serverOptions, clientOptions);

  const statusBar = new StatusBar('goEscapeLens.showLog');
  context.subscriptions.push(
    statusBar,
    outputChannel,
    vscode.commands.registerCommand('goEscapeLens.showLog', () => outputChannel.show(true)),
    vscode.window.onDidChangeActiveTextEditor((editor) => statusBar.showFor(editor?.document.uri.toString())),
    client.onNotification(StatusNotification, (status) => {
      statusBar.update(status);
      statusBar.showFor(vscode.window.activeTextEditor?.document.uri.toString());
    }),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
