/**
 * Gives the memory of a finished analysis back to the system.
 *
 * Analysing a large package allocates tens of megabytes that are garbage a moment later (the compiler's
 * output, the previous result). V8 keeps the pages it grew into, so without help the server's resident
 * size stays near its peak. Two things bring it down, both only once the server is quiet:
 *  - one full collection two seconds after the last analysis, which compacts the old generation and
 *    releases its empty pages (net/http: about 165 → 150 MB);
 *  - V8's own memory reducer, which also shrinks the young generation, started after one second of quiet
 *    instead of eight (net/http: down to about 110 MB some ten seconds after the last save).
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { releaseParserMemory } from './syntax/goParser';
import { disposeGoQueries } from './syntax/goQueries';

/** How long the server must have had no new analysis before it collects. */
export const QUIET_MILLISECONDS = 2000;

const MEMORY_REDUCER_DELAY_FLAG = '--gc-memory-reducer-start-delay-ms=1000';

let collectGarbage: (() => void) | undefined;

export function fullCollection(): void {
  if (!collectGarbage) {
    // The collector's entry point is only visible to contexts created after the flag is set.
    v8.setFlagsFromString('--expose-gc');
    collectGarbage = vm.runInNewContext('gc') as () => void;
  }
  collectGarbage();
}

export class MemoryRelease {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly collect: () => void = () => {
      fullCollection();
      // A dropped tree-sitter runtime is only collectable after a turn of the event loop (measured: its
      // WebAssembly memory stays when the collection runs in the same turn), so it gets one of its own.
      if (releaseParserMemory()) {
        // The compiled queries belong to the old runtime and would keep it alive.
        disposeGoQueries();
        setTimeout(fullCollection, 100).unref();
      }
    },
  ) {}

  /** Once per process, at start. A V8 without this flag says so on stderr (the log) and carries on. */
  static startMemoryReducerSooner(): void {
    v8.setFlagsFromString(MEMORY_REDUCER_DELAY_FLAG);
  }

  /** Called after each analysis: collects once analyses have stopped for QUIET_MILLISECONDS. */
  analysisFinished(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.collect();
    }, QUIET_MILLISECONDS);
    // Never the reason the process stays alive.
    this.timer.unref();
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}
