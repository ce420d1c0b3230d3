import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkVersionRange, compareVersions, compareVersionsDetailed, parseVersion, parseVersionRange } from './version.ts';

// [left, right, expected order (undefined = not comparable)]
const orderCases: Array<[string, string, -1 | 0 | 1 | undefined]> = [
  // plain dotted numbers
  ['1.0', '1.0', 0],
  ['1.0', '1.1', -1],
  ['1.10', '1.9', 1],
  ['1.2.3', '1.2.10', -1],
  ['2.0', '10.0', -1],
  ['1.0', '1.0.0', 0],
  ['1.0.0.0', '1', 0],
  ['1.0', '1.0.1', -1],
  ['1.0.1', '1.0', 1],
  ['3.0.0.4.376_3169', '3.0.0.4.374_4561', 1],
  ['3.0.0.4.374_4887', '3.0.0.4.374_4561', 1],
  ['5.148.724.2003', '5.148.724.2004', -1],
  ['12345678901234567890', '12345678901234567891', -1],
  // leading zeros compare as numbers
  ['1.0.05', '1.0.5', 0],
  ['1.05', '1.5', 0],
  ['08.41', '8.41', 0],
  ['1.007', '1.7', 0],
  // case and leading v
  ['1.02B03', '1.02b03', 0],
  ['V1.2.3', '1.2.3', 0],
  ['v1.2.3', 'V1.2.4', -1],
  ['ver1.5', '1.5', 0],
  ['Version 2.1', '2.1', 0],
  ['firmware_1.01.03', '1.01.03', 0],
  ['fw1.1', '1.1', 0],
  // build numbers inside the main version
  ['1.02b03', '1.02b04', -1],
  ['1.08b51', '1.08b39', 1],
  ['1.05b48', '1.06b43', -1],
  ['1.02.1', '1.02b03', 1],
  ['2.56_b5', '2.56_b6', -1],
  ['1.0.1.7c', '1.0.1.8j', -1],
  ['1.0.1.7f', '1.0.1.7c', 1],
  // D-Link compact notation
  ['105b03', '1.05b03', 0],
  ['105b03', '1.05B02', 1],
  ['101b03', '1.05b03', -1],
  // regional / vendor suffixes
  ['2.01mt', '2.01MT', 0],
  ['2.16', '2.16ww', -1],
  ['2.15ww', '2.16ww', -1],
  ['1.02na', '1.02na', 0],
  ['2.11na', '2.12', -1],
  // pre-release words sort before the release
  ['1.0rc1', '1.0', -1],
  ['1.0beta', '1.0', -1],
  ['1.0alpha', '1.0beta', -1],
  ['1.0beta2', '1.0rc1', -1],
  ['1.06 beta1', '1.06', -1],
  ['1.06 beta1', '1.06 beta2', -1],
  ['1.06 beta1', '1.06beta1', 0],
  ['2.32 prebeta', '2.32 beta', -1],
  ['1.26rc55', '1.26', -1],
  ['2.05_beta1', '2.05.1', -1],
  ['1.0-rc1', '1.0.1', -1],
  // trailing build / release qualifiers
  ['1.0.5 Build 20190617 rel.44209', '1.0.5 Build 20190617 rel.44209', 0],
  ['1.0.5 Build 20190617 rel.44209', '1.0.6', -1],
  ['1.0.5 Build 20190617 rel.44209', '1.0.4', 1],
  ['1.0.5 Build 20190617 rel.44209', '1.0.5 Build 20190701 rel.40000', -1],
  ['1.0.5 Build 20190617 rel.44209', '1.0.5 Build 20190617 rel.44210', -1],
  ['1.0.5 Build 20190617 rel.44209', '1.0.5', 0],
  ['V1.0.0.20(C1)', '1.0.0.20', 0],
  ['V1.0.0.20(C1)', 'v1.0.0.20(c2)', -1],
  ['V1.0.0.20(C1)', '1.0.0.21', -1],
  ['2.1.0_build20160311', '2.1.0_build20160401', -1],
  ['2.1.0_build20160311', '2.1.0', 0],
  ['6.0.1_build_993', '6.0.1_build_995', -1],
  ['1.0.0.8(3856)', '1.0.0.8(3900)', -1],
  // Zyxel: version, then (model code . patch), then C-number
  ['V5.21(AAZF.14)C0', '5.21\\(aazf.14\\)c0', 0],
  ['V5.21(AAZF.13)C0', '5.21\\(aazf.14\\)c0', -1],
  ['V5.20(ABAG.11)C0', '5.21\\(aazf.14\\)c0', -1],
  ['V5.21(ABAG.11)C0', '5.21\\(aazf.14\\)c0', undefined],
  ['3.40\\(agd.2\\)', '3.40(AGD.3)', -1],
  // Huawei VRP style
  ['v200r001c00spc100', 'v200r001c00spc200', -1],
  ['V200R002C00', 'v200r001c00spc600', 1],
  ['v100r005', 'v100r005c01', -1],
  // dates
  ['2019-06-17', '20190617', 0],
  ['2019.06.17', '20190617', 0],
  ['2019.6.1', '2019.06.01', 0],
  ['2019/6/17', '2019-06-18', -1],
  ['2015-10-06', '2015-10-6', 0],
  ['141217', '150104', -1],
  ['1.0.0 build 2019-06-17', '1.0.0 build 20190618', -1],
  // not comparable
  ['xcp', '1.0', undefined],
  ['-', '1.0', undefined],
  ['*', '1.0', undefined],
  ['', '1.0', undefined],
  ['webui-13.100.09.00.03', '21.344.19.00.1080', undefined],
  ['r1.1', '1.1', undefined],
  ['jul.2016', 'jul.2017', -1],
];

