/**
 * What a run of the CLI or the server left in the temp folder it was given (TMPDIR): everything but the
 * engine's own folder (go-escape-lens-<uid>), and in that folder what one run makes and must remove. The
 * tools built once (the toolexec wrapper, the type checker) stay there on purpose.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const ENGINE_FOLDER = /^go-escape-lens-(\d+|user)$/;
/** Type checker configurations, compile streams, module copies, a half-built tool. */
const RUN_FILES = /^(types-|stream-|module-copy-)|\.tmp$/;

export function leftInTemp(tmp: string): string[] {
  const left: string[] = [];
  for (const name of fs.readdirSync(tmp)) {
    if (!ENGINE_FOLDER.test(name)) left.push(name);
    else
      left.push(
        ...fs
          .readdirSync(path.join(tmp, name))
          .filter((inner) => RUN_FILES.test(inner))
          .map((inner) => `${name}/${inner}`),
      );
  }
  return left;
}
