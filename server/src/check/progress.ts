/**
 * A one-line progress indicator for long runs (`check ./...` on a large module), redrawn in place on a
 * terminal. Silent when the stream is not a terminal, so logs and pipes get only the results.
 */
export interface Progress {
  update(done: number, total: number, current: string): void;
  /** Erases the line, so the results start on a clean one. */
  finish(): void;
}

const SILENT: Progress = { update: () => {}, finish: () => {} };

export function createProgress(stream: NodeJS.WriteStream): Progress {
  if (!stream.isTTY) return SILENT;
  let drawn = false;
  return {
    update(done, total, current) {
      const width = Math.max(20, (stream.columns || 80) - 1);
      const line = `analysed ${done}/${total} packages: ${current}`;
      stream.write(`\r\x1b[K${line.length > width ? `${line.slice(0, width - 1)}…` : line}`);
      drawn = true;
    },
    finish() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}
