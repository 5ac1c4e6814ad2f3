/** The language server's entry point when an editor starts it as a Node module (VS Code uses IPC). */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startLanguageServer } from './server';

startLanguageServer(createConnection(ProposedFeatures.all));
