/**
 * The pprof-format library's Profile, with the samples put into columns as soon as each is decoded instead
 * of kept as objects, and with only a share of them decoded: one thread takes every `parts`-th sample from
 * `part` on, so that threads can split a large profile. Everything else in the profile each share decodes
 * whole; it is small beside the samples.
 */
import { Profile, type ProfileInput, Sample } from 'pprof-format';
import { SampleColumns } from './sampleColumns';

export interface SampleShare {
  readonly part: number;
  readonly parts: number;
}

export const WHOLE: SampleShare = { part: 0, parts: 1 };
/** Everything but the samples: what the thread that waits for the workers reads. */
export const NO_SAMPLES: SampleShare = { part: -1, parts: 1 };

export interface ColumnarProfile extends Profile {
  readonly columns: SampleColumns;
}

/** `repeated Sample sample = 2;` in pprof's profile.proto. */
const SAMPLE_FIELD = 2;

type ColumnarInput = ProfileInput & { columns?: SampleColumns; samplesSeen?: number };

/** Decodes `raw` (the protobuf, not gzipped); throws what the library throws on a malformed profile. */
export function decodeColumnar(raw: Uint8Array, share: SampleShare = WHOLE): ColumnarProfile {
  // The library calls `decodeValue` for each field of the profile and constructs the class `decode` was
  // called on, so a subclass sees each sample first; the class is made per call to carry the share.
  class Columnar extends Profile implements ColumnarProfile {
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
      const index = data.samplesSeen ?? 0;
      data.samplesSeen = index + 1;
      if (index % share.parts !== share.part) return;
      const sample = Sample.decode(buffer);
      data.columns ??= new SampleColumns();
      data.columns.add(sample.locationId, sample.value);
    }
  }
  // A plain Uint8Array view, not a Node Buffer: the decoder takes a subarray for every number, and
  // Buffer's subarray builds a Buffer object each time, which was a third of the decode.
  return Columnar.decode(new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength)) as Columnar;
}
