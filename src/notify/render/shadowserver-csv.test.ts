import { test } from 'node:test';
import assert from 'node:assert/strict';
import { notificationCsvColumns, renderShadowserverCsv } from './shadowserver-csv.ts';
import {
  allFindings,
  darknetBot,
  honeypotBot,
  hostileDevice,
  ntpMonlistReflector,
  openShell,
  parseCsv,
  sampleReport,
  ssdpReflector,
  vulnerableFirmware,
  weakTelnet,
} from '../../../test/support/notifiable-findings.ts';

// The documented header (docs/notification-formats.md), written out so that any change
// to names or order fails here and has to be made in the docs too.
const documentedHeader = [
  'timestamp',
  'severity',
  'ip',
  'protocol',
  'port',
  'hostname',
  'tag',
  'asn',
  'geo',
  'region',
  'city',
  'naics',
  'hostname_source',
  'sector',
  'device_vendor',
  'device_type',
  'device_model',
  'device_version',
  'finding_id',
  'kind',
  'application',
  'status',
  'first_seen',
  'last_seen',
  'prefix',
  'as_name',
  'isp',
  'release_year',
  'cve_ids',
  'cvss',
  'kev',
  'family',
  'confidence',
  'advice_url',
  'report_type',
  'request',
  'request_size',
  'response_size',
  'packets',
  'amplification',
];

const rowsByFinding = (csv: string) => {
  const [header, ...rows] = parseCsv(csv);
  const records = rows.map((cells) => Object.fromEntries(header!.map((name, index) => [name, cells[index]!])));
  return { header: header!, rows, byId: new Map(records.map((record) => [Number(record.finding_id), record])) };
};

test("the header is Shadowserver's shared columns in their order, then ours, exactly as documented", () => {
  const { header } = rowsByFinding(renderShadowserverCsv(sampleReport()));
  assert.deepEqual(header, documentedHeader);
  assert.deepEqual([...notificationCsvColumns], documentedHeader);
});

test("every finding is one row with every column, timestamps in Shadowserver's UTC form", () => {
  const { rows, byId } = rowsByFinding(renderShadowserverCsv(sampleReport()));
  assert.equal(rows.length, allFindings.length);
  for (const cells of rows) assert.equal(cells.length, documentedHeader.length);
  const weak = byId.get(weakTelnet.id)!;
  assert.equal(weak.timestamp, '2025-01-31 15:30:00');
  assert.equal(weak.first_seen, '2025-01-10 01:00:00');
  assert.equal(weak.ip, '198.51.100.7');
  assert.equal(weak.protocol, 'tcp', 'protocol is the transport, as in Shadowserver scan reports');
  assert.equal(weak.application, 'telnet');
  assert.equal(weak.port, '23');
  assert.equal(weak.asn, '64500');
  assert.equal(weak.geo, 'JP');
  assert.equal(weak.device_vendor, 'Korvan');
  assert.equal(weak.device_type, 'ip-camera');
  assert.equal(weak.device_model, 'IPC-2120');
  assert.equal(weak.device_version, '3.1.4');
  assert.equal(weak.prefix, '198.51.100.0/24');
  assert.equal(weak.isp, 'Example ISP');
  assert.equal(weak.advice_url, 'https://notice.example/advice/password');
});

