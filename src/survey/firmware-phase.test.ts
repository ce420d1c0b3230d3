import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceIdentity } from '../core/records.ts';
import { createVulnerabilityMatcher } from '../assess/firmware/matcher.ts';
import { platformOf } from '../assess/firmware/platform.ts';
import type { AffectedCve } from '../assess/firmware/types.ts';
import { componentCveRecords } from '../../test/support/component-cves.ts';
import { assessFirmware, type FirmwareAssessor } from './firmware-phase.ts';

const { records } = componentCveRecords();
const matcher = createVulnerabilityMatcher(records);
const byId = new Map(records.map((record) => [record.cveId, record]));
const assessor: FirmwareAssessor = {
  size: records.length,
  match: (identity) => matcher.match(platformOf(identity, matcher.aliases)),
  vulnerability: (cveId) => byId.get(cveId),
  kev: () => undefined,
};

/** A router whose web page names it and whose SSH server is an old dropbear. */
const router: DeviceIdentity = {
  vendor: 'D-Link',
  model: 'DIR-600',
  firmwareVersion: '2.15',
  deviceType: 'router',
  confidence: 0.9,
  evidence: [{ ruleId: 'dlink-title', protocol: 'http', port: 80, matched: 'D-LINK SYSTEMS, INC. | WIRELESS ROUTER | DIR-600' }],
  components: [
    {
      product: 'dropbear',
      version: '2014.63',
      cpe: 'cpe:2.3:a:dropbear_ssh_project:dropbear_ssh:2014.63:*:*:*:*:*:*:*',
      ruleId: 'component-dropbear',
      protocol: 'ssh',
      port: 22,
    },
  ],
};

/** A host whose maker nothing named, running BusyBox 1.35.0 behind its telnet. */
const unknownMaker: DeviceIdentity = {
  deviceType: 'other',
  confidence: 0.9,
  evidence: [{ ruleId: 'component-busybox', protocol: 'telnet', port: 23, matched: 'BusyBox v1.35.0 (' }],
  components: [
    { product: 'BusyBox', version: '1.35.0', cpe: 'cpe:2.3:a:busybox:busybox:1.35.0:*:*:*:*:*:*:*', ruleId: 'component-busybox', protocol: 'telnet', port: 23 },
  ],
};

const cvesOf = (evidence: Record<string, unknown>) => evidence.cves as AffectedCve[];

test("a finding's evidence says, for each CVE, whether the device firmware or which component matched", () => {
  const { findings } = assessFirmware([{ ip: '192.0.2.5', identity: router }], assessor, [], '2026-01-01T00:00:00.000Z');
  assert.equal(findings.length, 1);
  const [finding] = findings;
  assert.deepEqual([finding?.port, finding?.protocol], [80, 'http'], 'reported on the service that named the device');
  assert.deepEqual(
    cvesOf(finding!.evidence).map((cve) => [cve.cveId, cve.matchedOn]),
    [
      ['CVE-2014-100005', [{ kind: 'device-firmware' }]],
      ['CVE-2016-7406', [{ kind: 'component', product: 'dropbear', version: '2014.63', cpe: router.components![0]!.cpe }]],
    ],
  );
  assert.match(cvesOf(finding!.evidence)[1]!.matchEvidence, /^component dropbear 2014\.63: /);
});

test('a device known only by its software gets a finding on the service that showed the software', () => {
  const { findings, covered, devicesAssessed } = assessFirmware([{ ip: '192.0.2.6', identity: unknownMaker }], assessor, [], '2026-01-01T00:00:00.000Z');
  assert.equal(devicesAssessed, 1);
  assert.deepEqual(covered, [{ ip: '192.0.2.6', port: 23, protocol: 'telnet', kind: 'vulnerable-firmware' }]);
  assert.deepEqual(
    findings.map((finding) => [finding.port, finding.protocol, cvesOf(finding.evidence).map((cve) => cve.cveId)]),
    [[23, 'telnet', ['CVE-2022-28391']]],
  );
  assert.equal(cvesOf(findings[0]!.evidence)[0]!.matchedOn?.[0]?.kind, 'component');
});

test('a component updated past the range leaves the device without a finding (and covered, so an old one closes)', () => {
  const updated: DeviceIdentity = {
    ...unknownMaker,
    components: [{ ...unknownMaker.components![0]!, version: '1.36.1', cpe: 'cpe:2.3:a:busybox:busybox:1.36.1:*:*:*:*:*:*:*' }],
  };
  const { findings, covered } = assessFirmware([{ ip: '192.0.2.6', identity: updated }], assessor, []);
  assert.deepEqual(findings, []);
  assert.equal(covered.length, 1);
});
