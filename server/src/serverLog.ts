/**
 * The server's own log lines, filtered by `goEscapeLens.logLevel`. A save writes a handful of lines at the
 * default level (what ran, how long, the counts, the errors); the lines about each heap allocation and each
 * fix that was not proposed are `verbose`, because a large package has hundreds of them on every save.
 * (The protocol itself is traced by the client, with `goEscapeLens.trace.server`.)
 */
import type { RemoteConsole } from 'vscode-languageserver';

export const LOG_LEVELS = ['error', 'warning', 'info', 'verbose'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ServerLog {
  private level: LogLevel = 'info';

  constructor(private readonly console: Pick<RemoteConsole, 'error' | 'warn' | 'info' | 'log'>) {}

  setLevel(level: LogLevel): void {
    this.level = level;
  }

  /** True when lines of `level` are written: callers skip building verbose lines nobody reads. */
  enabled(level: LogLevel): boolean {
    return LOG_LEVELS.indexOf(level) <= LOG_LEVELS.indexOf(this.level);
  }

  readonly error = (message: string): void => {
    if (this.enabled('error')) this.console.error(message);
  };

  readonly warning = (message: string): void => {
    if (this.enabled('warning')) this.console.warn(message);
  };

  readonly info = (message: string): void => {
    if (this.enabled('info')) this.console.info(message);
  };

  /** LSP's `Log` message type: the least important, which clients show last or hide. */
  readonly verbose = (message: string): void => {
    if (this.enabled('verbose')) this.console.log(message);
  };
}
