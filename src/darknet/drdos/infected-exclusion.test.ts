import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildUdp, ipv4Bytes } from '../../lab/darknet/packet-builders.ts';
import { createCaptureWriter } from '../../lab/darknet/pcap-writer.ts';
import { openStore } from '../../store/open-store.ts';
import { ingestCaptureFiles } from '../ingest-run.ts';

const darknet = '127.200.0.0/16';
const t0 = Date.UTC(2026, 0, 1) * 1000;

test('a reflector inside the surveyed space answering a carpet-bombing attack is backscatter, never an infected finding; a UDP scanner beside it is', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-drdos-infected-'));
  const store = await openStore(join(directory, 'store.sqlite'));
  try {
    const file = join(directory, 'carpet.pcap');
    const writer = createCaptureWriter(file, { format: 'pcap', linkType: 101 });
    // Over one hour: an open NTP server of an ISP's customer (127.77.0.5) answers spoofed
    // requests for 400 darknet addresses, and a bot (127.77.0.6) probes as many with UDP.
    for (let index = 0; index < 400; index++) {
      const time = t0 + index * 9e6;
      const target = ipv4Bytes(0x7fc80000 + index * 97);
      await writer.write(time, buildUdp({ src: ipv4Bytes('127.77.0.5'), dst: target, srcPort: 123, dstPort: 40_000 + index, payload: new Uint8Array(440) }));
      await writer.write(time + 1, buildUdp({ src: ipv4Bytes('127.77.0.6'), dst: target, srcPort: 5000, dstPort: 5060, payload: new Uint8Array(20) }));
    }
    await writer.close();
    const summary = await ingestCaptureFiles([file], { store, darknet, researchRanges: [], space: ['127.77.0.0/16'] });
    const infected = await store.listFindings({ kind: 'infected' });
    assert.deepEqual(
      infected.map((finding) => finding.ip),
      ['127.77.0.6'],
    );
    const [day] = await store.listDarknetWindows({ periodSeconds: 86_400 });
    assert.equal(day!.classTotals.backscatter, 400);
    assert.equal(day!.backscatterSources, 1);
    assert.deepEqual(
      day!.judged.map((source) => source.ip),
      ['127.77.0.6'],
    );
    // One reflector for each victim: no attack.
    assert.equal(summary.attacks, 0);
  } finally {
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  }
});
