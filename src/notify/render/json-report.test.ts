import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildJsonReport, renderJsonReport } from './json-report.ts';
import {
  allFindings,
  darknetBot,
  hostileDevice,
  ntpMonlistReflector,
  sampleReport,
  ssdpReflector,
  vulnerableFirmware,
  weakTelnet,
} from '../../../test/support/notifiable-findings.ts';

test('the report carries its schema version, ISP, period and summary', () => {
  const report = buildJsonReport(sampleReport());
  assert.equal(report.schema, 'opennotice.report/1');
  assert.equal(report.reportId, 'r-42');
  assert.deepEqual(report.isp, { id: 'isp-a', name: 'Example ISP', language: 'en' });
  assert.equal(report.periodStart, '2025-01-01T00:00:00.000Z');
  assert.deepEqual(report.summary.byKind, { infected: 2, 'no-authentication': 1, 'weak-credential': 2, 'vulnerable-firmware': 1, reflector: 2 });
  assert.deepEqual(report.summary.bySeverity, { critical: 4, high: 2, medium: 2, low: 0, info: 0 }, 'reflectors are medium: harm to others, not a takeover');
  assert.equal(report.summary.findings, allFindings.length);
  assert.equal(report.summary.addresses, 7);
});

test('each finding has device, network and kind-specific details', () => {
  const byId = new Map(buildJsonReport(sampleReport()).findings.map((finding) => [finding.id, finding]));
  const weak = byId.get(weakTelnet.id)!;
  assert.deepEqual(weak.device, { vendor: 'Korvan', model: 'IPC-2120', type: 'ip-camera', firmwareVersion: '3.1.4', releaseYear: 2014 });
  assert.deepEqual(weak.network, { prefix: '198.51.100.0/24', asn: 64500, asName: 'EXAMPLE-NET Example Networks', country: 'JP' });
  assert.deepEqual(weak.details, {}, 'no user name passed on');
  assert.equal(weak.transport, 'tcp');
  const firmware = byId.get(vulnerableFirmware.id)!;
  assert.deepEqual(firmware.details.cves, [
    { cveId: 'CVE-2019-10999', baseScore: 8.8, severity: 'high', kev: true, ransomware: false, priority: 'urgent' },
    { cveId: 'CVE-2018-0001', baseScore: 5.3, severity: 'medium', kev: false, ransomware: false, priority: 'medium' },
  ]);
  const mirai = byId.get(darknetBot.id)!;
  assert.equal(mirai.port, null);
  assert.deepEqual(mirai.details, { source: 'darknet', family: 'mirai', ports: [23, 2323], packets: 5120, daysSeen: ['2025-01-30', '2025-01-31'] });
  const ssdp = byId.get(ssdpReflector.id)!;
  assert.equal(ssdp.transport, 'udp');
  assert.equal(ssdp.application, 'ssdp');
  assert.deepEqual(ssdp.tags, ['ssdp-amplifier']);
  assert.equal(ssdp.confidence, 1, 'the reply was measured');
  assert.deepEqual(ssdp.details, {
    reportType: 'scan_ssdp',
    request: 'M-SEARCH ssdp:all',
    requestBytes: 94,
    replyBytes: 2860,
    replyPackets: 9,
    amplification: 30.43,
    facts: {
      server: 'Linux/3.4 UPnP/1.0 MiniUPnPd/1.6',
      location: 'http[:]//192.168.1.1:5000/rootDesc.xml',
      searchTarget: 'upnp:rootdevice',
      usn: 'uuid:5e1f0c2a-0000-4000-8000-00a0b0c0d0e0::upnp:rootdevice',
    },
  });
  const ntp = byId.get(ntpMonlistReflector.id)!;
  assert.equal(ntp.details.reportType, 'scan_ntpmonitor', 'monlist is NTP Monitor, not NTP Version');
  assert.equal(ntp.details.amplification, 5500);
  assert.equal(byId.get(hostileDevice.id)!.device.model, 'Cam {isp} Bcc: victim@example.com [31m‹script›x‹/script›');
});

test('the JSON text is stable and holds nothing secret', () => {
  const text = renderJsonReport(sampleReport());
  assert.equal(renderJsonReport(sampleReport()), text);
  assert.ok(text.endsWith('}\n'));
  assert.doesNotMatch(text, /admin-user-secret|root-typed-by-bot|wget|commandSamples|usernames/);
});
