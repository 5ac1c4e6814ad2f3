/**
 * The one gate between an untrusted workspace and the go command. Building a repository someone sent you
 * runs their build (cgo compiles C code; `go.work` and `toolchain` lines choose what runs), so in restricted
 * mode every go invocation, whichever feature asks for it, is refused here without starting a process.
 */
import type { GoResult, GoRunner } from './runGo';

/** What a refused invocation looks like to the engine: cancelled, so no error and no fact is reported. */
const REFUSED: GoResult = { exitCode: null, stdout: '', stderr: '', output: new Uint8Array(), cancelled: true, truncated: false };

export function refuseWhenRestricted(runGo: GoRunner, isTrusted: () => boolean): GoRunner {
  return (invocation, signal) => (isTrusted() ? runGo(invocation, signal) : Promise.resolve(REFUSED));
}
