/**
 * The output channel, in a language of our own so syntaxes/go-escape-lens-log.tmLanguage.json colours it
 * (compiler positions, facts, reasons). A `LogOutputChannel` always has VS Code's `log` language, and the
 * language client wants one, so this adapts a plain channel: each level writes `[Info  - 10:01:02 AM] …`,
 * the prefix the grammar expects, and honours the user's log level.
 */
import { format } from 'node:util';
import * as vscode from 'vscode';

export const LOG_LANGUAGE = 'go-escape-lens-log';

export function createLogChannel(name: string): vscode.LogOutputChannel {
  const channel = vscode.window.createOutputChannel(name, LOG_LANGUAGE);
  const write = (level: vscode.LogLevel, label: string, message: string | Error, args: unknown[]) => {
    if (vscode.env.logLevel === vscode.LogLevel.Off || level < vscode.env.logLevel) return;
    const text = message instanceof Error ? (message.stack ?? message.message) : format(message, ...args);
    channel.appendLine(`[${label.padEnd(5)} - ${new Date().toLocaleTimeString()}] ${text}`);
  };
  return {
    name: channel.name,
    get logLevel() {
      return vscode.env.logLevel;
    },
    onDidChangeLogLevel: vscode.env.onDidChangeLogLevel,
    trace: (message, ...args) => write(vscode.LogLevel.Trace, 'Trace', message, args),
    debug: (message, ...args) => write(vscode.LogLevel.Debug, 'Debug', message, args),
    info: (message, ...args) => write(vscode.LogLevel.Info, 'Info', message, args),
    warn: (message, ...args) => write(vscode.LogLevel.Warning, 'Warn', message, args),
    error: (error, ...args) => write(vscode.LogLevel.Error, 'Error', error, args),
    append: (value) => channel.append(value),
    appendLine: (value) => channel.appendLine(value),
    replace: (value) => channel.replace(value),
    clear: () => channel.clear(),
    show: (columnOrPreserveFocus?: vscode.ViewColumn | boolean, preserveFocus?: boolean) =>
      typeof columnOrPreserveFocus === 'boolean' || columnOrPreserveFocus === undefined
        ? channel.show(columnOrPreserveFocus)
        : channel.show(columnOrPreserveFocus, preserveFocus),
    hide: () => channel.hide(),
    dispose: () => channel.dispose(),
  };
}
