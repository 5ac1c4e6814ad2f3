/**
 * Decoding a profile into columns and attributing its samples by shared stack prefixes give the same sites,
 * bytes, objects and callees as the plain reading of the format: each sample on its own, its stack walked
 * innermost first to the first workspace frame. Random profiles are encoded with the pprof-format library,
 * the same library the decoder uses, so nothing here writes protobuf by hand.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Function as PprofFunction, Line, Location, Profile, Sample, StringTable, ValueType } from 'pprof-format';
import { decodeColumnar } from '../../server/src/engine/columnarProfile';
import { decodeAllocationProfile } from '../../server/src/engine/decodeAllocationProfile';
import { startShareWorkers } from '../../server/src/engine/profileWorkers';
import { concatSamples } from '../../server/src/engine/sampleColumns';
import { attributeSamples } from '../../server/src/measurement/attributeSamples';
import type { ResolvedPath } from '../../server/src/measurement/profilePaths';
import type { ProfileSamples } from '../../server/src/model/measurement';

const SAMPLE_TYPES = ['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space'];

/** Functions 1…8: the even ones are the workspace's (file ws/…), the odd ones another package's. */
const FUNCTIONS = [1, 2, 3, 4, 5, 6, 7, 8].map((id) => ({
  id,
  name: id % 2 === 0 ? `example.com/ws.F${id}` : `strings.G${id}`,
  file: id % 2 === 0 ? `/ws/f${id}.go` : `/go/src/strings/g${id}.go`,
}));

const resolve = (file: string): ResolvedPath =>
  file.startsWith('/ws/') ? { kind: 'workspace', file, module: { path: 'example.com/ws', directory: '/ws' } } : { kind: 'goroot', file };

const locationArbitrary = fc.array(fc.record({ functionId: fc.integer({ min: 1, max: 8 }), line: fc.integer({ min: 1, max: 4 }) }), {
  minLength: 1,
  maxLength: 3,
});
const profileArbitrary = fc.record({
  locations: fc.array(locationArbitrary, { minLength: 1, maxLength: 8 }),
  samples: fc.array(
    fc.record({
      stack: fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
      // Fewer values than sample types is allowed by the format: the missing ones count as zero.
      values: fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 2, maxLength: 4 }),
    }),
    { maxLength: 40 },
  ),
});

type Generated = typeof profileArbitrary extends fc.Arbitrary<infer T> ? T : never;

function encode(generated: Generated): Uint8Array {
  const strings = new StringTable();
  const functions = FUNCTIONS.map(
    (fn) => new PprofFunction({ id: fn.id, name: strings.dedup(fn.name), filename: strings.dedup(fn.file), startLine: 1 }),
  );
  const locations = generated.locations.map(
    (lines, index) =>
      new Location({ id: index + 1, line: lines.map((line) => new Line({ functionId: line.functionId, line: line.line })) }),
  );
  const samples = generated.samples.map(
    (sample) =>
      new Sample({
        locationId: sample.stack.map((pick) => (pick % generated.locations.length) + 1),
        value: sample.values,
      }),
  );
  return new Profile({
    sampleType: SAMPLE_TYPES.map((type) => new ValueType({ type: strings.dedup(type), unit: strings.dedup('count') })),
    sample: samples,
    location: locations,
    function: functions,
    stringTable: strings,
    period: 1,
  }).encode();
}

/** The plain reading: one sample at a time, its frames innermost first, the first workspace frame is the site. */
function reference(generated: Generated): Map<string, { bytes: number; objects: number; callees: Map<string, number> }> {
  const sites = new Map<string, { bytes: number; objects: number; callees: Map<string, number> }>();
  for (const sample of generated.samples) {
    const objects = sample.values[0] ?? 0;
    const bytes = sample.values[1] ?? 0;
    if (bytes === 0 && objects === 0) continue;
    const frames = sample.stack.flatMap((pick) => generated.locations[pick % generated.locations.length] ?? []);
    const siteIndex = frames.findIndex((frame) => frame.functionId % 2 === 0);
    if (siteIndex < 0) continue;
    const site = frames[siteIndex] as { functionId: number; line: number };
    const key = `example.com/ws.F${site.functionId}:${site.line}`;
    const entry = sites.get(key) ?? { bytes: 0, objects: 0, callees: new Map<string, number>() };
    entry.bytes += bytes;
    entry.objects += objects;
    const callee = frames
      .slice(0, siteIndex)
      .map((frame) => `strings.G${frame.functionId}`)
      .join('\0');
    entry.callees.set(callee, (entry.callees.get(callee) ?? 0) + bytes);
    sites.set(key, entry);
  }
  return sites;
}

