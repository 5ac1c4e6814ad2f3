/**
 * The tests' independent source of truth: runs the installed go command the plain way (`-gcflags=-m`, the
 * final-form lines only) and reads the heap facts with a deliberately simple pattern, sharing no code with
 * the engine under test.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface OracleFact {
  readonly file: string;
  readonly line: number;
  readonly byteColumn: number;
  readonly message: string;
  /** 0-based line and UTF-16 column, computed here from the file's bytes. */
  readonly line0: number;
  readonly utf16Column: number;
}

/** Fails loudly, so a machine without Go fails the tests instead of skipping them. */
export function requireGo(): string {
  const result = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new Error('These tests run the real Go compiler, and no `go` command was found on PATH. Install Go first.');
  }
  return result.stdout.trim();
}

export function heapFactsFromCompiler(packageDirectory: string, environment: NodeJS.ProcessEnv = process.env): OracleFact[] {
  const hasTests = fs.readdirSync(packageDirectory).some((name) => name.endsWith('_test.go'));
  const args = hasTests
    ? ['test', '-c', '-vet=off', '-o', os.devNull, '-gcflags=-m', '.']
    : ['build', '-o', os.devNull, '-gcflags=-m', '.'];
  const result = spawnSync('go', args, { cwd: packageDirectory, encoding: 'utf8', env: { ...environment, GOPROXY: 'off' } });
  if (result.status !== 0) throw new Error(`go ${args.join(' ')} failed in ${packageDirectory}:\n${result.stderr}`);
  const facts: OracleFact[] = [];
  const seen = new Set<string>();
  for (const line of result.stderr.split('\n')) {
    // The build cache replays the text of the first compile, whose paths are relative to wherever that
    // compile ran (`./a.go` or `pkg/a.go`); a bare name (`_testmain.go`) is a generated file.
    const match = /^(\S*\/([^/:]+\.go)):(\d+):(\d+): (.*(?: escapes to heap|moved to heap: .*))$/.exec(line);
    if (!match || seen.has(line)) continue;
    seen.add(line);
    const file = path.join(packageDirectory, match[2]);
    if (!fs.existsSync(file)) continue;
    const lineNumber = Number(match[3]);
    const byteColumn = Number(match[4]);
    const { line0, utf16Column } = utf16At(file, lineNumber, byteColumn);
    facts.push({ file, line: lineNumber, byteColumn, message: match[5], line0, utf16Column });
  }
  return facts;
}

/** Byte position → UTF-16 position by decoding the bytes before it; the BOM is dropped as editors do. */
function utf16At(file: string, line: number, byteColumn: number): { line0: number; utf16Column: number } {
  const bytes = fs.readFileSync(file);
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const lines: Buffer[] = [];
  let start = 0;
  for (let index = 0; index <= bytes.length; index++) {
    if (index === bytes.length || bytes[index] === 0x0a) {
      lines.push(bytes.subarray(start, index));
      start = index + 1;
    }
  }
  let lineBytes = lines[line - 1];
  let column = byteColumn - 1;
  if (line === 1 && bom) {
    lineBytes = lineBytes.subarray(3);
    column -= 3;
  }
  return { line0: line - 1, utf16Column: lineBytes.subarray(0, column).toString('utf8').length };
}

export function goVersion(): string {
  return execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim();
}

/**
 * The lines of one plain compile (`go build -gcflags=<gcflags>`) whose message matches `message`, each
 * position once, with its own UTF-8 → UTF-16 conversion: the oracle for the optimisation details (bounds
 * checks from `-d=ssa/check_bce/debug=1`, nil checks from `-d=nil`, inlining from `-m`). The build cache
 * replays paths relative to wherever the first compile ran (`./a.go` or `pkg/a.go`), so only the file's name
 * is read from the path.
 */
export function compilerLinesMatching(packageDirectory: string, gcflags: string, message: RegExp): OracleFact[] {
  const args = ['build', '-o', os.devNull, `-gcflags=${gcflags}`, '.'];
  const result = spawnSync('go', args, { cwd: packageDirectory, encoding: 'utf8', env: { ...process.env, GOPROXY: 'off' } });
  if (result.status !== 0) throw new Error(`go ${args.join(' ')} failed in ${packageDirectory}:\n${result.stderr}`);
  const facts: OracleFact[] = [];
  const seen = new Set<string>();
  for (const line of result.stderr.split('\n')) {
    const match = /^(?:\S*\/)?([^/:\s]+\.go):(\d+):(\d+): (.*)$/.exec(line);
    if (!match || !message.test(match[4]) || seen.has(line)) continue;
    seen.add(line);
    const file = path.join(packageDirectory, match[1]);
    if (!fs.existsSync(file)) continue;
    const lineNumber = Number(match[2]);
    const byteColumn = Number(match[3]);
    const { line0, utf16Column } = utf16At(file, lineNumber, byteColumn);
    facts.push({ file, line: lineNumber, byteColumn, message: match[4], line0, utf16Column });
  }
  return facts;
}
