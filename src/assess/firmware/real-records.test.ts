/** The engine on real NVD records (../shared/data/nvd): what the records say, asserted. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceIdentity } from '../../core/records.ts';
import { createVulnerabilityMatcher } from './matcher.ts';
import { platformOf } from './platform.ts';
import { loadSharedNvdRecords } from '../../../test/support/nvd-records.ts';

const records = loadSharedNvdRecords();
const matcher = createVulnerabilityMatcher(records);
const identity = (vendor: string, model: string, firmwareVersion?: string): DeviceIdentity => ({
  vendor,
  model,
  firmwareVersion,
  deviceType: 'router',
  confidence: 1,
  evidence: [],
});
const resultFor = (cveId: string, device: DeviceIdentity) =>
  matcher.match(platformOf(device, matcher.aliases), { includeNotAffected: true }).find((match) => match.cveId === cveId);
const stateOf = (cveId: string, device: DeviceIdentity) => resultFor(cveId, device)?.state ?? 'not-affected';

test('all 470 shared records load and compile', () => {
  assert.equal(records.length, 470);
  assert.equal(matcher.size, 470);
});

test('CVE-2021-40655 (DIR-605L): firmware 2.01mt AND hardware revision b2', () => {
  const affected = resultFor('CVE-2021-40655', identity('D-Link', 'DIR-605L B2', '2.01MT'));
  assert.equal(affected?.state, 'affected');
  assert.match(affected?.evidence ?? '', /dir-605l_firmware 2\.01mt = 2\.01mt/);
  assert.equal(stateOf('CVE-2021-40655', identity('D-Link', 'DIR-605L B2', '2.02')), 'not-affected');
  assert.equal(stateOf('CVE-2021-40655', identity('D-Link', 'DIR-605L A1', '2.01MT')), 'not-affected');
  // right firmware, revision not shown: cannot tell
  assert.equal(stateOf('CVE-2021-40655', identity('D-Link', 'DIR-605L', '2.01mt')), 'unknown');
  assert.equal(stateOf('CVE-2021-40655', identity('D-Link', 'DIR-605L B2')), 'unknown');
  assert.equal(stateOf('CVE-2021-40655', identity('D-Link', 'DIR-600', '2.01MT')), 'not-affected');
});

test('CVE-2020-15415 (DrayTek Vigor 2960/300B/3900): firmware < 1.5.1', () => {
  for (const model of ['Vigor2960', 'Vigor300B', 'Vigor3900']) {
    assert.equal(stateOf('CVE-2020-15415', identity('DrayTek', model, '1.5.0')), 'affected', model);
    assert.equal(stateOf('CVE-2020-15415', identity('DrayTek', model, '1.4.4')), 'affected', model);
    assert.equal(stateOf('CVE-2020-15415', identity('DrayTek', model, '1.5.1')), 'not-affected', model);
    assert.equal(stateOf('CVE-2020-15415', identity('DrayTek', model)), 'unknown', model);
  }
  assert.equal(stateOf('CVE-2020-15415', identity('DrayTek', 'Vigor2760', '1.0')), 'not-affected');
});

test('CVE-2023-25280 (DIR-820L A1): firmware 105b03 read as 1.05B03', () => {
  const result = resultFor('CVE-2023-25280', identity('D-Link', 'DIR-820L A1', '1.05B03'));
  assert.equal(result?.state, 'affected');
  assert.ok((result?.confidence ?? 1) < 0.95, 'the compact notation is a guess');
  assert.equal(stateOf('CVE-2023-25280', identity('D-Link', 'DIR-820L A1', '1.05B04')), 'not-affected');
  assert.equal(stateOf('CVE-2023-25280', identity('D-Link', 'DIR-820L A1')), 'unknown');
});

test('CVE-2014-100005 (DIR-600): firmware ≤ 2.16ww on DIR-600 hardware', () => {
  assert.equal(stateOf('CVE-2014-100005', identity('D-Link', 'DIR-600', '2.15')), 'affected');
  assert.equal(stateOf('CVE-2014-100005', identity('D-Link', 'DIR-600', '2.16WW')), 'affected');
  assert.equal(stateOf('CVE-2014-100005', identity('dlink', 'DIR-600', '2.17')), 'not-affected');
  assert.equal(stateOf('CVE-2014-100005', identity('D-Link', 'DIR-600')), 'unknown');
  assert.equal(stateOf('CVE-2014-100005', identity('D-Link', 'DIR-615', '2.15')), 'not-affected');
});

test('CVE-2014-8361 (Realtek SDK via DIR-605L rev A1/B1): range 2.00..2.04 with the revision', () => {
  const record = records.find((entry) => entry.cveId === 'CVE-2014-8361');
  assert.ok(
    record?.configurations.some((configuration) => configuration.nodes.some((node) => node.cpeMatch.some((match) => match.criteria.includes('dir-605l')))),
  );
  assert.equal(stateOf('CVE-2014-8361', identity('D-Link', 'DIR-605L B1', '2.01')), 'affected');
  assert.equal(stateOf('CVE-2014-8361', identity('D-Link', 'DIR-605L B1', '2.05')), 'not-affected');
  assert.equal(stateOf('CVE-2014-8361', identity('D-Link', 'DIR-605L B2', '2.01')), 'not-affected');
});

test('vendor spelling variants of the same product match the same records', () => {
  const dlink = matcher.match(platformOf(identity('D-Link', 'DIR-600', '2.15'), matcher.aliases)).map((match) => match.cveId);
  const plain = matcher.match(platformOf(identity('dlink', 'DIR-600', '2.15'))).map((match) => match.cveId);
  assert.ok(dlink.includes('CVE-2014-100005'));
  assert.deepEqual(plain, dlink);
});

test('Zyxel versions with model codes: same code compares, another code is unknown', () => {
  const zyxel = records.find((record) => JSON.stringify(record.configurations).includes('5.21\\\\(aazf.14\\\\)c0'));
  assert.ok(zyxel, 'a record with versionEndIncluding 5.21(aazf.14)c0');
  const criterion = zyxel.configurations
    .flatMap((c) => c.nodes)
    .flatMap((n) => n.cpeMatch)
    .find((m) => m.versionEndIncluding === '5.21\\(aazf.14\\)c0');
  const product = criterion?.criteria.split(':')[4].replace(/_firmware$/, '') ?? '';
  assert.equal(stateOf(zyxel.cveId, identity('ZyXEL', product, 'V5.21(AAZF.10)C0')), 'affected');
  assert.equal(stateOf(zyxel.cveId, identity('ZyXEL', product, 'V5.30(AAZF.0)C0')), 'not-affected');
});
