import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceIdentity, SoftwareComponent } from '../../core/records.ts';
import { formatCpe } from '../../identify/cpe.ts';
import { componentCveRecords } from '../../../test/support/component-cves.ts';
import { createNaiveMatcher, createVulnerabilityMatcher } from './matcher.ts';
import { platformOf } from './platform.ts';

const { records, skipped } = componentCveRecords();

const matcher = createVulnerabilityMatcher(records);

function component(product: string, cpeVendor: string, cpeProduct: string, version: string | undefined, port = 22): SoftwareComponent {
  return {
    product,
    ...(version === undefined ? {} : { version }),
    cpe: formatCpe({ part: 'a', vendor: cpeVendor, product: cpeProduct, version }),
    ruleId: `component-${product.toLowerCase()}`,
    protocol: port === 22 ? 'ssh' : 'ftp',
    port,
  };
}

const dropbear = (version?: string) => component('dropbear', 'dropbear_ssh_project', 'dropbear_ssh', version);
const busybox = (version: string) => component('BusyBox', 'busybox', 'busybox', version, 23);
const vsftpd = (version: string) => component('vsftpd', 'vsftpd_project', 'vsftpd', version, 21);

function device(facts: Partial<DeviceIdentity>): DeviceIdentity {
  return { deviceType: 'other', confidence: 0.9, evidence: [], components: [], ...facts };
}

const matchesOf = (identity: DeviceIdentity, includeNotAffected = false) => matcher.match(platformOf(identity, matcher.aliases), { includeNotAffected });

test('the records the test writes are read as NVD records', () => {
  assert.deepEqual(skipped, []);
  assert.equal(records.length, 5);
});

test('a component in a CVE range is affected, and the match says the component decided it', () => {
  const [match, ...others] = matchesOf(device({ components: [dropbear('2014.63')] }));
  assert.deepEqual(others, []);
  assert.equal(match?.cveId, 'CVE-2016-7406');
  assert.equal(match?.state, 'affected');
  assert.equal(match?.confidence, 0.95);
  assert.deepEqual(match?.matchedOn, [
    { kind: 'component', product: 'dropbear', version: '2014.63', cpe: 'cpe:2.3:a:dropbear_ssh_project:dropbear_ssh:2014.63:*:*:*:*:*:*:*' },
  ]);
  assert.equal(match?.evidence, 'component dropbear 2014.63: dropbear_ssh_project:dropbear_ssh 2014.63 in range ≤ 2016.73');
});

test('a component past the range is not affected (listed only when asked, still naming the component)', () => {
  assert.deepEqual(matchesOf(device({ components: [dropbear('2016.74')] })), []);
  const [notAffected] = matchesOf(device({ components: [dropbear('2016.74')] }), true);
  assert.equal(notAffected?.state, 'not-affected');
  assert.equal(notAffected?.matchedOn[0]?.kind, 'component');
});

test("a component that showed no version is unknown, never judged by the device firmware's version", () => {
  // 2015.01 would be inside the dropbear range if the firmware version leaked into the component.
  const [match] = matchesOf(device({ vendor: 'Acme', model: 'X1', firmwareVersion: '2015.01', components: [dropbear(undefined)] }));
  assert.equal(match?.cveId, 'CVE-2016-7406');
  assert.equal(match?.state, 'unknown');
  assert.match(match?.evidence ?? '', /^component dropbear: dropbear_ssh_project:dropbear_ssh: device version not read/);
});

test('device firmware and components are matched together, each CVE saying which one matched', () => {
  const identity = device({
    vendor: 'D-Link',
    model: 'DIR-600',
    firmwareVersion: '2.15',
    deviceType: 'router',
    components: [busybox('1.19.4'), dropbear('2017.75')],
  });
  const matches = matchesOf(identity);
  assert.deepEqual(
    matches.map((match) => [match.cveId, match.state, match.matchedOn.map((on) => (on.kind === 'component' ? on.product : on.kind))]),
    [
      ['CVE-2014-100005', 'affected', ['device-firmware']],
      ['CVE-2022-28391', 'affected', ['BusyBox']],
    ],
  );
  assert.doesNotMatch(matches[0]!.evidence, /^component/, 'device-firmware evidence reads as before');
});

test('a device known only by its software is matched; an older NVD vendor spelling of a component is joined by the alias table', () => {
  const identity = device({ components: [vsftpd('2.3.4')] });
  assert.equal(identity.vendor, undefined);
  assert.deepEqual(
    matchesOf(identity).map((match) => [match.cveId, match.state]),
    [
      ['CVE-2011-2523', 'affected'],
      ['CVE-2015-1419', 'affected'],
    ],
  );
  assert.deepEqual(
    matchesOf(device({ components: [vsftpd('3.0.3')] })).map((match) => match.cveId),
    [],
  );
});

test('the index finds component records exactly as evaluating every record does', () => {
  const naive = createNaiveMatcher(records);
  const platforms = [
    device({ components: [dropbear('2014.63'), busybox('1.35.0')] }),
    device({ components: [dropbear(undefined), vsftpd('3.0.2')] }),
    device({ vendor: 'D-Link', model: 'DIR-600', firmwareVersion: '2.17', components: [busybox('1.36.1')] }),
  ].map((identity) => platformOf(identity, matcher.aliases));
  for (const platform of platforms) assert.deepEqual(matcher.match(platform), naive.match(platform));
});
