/**
 * The `-toolexec` wrapper the go command runs every tool through. It does two things:
 *
 * - It skips the linker. `go test -c` is the only way to have the compiler analyse a package's test files,
 *   and it links a test binary we never run: on large packages the link costs more than the compile. The
 *   wrapper answers the go command's version query (`link -V=full`, used for build IDs) truthfully and
 *   replaces every real link with an empty output file.
 * - It lets the server read the escape analysis while the compile is still running. When
 *   `GO_ESCAPE_LENS_STREAM` names a folder, each compile that prints escape analysis (`-m=2`: only the
 *   packages named on the command line get it) writes its output to `<folder>/<id>.log` as it goes, its
 *   arguments to `<id>.args` and its process id to `<id>.pid`, and `<id>.exit` once it has ended; then the
 *   output is handed to the go command unchanged (see compileStream.ts). Without the variable nothing changes.
 *
 * The go command asks each tool for its version through the wrapper, so the build cache's keys do not
 * change with it: dependencies compiled without the wrapper are reused. It lives at a stable path outside
 * the workspace.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { userTempDirectory } from './userTempDirectory';

const SCRIPT = `#!/bin/sh
# Written by Go Escape Lens: runs go tool commands, except that it skips linking, and lets Go Escape Lens
# read the escape analysis of the analysed package as the compiler writes it.
tool="$1"; shift
case "$(basename "$tool")" in
  link|link.exe)
    case " $* " in *" -V=full "*) exec "$tool" "$@";; esac
    out=""; prev=""
    for arg in "$@"; do [ "$prev" = "-o" ] && out="$arg"; prev="$arg"; done
    [ -n "$out" ] && : > "$out"
    exit 0;;
  compile|compile.exe)
    if [ -n "$GO_ESCAPE_LENS_STREAM" ] && [ -d "$GO_ESCAPE_LENS_STREAM" ]; then
      case " $* " in *" -m=2 "*)
        stream="$GO_ESCAPE_LENS_STREAM/$$"
        printf '%s\\n' "$@" > "$stream.args"
        "$tool" "$@" > "$stream.log" 2>&1 &
        compiler=$!
        echo "$compiler" > "$stream.pid"
        wait "$compiler"
        status=$?
        echo "$status" > "$stream.exit"
        cat "$stream.log"
        exit "$status";;
      esac
    fi;;
esac
exec "$tool" "$@"
`;

/** Returns the wrapper's path, writing it first if needed. Null where a shell script cannot run. */
export function ensureSkipLinkTool(): string | null {
  if (process.platform === 'win32') return null;
  const version = createHash('sha256').update(SCRIPT).digest('hex').slice(0, 12);
  const file = path.join(userTempDirectory(), `toolexec-${version}.sh`);
  if (fs.existsSync(file)) return file;
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, SCRIPT, { mode: 0o755 });
  fs.renameSync(temporary, file);
  return file;
}
