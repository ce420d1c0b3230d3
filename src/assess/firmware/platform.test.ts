import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceIdentity } from '../../core/records.ts';
import { loadAliasTable } from './aliases.ts';
import { platformOf } from './platform.ts';

const identity = (vendor: string, model?: string, firmwareVersion?: string, cpe?: string): DeviceIdentity => ({
  vendor,
  model,
  firmwareVersion,
  cpe,
  deviceType: 'router',
  confidence: 1,
  evidence: [],
});
const aliases = loadAliasTable();

test('firmware and hardware names from vendor, model and version', () => {
  const platform = platformOf(identity('D-Link', 'DIR-600', '2.15'), aliases);
  assert.deepEqual(platform.cpes, ['cpe:2.3:o:dlink:dir-600_firmware:2.15:*:*:*:*:*:*:*', 'cpe:2.3:h:dlink:dir-600:*:*:*:*:*:*:*:*']);
  assert.equal(platform.firmwareVersion, '2.15');
  // without a table the identity's own spelling is used
  assert.ok(platformOf(identity('D-Link', 'DIR-600')).cpes.includes('cpe:2.3:o:d-link:dir-600_firmware:*:*:*:*:*:*:*:*'));
});

test('a hardware revision after a blank becomes the hardware version', () => {
  const cpes = platformOf(identity('D-Link', 'DIR-605L B2', '2.01MT'), aliases).cpes;
  assert.ok(cpes.includes('cpe:2.3:o:dlink:dir-605l_firmware:2.01mt:*:*:*:*:*:*:*'));
  assert.ok(cpes.includes('cpe:2.3:h:dlink:dir-605l:b2:*:*:*:*:*:*:*'));
  assert.ok(cpes.includes('cpe:2.3:h:dlink:dir-605l_b2:*:*:*:*:*:*:*:*'));
  // a hyphenated suffix is part of the model
  const zyxel = platformOf(identity('ZyXEL', 'P-660H-D1', '3.40(AGD.2)'), aliases).cpes;
  assert.deepEqual(zyxel, ['cpe:2.3:o:zyxel:p-660h-d1_firmware:3.40\\(agd.2\\):*:*:*:*:*:*:*', 'cpe:2.3:h:zyxel:p-660h-d1:*:*:*:*:*:*:*:*']);
});

test('model exceptions and series prefixes from the alias table', () => {
  const dir820 = platformOf(identity('D-Link', 'DIR-820L A1', '1.05B03'), aliases).cpes;
  assert.ok(dir820.includes('cpe:2.3:o:dlink:dir820la1_firmware:1.05b03:*:*:*:*:*:*:*'));
  assert.ok(dir820.includes('cpe:2.3:h:dlink:dir820la1:*:*:*:*:*:*:*:*'));
  const aterm = platformOf(identity('NEC', 'Aterm WG300HP', '1.0'), aliases).cpes;
  assert.ok(aterm.includes('cpe:2.3:o:nec:wg300hp_firmware:1.0:*:*:*:*:*:*:*'));
  assert.ok(aterm.includes('cpe:2.3:h:nec:aterm_wg300hp:*:*:*:*:*:*:*:*'));
  const bare = platformOf(identity('NEC', 'WR8600N'), aliases).cpes;
  assert.ok(bare.includes('cpe:2.3:h:nec:atermwr8600n:*:*:*:*:*:*:*:*'));
});

test('the identity CPE is kept; no model means no product names', () => {
  const cpe = 'cpe:2.3:o:korvan:ipc-2120_firmware:5.4.2:*:*:*:*:*:*:*';
  assert.deepEqual(platformOf(identity('Korvan', undefined, '5.4.2', cpe), aliases).cpes, [cpe]);
  assert.deepEqual(platformOf(identity('Korvan'), aliases).cpes, []);
});