test('columns and shared stack prefixes attribute every sample as the plain reading does', async () => {
  await fc.assert(
    fc.asyncProperty(profileArbitrary, async (generated) => {
      const decoded = await decodeAllocationProfile(encode(generated));
      assert.ok(decoded.ok);
      assert.equal(decoded.profile.samples.count, generated.samples.length);
      const attribution = attributeSamples(decoded.profile, { resolve, sampleType: 'alloc_space' });
      const actual = new Map(
        attribution.sites.map((site) => [
          `${site.functionName}:${site.line}`,
          {
            bytes: site.bytes,
            objects: site.objects,
            callees: new Map(
              [...site.callees.values()].map((callee) => [callee.frames.map((frame) => frame.functionName).join('\0'), callee.bytes]),
            ),
          },
        ]),
      );
      assert.deepEqual(actual, reference(generated));
    }),
    { numRuns: 300 },
  );
});

test('samples split into shares and joined again are the samples decoded whole, in another order', () => {
  fc.assert(
    fc.property(profileArbitrary, fc.integer({ min: 1, max: 4 }), (generated, parts) => {
      const raw = encode(generated);
      const whole = decodeColumnar(raw).columns.finish(SAMPLE_TYPES.length);
      const shares = Array.from({ length: parts }, (_, part) => decodeColumnar(raw, { part, parts }).columns.finish(SAMPLE_TYPES.length));
      assert.deepEqual(sampleRows(concatSamples(shares)), sampleRows(whole));
    }),
    { numRuns: 200 },
  );
});

test('worker threads decode their shares of a profile, and the whole comes out as decoded on one thread', async () => {
  const generated: Generated = {
    locations: [[{ functionId: 2, line: 1 }], [{ functionId: 3, line: 2 }], [{ functionId: 4, line: 3 }]],
    samples: Array.from({ length: 5000 }, (_, index) => ({ stack: [index % 3, (index + 1) % 3], values: [1, 16 + (index % 64)] })),
  };
  // A Node Buffer, as gunzip gives: the workers' copies must not take its bytes away.
  const raw = Buffer.from(encode(generated));
  const workers = startShareWorkers(raw, 3);
  const results = await workers.results;
  assert.deepEqual(
    results.map((result) => result?.ok && result.samples.count),
    [1667, 1667, 1666],
    'each worker decoded every third sample (this needs the build: dist/profileWorker.js)',
  );
  const split = await decodeAllocationProfile(raw, 'the profile', 3);
  const single = await decodeAllocationProfile(raw, 'the profile', 1);
  assert.ok(split.ok && single.ok);
  assert.deepEqual(sampleRows(split.profile.samples), sampleRows(single.profile.samples));
});

/** Each sample as `ids|values`, sorted: the table's content without its order. */
function sampleRows(samples: ProfileSamples): string[] {
  const width = samples.count === 0 ? 0 : samples.values.length / samples.count;
  return Array.from({ length: samples.count }, (_, index) => {
    const ids = samples.locationIds.subarray(samples.locationStarts[index], samples.locationStarts[index + 1]);
    return `${[...ids].join(',')}|${[...samples.values.subarray(index * width, (index + 1) * width)].join(',')}`;
  }).sort();
}

test('a benchmark’s samples are those whose stack passes through it', async () => {
  const generated: Generated = {
    locations: [[{ functionId: 2, line: 1 }], [{ functionId: 4, line: 2 }], [{ functionId: 6, line: 3 }]],
    samples: [
      { stack: [0, 1], values: [1, 100] },
      { stack: [0, 2], values: [2, 200] },
      { stack: [1], values: [4, 400] },
    ],
  };
  const decoded = await decodeAllocationProfile(encode(generated));
  assert.ok(decoded.ok);
  const within = (functionName: string) => functionName === 'example.com/ws.F6';
  const attribution = attributeSamples(decoded.profile, { resolve, sampleType: 'alloc_space', within });
  assert.deepEqual(
    attribution.sites.map((site) => [site.functionName, site.line, site.bytes, site.objects]),
    [['example.com/ws.F2', 1, 200, 2]],
  );
  assert.equal(attribution.attributedSamples, 1);
});

test('a broken sample is reported as a broken profile, whether one thread or the workers decode it', async () => {
  const generated: Generated = {
    locations: [[{ functionId: 2, line: 1 }]],
    samples: [
      { stack: [0], values: [1, 16] },
      { stack: [0], values: [5, 7] },
    ],
  };
  const raw = encode(generated);
  // The second sample's first field, `0a 01 01` (location ids, length-delimited), given wire type 7,
  // which does not exist.
  const sample = Buffer.from([0x0a, 0x01, 0x01, 0x12, 0x02, 0x05, 0x07]);
  const at = Buffer.from(raw).indexOf(sample);
  assert.ok(at > 0, 'the sample is in the encoded profile');
  const broken = Uint8Array.from(raw);
  broken[at] = 0x0f;
  for (const parts of [1, 2]) {
    const decoded = await decodeAllocationProfile(broken, 'heap.pb', parts);
    assert.equal(decoded.ok, false, `${parts} part(s)`);
    assert.match(decoded.ok ? '' : decoded.message, /^heap\.pb is not a pprof profile \(.+\)\.$/);
  }
});
