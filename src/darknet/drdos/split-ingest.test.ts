import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCaptureWriter } from '../../lab/darknet/pcap-writer.ts';
import { generateDarknetCapture } from '../../lab/darknet/generate.ts';
import { openStore } from '../../store/open-store.ts';
import { scanFrames } from '../capture/reader.ts';
import { ingestCaptureFiles } from '../ingest-run.ts';

const darknet = '127.200.0.0/16';

/** Writes the frames of `file` before `splitMicros` to `first` and the rest to `second`. */
async function splitCapture(file: string, splitMicros: number, first: string, second: string): Promise<void> {
  const frames: Array<{ time: number; bytes: Uint8Array }> = [];
  await scanFrames(file, (frame) => {
    // A copy: the reader's buffer is reused (and a Buffer's slice is a view).
    frames.push({ time: frame.timeMicros, bytes: Uint8Array.from(frame.buffer.subarray(frame.offset, frame.offset + frame.captured)) });
  });
  const writers = [createCaptureWriter(first, { format: 'pcap', linkType: 101 }), createCaptureWriter(second, { format: 'pcap', linkType: 101 })];
  for (const frame of frames) await writers[frame.time < splitMicros ? 0 : 1]!.write(frame.time, frame.bytes);
  for (const writer of writers) await writer.close();
}

test('a capture split in two and read in two runs (in either order) stores the same DRDoS attacks as the whole capture', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-drdos-split-'));
  try {
    const file = join(directory, 'whole.pcap');
    const truth = await generateDarknetCapture({ file, format: 'pcap', darknet, durationSeconds: 6 * 3600, seed: 4, scale: 1 });
    // Split in the middle of the largest attack, so both files hold part of it.
    const largest = [...truth.drdos.attacks].sort((a, b) => b.packets - a.packets)[0]!;
    const split = ((Date.parse(largest.start) + Date.parse(largest.end)) / 2) * 1000;
    const [first, second] = [join(directory, 'first.pcap'), join(directory, 'second.pcap')];
    await splitCapture(file, split, first, second);

    const attacksAfter = async (batches: string[][]) => {
      const store = await openStore(join(directory, `${batches.flat().join('+').replaceAll('/', '_')}.sqlite`));
      try {
        for (const files of batches) await ingestCaptureFiles(files, { store, darknet, researchRanges: truth.researchRanges });
        // The attacks' facts; whether a piece touched its input's edge (and its merge state) is bookkeeping of each reading.
        return (await store.listDarknetAttacks({ qualified: true })).map(({ atInputStart, atInputEnd, reflectorSketch, ...facts }) => facts);
      } finally {
        await store.close();
      }
    };
    const whole = await attacksAfter([[file]]);
    assert.equal(whole.length, truth.drdos.attacks.length);
    assert.ok(
      whole.some((attack) => attack.victim === largest.victim && attack.packets === largest.packets),
      'the attack across the split is one attack with all its replies',
    );
    assert.deepEqual(await attacksAfter([[first], [second]]), whole, 'first half, then the second');
    assert.deepEqual(await attacksAfter([[second], [first]]), whole, 'second half, then the first');
    assert.deepEqual(await attacksAfter([[first, second]]), whole, 'both halves in one run');
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
