/**
 * The temporary folders the engine makes for the go command (overlays, type checker configurations,
 * compile streams, benchmark binaries). Each is removed when its work ends; any still there when the
 * process exits is removed then. That is for an exit that cuts the work short, such as `check` or `fix`
 * interrupted with Ctrl-C: process.exit runs no `finally` that awaits, so the folders would stay behind.
 */
import * as fs from 'node:fs';

const removedAtExit = new Set<string>();
let exitHooked = false;

/** Makes a folder `prefix` + six random characters, gives it to `use`, and removes it when `use` settles. */
export async function withTemporaryDirectory<T>(prefix: string, use: (directory: string) => Promise<T>): Promise<T> {
  const directory = await fs.promises.mkdtemp(prefix);
  const forget = removeAtExit(directory);
  try {
    return await use(directory);
  } finally {
    forget();
    await fs.promises.rm(directory, { recursive: true, force: true });
  }
}

/** Removes `directory` (or a file) if the process exits while it is there; the returned function forgets it again. */
export function removeAtExit(directory: string): () => void {
  if (!exitHooked) {
    exitHooked = true;
    // An exit handler runs synchronously: the removal must be too.
    process.on('exit', () => {
      for (const left of removedAtExit) fs.rmSync(left, { recursive: true, force: true });
    });
  }
  removedAtExit.add(directory);
  return () => removedAtExit.delete(directory);
}
