/**
 * A `-toolexec` wrapper that runs every tool except the linker.
 *
 * `go test -c` is the only way to have the compiler analyse a package's test files, and it links a test
 * binary we never run: on large packages the link costs more than the compile. The wrapper answers the
 * go command's version query (`link -V=full`, used for build IDs) truthfully and replaces every real link
 * with an empty output file.
 *
 * It lives at a stable path outside the workspace, so the build cache (whose keys include the toolexec
 * command) stays warm across server restarts.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const SCRIPT = `#!/bin/sh
# Written by Go Escape Lens: runs go tool commands, except that it skips linking.
tool="$1"; shift
case "$(basename "$tool")" in
  link|link.exe)
    case " $* " in *" -V=full "*) exec "$tool" "$@";; esac
    out=""; prev=""
    for arg in "$@"; do [ "$prev" = "-o" ] && out="$arg"; prev="$arg"; done
    [ -n "$out" ] && : > "$out"
    exit 0;;
esac
exec "$tool" "$@"
`;

/** Returns the wrapper's path, writing it first if needed. Null where a shell script cannot run. */
export function ensureSkipLinkTool(): string | null {
  if (process.platform === 'win32') return null;
  const version = createHash('sha256').update(SCRIPT).digest('hex').slice(0, 12);
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  const directory = path.join(os.tmpdir(), `go-escape-lens-${uid}`);
  const file = path.join(directory, `skip-link-${version}.sh`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, SCRIPT, { mode: 0o755 });
  fs.renameSync(temporary, file);
  return file;
}
