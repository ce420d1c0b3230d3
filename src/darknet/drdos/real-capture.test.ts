/**
 * A real reflection attack (the shared StopDDoS capture of a Dahua DHDiscover and BACnet
 * amplification against one address, 9 617 packets over 25 ms) through the classifier and the
 * attack tracker: what comes out must be sane and named.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DarknetAttack, DarknetWindow } from '../../core/records.ts';
import { sharedData } from '../../../test/support/shared-data.ts';
import { createDarknetIngest } from '../ingest.ts';

test('a real DHDiscover/BACnet amplification capture: replies are backscatter, no reflector is a scanner, the attack is named with its reflectors', async () => {
  const windows: DarknetWindow[] = [];
  const attacks: DarknetAttack[] = [];
  const ingest = createDarknetIngest({
    darknet: '10.10.10.0/24',
    researchRanges: [],
    periods: [86_400],
    onWindow: (window) => {
      windows.push(window);
    },
    onAttacks: (ended) => {
      attacks.push(...ended);
    },
  });
  const stats = await ingest.read(join(sharedData('pcaps'), 'stopddos-udp-37810-iot-amp.pcapng'));
  await ingest.finish();
  assert.equal(stats.packets, 9617);
  const [day] = windows;
  assert.equal(windows.length, 1);
  assert.equal(day!.scanners, 0, 'reflectors answer, they do not scan');
  // UDP from 37810 and 47808 and the victim's ICMP errors; what stays a probe is the few datagrams port to same port and from unlisted ports.
  assert.ok(day!.classTotals.backscatter! >= 9000, `backscatter ${day!.classTotals.backscatter}`);
  assert.ok(day!.backscatterSources > 5000, `${day!.backscatterSources} reflectors judged backscatter`);

  const byProtocol = new Map(attacks.map((attack) => [attack.protocol, attack]));
  assert.deepEqual([...byProtocol.keys()].sort(), ['bacnet', 'dhdiscover']);
  for (const [protocol, packets] of [
    ['dhdiscover', 2377],
    ['bacnet', 6735],
  ] as const) {
    const attack = byProtocol.get(protocol)!;
    assert.equal(attack.victim, '10.10.10.1');
    assert.equal(attack.packets, packets);
    assert.ok(attack.bytes > attack.packets * 28, 'bytes are the replies’ IP lengths');
    // 25 ms of an attack: each reflector answered once or twice (the sketch is within 20 %).
    assert.ok(attack.reflectors > packets * 0.4 && attack.reflectors <= packets * 1.2, `${protocol}: ${attack.reflectors} reflectors for ${packets} replies`);
    // The snippet is shorter than the idle time at both ends: kept as a piece to merge with the rest of the attack.
    assert.ok(attack.atInputStart && attack.atInputEnd && attack.reflectorSketch?.startsWith('h:'));
  }
  assert.equal(byProtocol.get('dhdiscover')!.qualified, false, 'one reply per reflector in 25 ms is not yet an attack by the thresholds');
});
