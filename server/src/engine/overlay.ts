/**
 * Lets the go command see file contents that are not on disk: `go build -overlay=FILE` reads a JSON map from
 * real paths to replacement files. We use it to compile a candidate fix (and, elsewhere, unsaved editor
 * buffers) without ever writing into the user's workspace.
 *
 * The JSON file and the replacement files live in a fresh directory under `os.tmpdir()`, which is removed
 * when `use` settles, whether it resolved, threw or was cancelled, or else when the process exits.
 */
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { withTemporaryDirectory } from './temporaryDirectory';

/**
 * Absolute path → the text the compiler should see there. `null` hides the file from the compiler, as if
 * it were deleted (the overlay format's empty replacement).
 */
export type OverlayReplacements = ReadonlyMap<string, string | null>;

/** The `-overlay` file format: https://pkg.go.dev/cmd/go#hdr-Build_flags */
export interface OverlayJson {
  readonly Replace: Readonly<Record<string, string>>;
}

export async function withOverlay<T>(replacements: OverlayReplacements, use: (overlayFile: string) => Promise<T>): Promise<T> {
  return withTemporaryDirectory(path.join(os.tmpdir(), 'go-escape-lens-overlay-'), async (directory) => {
    const replace: Record<string, string> = {};
    let index = 0;
    for (const [file, text] of replacements) {
      const target = path.resolve(file);
      if (text === null) {
        replace[target] = '';
        continue;
      }
      // A numbered prefix keeps two files of the same name (from different packages) apart; the `.go` suffix
      // is kept because the go command decides what a file is by its name.
      const replacement = path.join(directory, `${index++}-${path.basename(target)}`);
      await fs.writeFile(replacement, text, 'utf8');
      replace[target] = replacement;
    }
    const overlayFile = path.join(directory, 'overlay.json');
    const json: OverlayJson = { Replace: replace };
    await fs.writeFile(overlayFile, JSON.stringify(json), 'utf8');
    return use(overlayFile);
  });
}
