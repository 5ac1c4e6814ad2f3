/**
 * Collects a profile's samples into the model's columns while the profile is decoded: one growing typed array
 * per column instead of an object per sample, so the decoded samples are not garbage the collector keeps
 * copying.
 */
import type { ProfileSamples } from '../model/measurement';

export class SampleColumns {
  private count = 0;
  private locationIds = new Float64Array(1024);
  private locationCount = 0;
  private locationStarts = new Float64Array(1024);
  private values = new Float64Array(1024);
  private valueCount = 0;
  private valueStarts = new Float64Array(1024);

  /** Values and ids as the decoder gives them: numbers, or bigints past 2^53 (never an id or a count in practice). */
  add(locationIds: readonly (number | bigint)[], values: readonly (number | bigint)[]): void {
    this.locationStarts = ensureRoom(this.locationStarts, this.count + 2);
    this.locationStarts[this.count] = this.locationCount;
    this.valueStarts = ensureRoom(this.valueStarts, this.count + 2);
    this.valueStarts[this.count] = this.valueCount;
    this.locationIds = ensureRoom(this.locationIds, this.locationCount + locationIds.length);
    for (const id of locationIds) this.locationIds[this.locationCount++] = Number(id);
    this.values = ensureRoom(this.values, this.valueCount + values.length);
    for (const value of values) this.values[this.valueCount++] = Number(value);
    this.count++;
  }

  /**
   * The columns, each sample's values padded or cut to `width` (the profile's sample types): the format lets
   * a sample carry fewer values, and the model indexes them by type.
   */
  finish(width: number): ProfileSamples {
    this.locationStarts[this.count] = this.locationCount;
    this.valueStarts[this.count] = this.valueCount;
    const values = new Float64Array(this.count * width);
    for (let sample = 0; sample < this.count; sample++) {
      const start = this.valueStarts[sample] as number;
      const given = Math.min(width, (this.valueStarts[sample + 1] as number) - start);
      for (let index = 0; index < given; index++) values[sample * width + index] = this.values[start + index] as number;
    }
    return {
      count: this.count,
      locationIds: this.locationIds.slice(0, this.locationCount),
      locationStarts: this.locationStarts.slice(0, this.count + 1),
      values,
    };
  }
}

function ensureRoom(array: Float64Array<ArrayBuffer>, length: number): Float64Array<ArrayBuffer> {
  if (length <= array.length) return array;
  const grown = new Float64Array(Math.max(length, array.length * 2));
  grown.set(array);
  return grown;
}

/** The shares of one profile's samples, decoded apart, as one table: the order of samples does not matter. */
export function concatSamples(shares: readonly ProfileSamples[]): ProfileSamples {
  if (shares.length === 1) return shares[0] as ProfileSamples;
  const count = shares.reduce((sum, share) => sum + share.count, 0);
  const locationIds = new Float64Array(shares.reduce((sum, share) => sum + share.locationIds.length, 0));
  const locationStarts = new Float64Array(count + 1);
  const values = new Float64Array(shares.reduce((sum, share) => sum + share.values.length, 0));
  let sample = 0;
  let location = 0;
  let value = 0;
  for (const share of shares) {
    locationIds.set(share.locationIds, location);
    values.set(share.values, value);
    for (let index = 0; index < share.count; index++) locationStarts[sample + index] = location + (share.locationStarts[index] as number);
    sample += share.count;
    location += share.locationIds.length;
    value += share.values.length;
  }
  locationStarts[count] = location;
  return { count, locationIds, locationStarts, values };
}
