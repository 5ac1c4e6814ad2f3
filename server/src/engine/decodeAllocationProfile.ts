/**
 * Decodes a Go allocation profile (`go test -memprofile`, `runtime/pprof` heap profiles, `/debug/pprof/allocs`
 * and `/debug/pprof/heap`) with the pprof-format library. The protobuf is gzipped; a plain one is accepted
 * too. Errors are values with a message a user can act on, never exceptions.
 */
import { gunzipSync } from 'node:zlib';
import { Profile, type ProfileInput, Sample } from 'pprof-format';
import type { AllocationProfile, ProfileFrame } from '../model/measurement';
import { SampleColumns } from './sampleColumns';

export type DecodeResult = { readonly ok: true; readonly profile: AllocationProfile } | { readonly ok: false; readonly message: string };

const GZIP_MAGIC = [0x1f, 0x8b];

export function decodeAllocationProfile(bytes: Uint8Array, name = 'the profile'): DecodeResult {
  if (bytes.length === 0) return { ok: false, message: `${name} is empty.` };
  let raw: Uint8Array = bytes;
  if (bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1]) {
    try {
      raw = gunzipSync(bytes);
    } catch (error) {
      return { ok: false, message: `${name} is not a complete gzip file (${(error as Error).message}): it may be truncated.` };
    }
  }
  let decoded: ColumnarProfile;
  try {
    // A plain Uint8Array view, not the Node Buffer gunzip returns: the decoder takes a subarray for every
    // number, and Buffer's subarray builds a Buffer object each time, which was a third of the decode.
    // The library's decode constructs the class it is called on: a ColumnarProfile.
    decoded = ColumnarProfile.decode(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength)) as ColumnarProfile;
  } catch (error) {
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
  const samples = decoded.columns.finish(sampleTypes.length);
  return { ok: true, profile: { sampleTypes, locations, samples, period: Number(decoded.period) || 1 } };
}

type ColumnarInput = ProfileInput & { columns?: SampleColumns };

/**
 * The library's Profile, with each sample put into columns as soon as it is decoded instead of kept as an
 * object. The library calls `decodeValue` for each field of the profile; everything but the samples goes
 * to its own.
 */
class ColumnarProfile extends Profile {
  readonly columns: SampleColumns;

  constructor(data: ColumnarInput) {
    super({ ...data, sample: [] });
    this.columns = data.columns ?? new SampleColumns();
  }

  static override decodeValue(data: ColumnarInput, field: number, buffer: Uint8Array): void {
    if (field !== SAMPLE_FIELD) {
      Profile.decodeValue(data, field, buffer);
      return;
    }
    const sample = Sample.decode(buffer);
    data.columns ??= new SampleColumns();
    data.columns.add(sample.locationId, sample.value);
  }
}

/** `repeated Sample sample = 2;` in pprof's profile.proto. */
const SAMPLE_FIELD = 2;
