/**
 * Splits the decoding of a large profile's samples across worker threads. Decoding a 20 MB profile is almost
 * all samples, one after another through the library. On two quiet cores, two workers with every other
 * sample each took 620 ms where one thread took 750 ms (they start cold, so they use about a third more
 * CPU), and the thread that asked (the language server's) stays free meanwhile. A small profile (a
 * benchmark's) is decoded whole where it is asked: a worker costs more than it saves.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ProfileSamples } from '../model/measurement';
import type { SampleShare } from './columnarProfile';

export type ShareResult = { readonly ok: true; readonly samples: ProfileSamples } | { readonly ok: false; readonly message: string };

/** Below this much protobuf a profile is decoded on one thread. */
const PARALLEL_FROM_BYTES = 4 * 1024 * 1024;
const MAX_PARTS = 4;

/** How many shares to split a profile of `length` bytes into: 1 when there is no worker file or no core to spare. */
export function sharesFor(length: number): number {
  if (length < PARALLEL_FROM_BYTES || !workerFile()) return 1;
  return Math.max(1, Math.min(os.availableParallelism(), MAX_PARTS));
}

/** Starts a worker for each share. A result is undefined when its worker could not run; the caller then decodes that share itself. */
export function startShareWorkers(raw: Uint8Array, parts: number): { results: Promise<(ShareResult | undefined)[]>; stop: () => void } {
  const file = workerFile();
  const workers: Worker[] = [];
  const results: Promise<ShareResult | undefined>[] = [];
  // One copy that every worker reads in place, instead of a copy each; the caller keeps its own bytes.
  const shared = file ? new Uint8Array(new SharedArrayBuffer(raw.length)) : undefined;
  shared?.set(raw);
  for (let part = 0; part < parts && file; part++) {
    const worker = new Worker(file, {
      workerData: { raw: shared, share: { part, parts } satisfies SampleShare },
      // A fresh thread starts with a small young generation and collects it again and again while its
      // columns grow; a larger one took a fifth off the share's time on 20 MB.
      resourceLimits: { maxYoungGenerationSizeMb: 64 },
    });
    workers.push(worker);
    results.push(
      new Promise((resolve) => {
        worker.once('message', (result: ShareResult) => resolve(result));
        worker.once('error', () => resolve(undefined));
        worker.once('exit', () => resolve(undefined));
      }),
    );
  }
  return {
    results: Promise.all(results),
    stop: () => {
      for (const worker of workers) void worker.terminate();
    },
  };
}

let found: string | null | undefined;

/** The bundled worker beside the bundles (dist/); tests running from source use the build's. */
function workerFile(): string | undefined {
  if (found === undefined) {
    const candidates = [path.join(__dirname, 'profileWorker.js'), path.join(__dirname, '..', '..', '..', 'dist', 'profileWorker.js')];
    found = candidates.find((candidate) => fs.existsSync(candidate)) ?? null;
  }
  return found ?? undefined;
}
