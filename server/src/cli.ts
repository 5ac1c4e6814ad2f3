#!/usr/bin/env node
/**
 * `go-escape-lens`: the same engine for the terminal, CI and any LSP editor.
 */
import { Command } from 'commander';
import { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver/node';
import { startLanguageServer } from './server';

const program = new Command()
  .name('go-escape-lens')
  .description("Shows where Go code allocates on the heap and why, from the Go compiler's escape analysis.");

program
  .command('serve')
  .description('Run the language server (for Neovim, Helix, Emacs and other LSP editors).')
  .option('--stdio', 'talk LSP over standard input and output (the default and only transport)')
  .action(() => {
    // Everything the server logs goes to the client; stdout carries only LSP messages.
    console.log = console.error;
    startLanguageServer(
      createConnection(ProposedFeatures.all, new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout)),
    );
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(2);
});