for (const [left, right, expected] of orderCases) {
  test(`compareVersions(${JSON.stringify(left)}, ${JSON.stringify(right)}) = ${expected}`, () => {
    assert.equal(compareVersions(left, right), expected);
    // antisymmetry: swapping the operands flips the order
    const swapped = compareVersions(right, left);
    assert.equal(swapped, expected === undefined ? undefined : expected === 0 ? 0 : -expected);
  });
}

test('exactness: plain numbers are exact, guesses are not', () => {
  assert.equal(compareVersionsDetailed('1.0.05', '1.0.5')?.exact, true);
  assert.equal(compareVersionsDetailed('1.0rc1', '1.0')?.exact, true);
  assert.equal(compareVersionsDetailed('105b03', '1.05b03')?.exact, false);
  assert.equal(compareVersionsDetailed('1.0.5 build 3', '1.0.5')?.exact, false);
  assert.equal(compareVersionsDetailed('2.16', '2.16ww')?.exact, false);
  assert.equal(compareVersionsDetailed('1.02.1', '1.02b03')?.exact, false);
});

test('parseVersion splits main version and qualifier', () => {
  const parsed = parseVersion('1.0.5 Build 20190617 rel.44209');
  assert.deepEqual(parsed?.main, ['1', '0', '5']);
  assert.deepEqual(parsed?.qualifier, ['build', '20190617', 'rel', '44209']);
  assert.deepEqual(parseVersion('V5.21(AAZF.14)C0')?.qualifier, ['aazf', '14', 'c', '0']);
  assert.deepEqual(parseVersion('1.06 beta1')?.main, ['1', '6', 'beta', '1']);
  assert.equal(parseVersion('no digits here'), undefined);
});

test('range check: inside, outside, unknown', () => {
  const upTo216 = parseVersionRange({ versionEndIncluding: '2.16ww' });
  assert.equal(checkVersionRange(parseVersion('2.15')!, upTo216).state, 'inside');
  assert.equal(checkVersionRange(parseVersion('2.16WW')!, upTo216).state, 'inside');
  assert.equal(checkVersionRange(parseVersion('2.17')!, upTo216).state, 'outside');
  const before151 = parseVersionRange({ versionEndExcluding: '1.5.1' });
  assert.deepEqual(checkVersionRange(parseVersion('1.5.0')!, before151), { state: 'inside', exact: true });
  assert.equal(checkVersionRange(parseVersion('1.5.1')!, before151).state, 'outside');
  const between = parseVersionRange({ versionStartIncluding: '4.1', versionEndExcluding: '4.1.12' });
  assert.equal(checkVersionRange(parseVersion('4.1.11')!, between).state, 'inside');
  assert.equal(checkVersionRange(parseVersion('4.0.9')!, between).state, 'outside');
  assert.equal(checkVersionRange(parseVersion('4.1')!, between).state, 'inside');
  const startExcluding = parseVersionRange({ versionStartExcluding: '2.0' });
  assert.equal(checkVersionRange(parseVersion('2.0')!, startExcluding).state, 'outside');
  assert.equal(checkVersionRange(parseVersion('2.0.1')!, startExcluding).state, 'inside');
  // an unreadable bound never yields "inside"
  const unreadable = parseVersionRange({ versionStartIncluding: 'xcp', versionEndExcluding: 'xcp_1121' });
  assert.equal(checkVersionRange(parseVersion('1.0')!, unreadable).state, 'unknown');
  // ...but another bound can still rule the version out
  const mixed = parseVersionRange({ versionStartIncluding: 'xcp', versionEndExcluding: '2.0' });
  assert.equal(checkVersionRange(parseVersion('3.0')!, mixed).state, 'outside');
  // Zyxel codes that differ cannot be ordered
  const zyxel = parseVersionRange({ versionEndIncluding: '5.21\\(aazf.14\\)c0' });
  assert.equal(checkVersionRange(parseVersion('V5.21(ABAG.11)C0')!, zyxel).state, 'unknown');
  assert.equal(checkVersionRange(parseVersion('V5.21(AAZF.12)C0')!, zyxel).state, 'inside');
});

test('a lone "b" equals a spelled-out "beta" (D-Link 1.06B01 = NVD 1.06 update beta1), as a guess', () => {
  assert.deepEqual(compareVersionsDetailed('1.06B01', '1.06 beta1'), { order: 0, exact: false });
  assert.equal(compareVersions('1.06b02', '1.06 beta1'), 1);
  assert.equal(compareVersions('1.06b01', '1.06'), 1, 'still above the plain release, as before');
});
