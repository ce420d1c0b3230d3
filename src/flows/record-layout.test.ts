/** The layout rules: which field of a template a flow's value is read from, when fields repeat or compete. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { element, fixedLayout, role, SLOTS_PER_ROLE, VARIABLE_LENGTH } from './record-layout.ts';

/** [offset, length, scale] of a role, or undefined when absent. */
function placed(layout: Int32Array, which: number): [number, number, number] | undefined {
  const slot = which * SLOTS_PER_ROLE;
  return layout[slot]! < 0 ? undefined : [layout[slot]!, layout[slot + 1]!, layout[slot + 2]!];
}

test('a delta count wins over a total count, whichever comes first; a total count alone is read', () => {
  const counts = [
    { which: role.octets, delta: element.octetDeltaCount, total: element.octetTotalCount },
    { which: role.packets, delta: element.packetDeltaCount, total: element.packetTotalCount },
  ];
  for (const { which, delta, total } of counts) {
    const totalFirst = fixedLayout([
      { id: total, length: 8 },
      { id: delta, length: 4 },
    ])!;
    assert.deepEqual(placed(totalFirst, which), [8, 4, 1]);
    const deltaFirst = fixedLayout([
      { id: delta, length: 4 },
      { id: total, length: 8 },
    ])!;
    assert.deepEqual(placed(deltaFirst, which), [0, 4, 1]);
    assert.deepEqual(placed(fixedLayout([{ id: total, length: 8 }])!, which), [0, 8, 1]);
  }
});

test("an address counts only with its family's length, and the last one wins", () => {
  const layout = fixedLayout([
    { id: element.sourceIPv4Address, length: 4 },
    { id: element.sourceIPv6Address, length: 4 },
    { id: element.destinationIPv4Address, length: 16 },
  ])!;
  assert.deepEqual(placed(layout, role.source), [0, 4, 1]);
  assert.equal(placed(layout, role.destination), undefined);
  const two = fixedLayout([
    { id: element.sourceIPv4Address, length: 4 },
    { id: element.sourceIPv6Address, length: 16 },
  ])!;
  assert.deepEqual(placed(two, role.source), [4, 16, 1]);
});

test('seconds are scaled to milliseconds; enterprise fields and unknown elements are skipped; variable length has no fixed layout', () => {
  const layout = fixedLayout([
    { id: element.flowStartSeconds, length: 4 },
    { id: element.sourceTransportPort, length: 2, enterprise: 9 },
    { id: 999, length: 2 },
    { id: element.flowEndMilliseconds, length: 8 },
  ])!;
  assert.deepEqual(placed(layout, role.startAbsolute), [0, 4, 1000]);
  assert.deepEqual(placed(layout, role.endAbsolute), [8, 8, 1]);
  assert.equal(placed(layout, role.sourcePort), undefined);
  assert.equal(fixedLayout([{ id: element.sourceIPv4Address, length: VARIABLE_LENGTH }]), undefined);
});
