/**
 * A worker thread's entry (bundled as dist/profileWorker.js): decodes one share of a large profile's samples
 * into columns and hands the columns back without copying them.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { decodeColumnar, type SampleShare } from './columnarProfile';
import type { ShareResult } from './profileWorkers';

const { raw, share } = workerData as { raw: Uint8Array; share: SampleShare };
let result: ShareResult;
try {
  const decoded = decodeColumnar(raw, share);
  result = { ok: true, samples: decoded.columns.finish(decoded.sampleType.length) };
} catch (error) {
  result = { ok: false, message: (error as Error).message };
}
parentPort?.postMessage(
  result,
  result.ok
    ? [result.samples.locationIds, result.samples.locationStarts, result.samples.values].map((column) => column.buffer as ArrayBuffer)
    : [],
);
