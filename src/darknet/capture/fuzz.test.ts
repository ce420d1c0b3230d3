/**
 * Fuzz-style robustness on the real shared captures: truncated at many offsets and with bytes
 * flipped, plain and gzipped. Throw mode may only raise OpenNoticeError; skip mode never throws.
 * Deterministic (seeded PRNG) so a failure can be replayed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { OpenNoticeError } from '../../core/errors.ts';
import { scanCapture } from './reader.ts';
import { sharedData } from '../../../test/support/shared-data.ts';

const CAPTURES = sharedData('pcaps');
const CASES_PER_FILE = 24;
/** Mutations only need the headers and first records; long tails just cost time. */
const MAX_FUZZED_BYTES = 96 * 1024;

const files = readdirSync(CAPTURES)
  .filter((name) => /\.pcap(ng)?$/.test(name))
  .sort();

/** mulberry32: a tiny seeded generator so failures are reproducible. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function* once(bytes: Buffer): AsyncGenerator<Uint8Array> {
  yield bytes;
}

interface Outcome {
  packets: number;
  threw: boolean;
}

async function readBoth(bytes: Buffer, label: string): Promise<Outcome> {
  let threw = false;
  try {
    await scanCapture(once(bytes), () => {}, { name: label });
  } catch (error) {
    assert.ok(error instanceof OpenNoticeError, `${label}: threw ${String(error)}`);
    assert.equal(error.code, 'IMPORT_INVALID', label);
    threw = true;
  }
  const stats = await scanCapture(once(bytes), () => {}, { name: label, onCorrupt: 'skip' });
  if (threw) assert.ok(stats.skipped >= 1, `${label}: skip mode counts what throw mode rejected`);
  return { packets: stats.packets, threw };
}

test('truncated shared captures: OpenNoticeError or a clean prefix, never anything else', async () => {
  const random = seeded(4);
  let rejected = 0;
  for (const name of files) {
    const whole = readFileSync(join(CAPTURES, name));
    const full = (await scanCapture(once(whole), () => {})).packets;
    for (let i = 0; i < CASES_PER_FILE; i++) {
      const cut = Math.floor(random() * whole.length);
      const outcome = await readBoth(whole.subarray(0, cut), `${name} cut at ${cut}`);
      assert.ok(outcome.packets <= full, `${name} cut at ${cut}: no invented packets`);
      if (outcome.threw) rejected++;
    }
  }
  assert.ok(rejected > files.length, `most cuts land inside a record and are reported (${rejected})`);
});

test('byte-flipped shared captures (plain and gzipped): only OpenNoticeError, skip mode never throws', async () => {
  const random = seeded(10);
  let rejected = 0;
  for (const name of files) {
    const original = readFileSync(join(CAPTURES, name)).subarray(0, MAX_FUZZED_BYTES);
    for (let i = 0; i < CASES_PER_FILE; i++) {
      const mutated = Buffer.from(original);
      const flips = 1 + Math.floor(random() * 8);
      // Half the cases aim at the first 256 bytes, where the file and first record headers live.
      const span = i % 2 === 0 ? Math.min(256, mutated.length) : mutated.length;
      for (let f = 0; f < flips; f++) mutated[Math.floor(random() * span)] ^= 1 + Math.floor(random() * 255);
      const label = `${name} mutation ${i}`;
      if ((await readBoth(mutated, label)).threw) rejected++;
      if (i % 6 === 0) {
        const zipped = gzipSync(mutated);
        zipped[10 + Math.floor(random() * (zipped.length - 10))] ^= 0x55;
        await readBoth(zipped, `${label} gzipped and damaged`);
      }
    }
  }
  assert.ok(rejected > 0, 'some mutations are detected as corruption');
});

test('a corrupt capture or gzip stream names the file once in the printed error (found by npm run fuzz)', async () => {
  const cases = [Buffer.alloc(0), Buffer.from('d4c3b2a1', 'hex'), Buffer.from('1f8b08000000000000030300ff00', 'hex')];
  for (const bytes of cases) {
    const error = await scanCapture(once(bytes), () => {}, { name: 'dark.pcap' }).then(
      () => assert.fail('refused'),
      (thrown: unknown) => thrown,
    );
    assert.ok(error instanceof OpenNoticeError);
    assert.equal(error.context.file, 'dark.pcap');
    assert.equal(error.describe().split('dark.pcap').length - 1, 1, error.describe());
  }
});
