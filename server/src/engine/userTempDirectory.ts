/**
 * Where the engine keeps the files it writes for the go command (the toolexec wrapper, the type checker
 * and its configurations, the compile streams): one folder per user under the system's temp folder, readable by that user alone,
 * and never in the workspace.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The folder's path, made first if it is not there. */
export function userTempDirectory(): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  const directory = path.join(os.tmpdir(), `go-escape-lens-${uid}`);
  fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
  return directory;
}
