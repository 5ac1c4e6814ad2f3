/**
 * Decodes a Go allocation profile (`go test -memprofile`, `runtime/pprof` heap profiles, `/debug/pprof/allocs`
 * and `/debug/pprof/heap`) with the pprof-format library. The protobuf is gzipped; a plain one is accepted
 * too. Errors are values with a message a user can act on, never exceptions.
 */
import { gunzipSync } from 'node:zlib';
import type { AllocationProfile, ProfileFrame, ProfileSamples } from '../model/measurement';
import { type ColumnarProfile, decodeColumnar, NO_SAMPLES, WHOLE } from './columnarProfile';
import { sharesFor, startShareWorkers } from './profileWorkers';
import { concatSamples } from './sampleColumns';

export type DecodeResult = { readonly ok: true; readonly profile: AllocationProfile } | { readonly ok: false; readonly message: string };

const GZIP_MAGIC = [0x1f, 0x8b];

/** `parts`: how many threads share the samples; by default as many as the profile's size and the cores make worth it. */
export async function decodeAllocationProfile(bytes: Uint8Array, name = 'the profile', parts?: number): Promise<DecodeResult> {
  if (bytes.length === 0) return { ok: false, message: `${name} is empty.` };
  let raw: Uint8Array = bytes;
  if (bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1]) {
    try {
      raw = gunzipSync(bytes);
    } catch (error) {
      return { ok: false, message: `${name} is not a complete gzip file (${(error as Error).message}): it may be truncated.` };
    }
  }
  parts ??= sharesFor(raw.length);
  // When split, every share goes to a worker and this thread reads only the rest of the profile: the
  // language server stays free to answer while a large profile decodes.
  const workers = parts > 1 ? startShareWorkers(raw, parts) : undefined;
  let decoded: ColumnarProfile;
  try {
    decoded = decodeColumnar(raw, workers ? NO_SAMPLES : WHOLE);
  } catch (error) {
    workers?.stop();
    return { ok: false, message: `${name} is not a pprof profile (${(error as Error).message}).` };
  }
  const strings = decoded.stringTable.strings;
  const text = (index: number | bigint) => strings[Number(index)] ?? '';
  const sampleTypes = decoded.sampleType.map((type) => text(type.type));
  const periodType = decoded.periodType ? text(decoded.periodType.type) : '';
  if (!sampleTypes.includes('alloc_space') && !sampleTypes.includes('inuse_space')) {
    // A CPU profile with no samples carries no sample types, but its period type still says what it is.
    const kind =
      periodType === 'cpu' || sampleTypes.includes('cpu')
        ? 'a CPU profile'
        : sampleTypes.length > 0
          ? `a profile of ${sampleTypes.join(', ')}`
          : 'a pprof file without sample types';
    workers?.stop();
    return {
      ok: false,
      message: `${name} is ${kind}, not an allocation profile. Take one with \`go test -memprofile\`, runtime/pprof's "heap" or "allocs" profile, or /debug/pprof/allocs.`,
    };
  }

  const functions = new Map<number, { name: string; file: string; startLine: number }>();
  for (const fn of decoded.function) {
    functions.set(Number(fn.id), { name: text(fn.name), file: text(fn.filename), startLine: Number(fn.startLine) });
  }
  const locations = new Map<number, readonly ProfileFrame[]>();
  for (const location of decoded.location) {
    // pprof lists a location's lines innermost first: the inlined callee, then the function it was inlined into.
    const frames: ProfileFrame[] = [];
    for (const line of location.line) {
      const fn = functions.get(Number(line.functionId));
      if (!fn) continue;
      frames.push({ functionName: fn.name, file: fn.file, line: Number(line.line), functionStartLine: fn.startLine });
    }
    locations.set(Number(location.id), frames);
  }
  let samples = decoded.columns.finish(sampleTypes.length);
  if (workers) {
    const results = await workers.results;
    const shares: ProfileSamples[] = [];
    for (let part = 0; part < parts; part++) {
      const result = results[part];
      if (result && !result.ok) return { ok: false, message: `${name} is not a pprof profile (${result.message}).` };
      if (result) {
        shares.push(result.samples);
        continue;
      }
      // A worker that could not run: its share is decoded here. Only a share's samples were not decoded
      // yet, so a broken one is found here.
      try {
        shares.push(decodeColumnar(raw, { part, parts }).columns.finish(sampleTypes.length));
      } catch (error) {
        return { ok: false, message: `${name} is not a pprof profile (${(error as Error).message}).` };
      }
    }
    samples = concatSamples(shares);
  }
  return { ok: true, profile: { sampleTypes, locations, samples, period: Number(decoded.period) || 1 } };
}