test('tags, severity and kind-specific columns follow the documented mapping', () => {
  const { byId } = rowsByFinding(renderShadowserverCsv(sampleReport()));
  assert.equal(byId.get(weakTelnet.id)!.tag, 'telnet-weak-password');
  assert.equal(byId.get(weakTelnet.id)!.severity, 'high');
  assert.equal(byId.get(hostileDevice.id)!.tag, 'http-weak-password');
  assert.equal(byId.get(openShell.id)!.tag, 'telnet-no-password');
  assert.equal(byId.get(openShell.id)!.severity, 'critical');
  const firmware = byId.get(vulnerableFirmware.id)!;
  assert.equal(firmware.tag, 'vulnerable-firmware;kev;cve-2019-10999;cve-2018-0001');
  assert.equal(firmware.cve_ids, 'CVE-2019-10999;CVE-2018-0001');
  assert.equal(firmware.cvss, '8.8');
  assert.equal(firmware.kev, 'Y');
  assert.equal(firmware.severity, 'critical', 'a KEV-listed CVE is exploited in the wild');
  const mirai = byId.get(darknetBot.id)!;
  assert.equal(mirai.tag, 'infected-iot;darknet;mirai-like');
  assert.equal(mirai.family, 'mirai');
  assert.equal(mirai.port, '', 'a darknet sighting has no service port');
  assert.equal(mirai.protocol, '');
  assert.equal(mirai.confidence, '0.95');
  assert.equal(byId.get(honeypotBot.id)!.tag, 'infected-iot;honeypot');
  assert.equal(byId.get(honeypotBot.id)!.ip, '2001:db8::20');
  const ssdp = byId.get(ssdpReflector.id)!;
  assert.equal(ssdp.kind, 'reflector');
  assert.equal(ssdp.severity, 'medium');
  assert.equal(ssdp.tag, 'ssdp-amplifier');
  assert.equal(ssdp.protocol, 'udp');
  assert.equal(ssdp.application, 'ssdp');
  assert.equal(ssdp.report_type, 'scan_ssdp');
  assert.equal(ssdp.request, 'M-SEARCH ssdp:all');
  assert.equal(ssdp.request_size, '94');
  assert.equal(ssdp.response_size, '2860');
  assert.equal(ssdp.packets, '9');
  assert.equal(ssdp.amplification, '30.43');
  assert.equal(byId.get(ntpMonlistReflector.id)!.report_type, 'scan_ntpmonitor');
  assert.equal(byId.get(ntpMonlistReflector.id)!.amplification, '5500');
  assert.equal(byId.get(weakTelnet.id)!.amplification, '', 'only reflectors are measured');
});

test("rows are ordered by address, then port: one subscriber's findings stay together", () => {
  const { rows } = rowsByFinding(renderShadowserverCsv(sampleReport([...allFindings].reverse())));
  assert.deepEqual(
    rows.map((cells) => `${cells[2]}:${cells[4]}`),
    [
      '198.51.100.7:23',
      '198.51.100.7:80',
      '198.51.100.9:2323',
      '198.51.100.20:',
      '198.51.100.23:1900',
      '198.51.100.30:80',
      '198.51.100.41:123',
      '2001:db8::20:',
    ],
  );
});

test('hostile device strings cannot add lines, run as formulas or carry control characters', () => {
  const csv = renderShadowserverCsv(sampleReport());
  const { byId } = rowsByFinding(csv);
  const hostile = byId.get(hostileDevice.id)!;
  assert.ok(hostile.device_vendor.startsWith("'="), 'formula defused');
  assert.ok(hostile.device_version.startsWith("'+"), 'formula defused');
  assert.doesNotMatch(hostile.device_model, /[\r\n\u001b\u202e]/);
  assert.match(hostile.device_model, /^Cam \{isp\} Bcc: victim@example\.com \[31m‹script›x‹\/script›$/);
  assert.doesNotMatch(csv, /http:\/\/evil/, 'links are defanged');
  assert.equal(csv.split('\r\n').length, allFindings.length + 2, 'one line per row plus header and final CRLF');
  assert.doesNotMatch(csv.replace(/\r\n/g, ''), /[\u0000-\u001f\u007f-\u009f]/);
});

test('nothing secret from the evidence reaches the CSV; a BOM only on request', () => {
  const csv = renderShadowserverCsv(sampleReport());
  assert.doesNotMatch(csv, /admin-user-secret|root-typed-by-bot|wget/);
  assert.ok(!csv.startsWith('\ufeff'));
  assert.ok(renderShadowserverCsv(sampleReport(), { bom: true }).startsWith('\ufefftimestamp,'));
});
