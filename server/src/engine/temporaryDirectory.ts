/**
 * The temporary folders the engine and the CLI make (overlays, type checker configurations, compile
 * streams, benchmark binaries, the go commands' work folders, module copies). Each is removed when its work
 * ends; any still there when the process exits is removed then (atExit.ts), for an exit that cuts the work
 * short, such as `check` or `fix` interrupted with Ctrl-C.
 */
import * as fs from 'node:fs';
import { onExit } from './atExit';

/**
 * Makes a folder `prefix` + six random characters, gives it to `use`, and removes it when `use` settles.
 * Made and forgotten synchronously, so no exit comes between the folder's making and its registration, or
 * between the start of its removal and its end.
 */
export async function withTemporaryDirectory<T>(prefix: string, use: (directory: string) => Promise<T>): Promise<T> {
  const directory = fs.mkdtempSync(prefix);
  const forget = removeAtExit(directory);
  try {
    return await use(directory);
  } finally {
    remove(directory);
    forget();
  }
}

/** Removes `path` (a folder or a file) if the process exits while it is there; the returned function forgets it. */
export function removeAtExit(path: string): () => void {
  return onExit(() => remove(path));
}

function remove(path: string): void {
  // Retried: a go command killed a moment ago may still be closing files in it.
  fs.rmSync(path, { recursive: true, force: true, maxRetries: 3 });
}
