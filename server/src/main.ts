/** The language server's entry point when an editor starts it as a Node module (VS Code uses IPC). */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { exitOnInterrupt } from './engine/atExit';
import { startLanguageServer } from './server';
import { runWorkspaceWorker } from './workspaceWorker';
import { WORKSPACE_WORKER_ARGUMENT } from './workspaceWorkerProtocol';

exitOnInterrupt();
// The same bundle runs the server's workspace worker (see workspaceWorkerClient.ts).
if (process.argv.includes(WORKSPACE_WORKER_ARGUMENT)) runWorkspaceWorker();
else startLanguageServer(createConnection(ProposedFeatures.all));
