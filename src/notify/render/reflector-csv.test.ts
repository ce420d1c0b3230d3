import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NotifiableFinding } from '../../core/records.ts';
import { reflectorCsvColumns, renderReflectorCsvs } from './reflector-csv.ts';
import { reflectorReportType, reflectorReportTypes } from './reflector-report-types.ts';
import { reflectionFacts } from './evidence.ts';
import { notificationCsvColumns } from './shadowserver-csv.ts';
import { allFindings, ntpMonlistReflector, parseCsv, sampleReport, ssdpReflector } from '../../../test/support/notifiable-findings.ts';

const reflector = (protocol: string, port: number, id: number, evidence: Record<string, unknown>, ip = `198.51.100.${id}`): NotifiableFinding => ({
  ...ssdpReflector,
  id,
  ip,
  port,
  protocol,
  evidence: { request: 'probe', requestBytes: 10, replyBytes: 200, replyPackets: 2, amplification: 20, ...evidence },
});

const recordsOf = (csv: string) => {
  const [header, ...rows] = parseCsv(csv);
  return { header: header!, records: rows.map((cells) => Object.fromEntries(header!.map((name, index) => [name, cells[index]!]))) };
};

test('one file per Shadowserver report type, named as Shadowserver names it, only for reflector findings', () => {
  const files = renderReflectorCsvs(sampleReport());
  assert.deepEqual(
    files.map((file) => [file.reportType, file.findings]),
    [
      ['scan_ntpmonitor', 1],
      ['scan_ssdp', 1],
    ],
  );
  assert.deepEqual(renderReflectorCsvs(sampleReport(allFindings.filter((finding) => finding.kind !== 'reflector'))), []);
});

test("scan_ssdp: the shared columns, then Shadowserver's SSDP columns filled from the protocol's facts", () => {
  const ssdp = renderReflectorCsvs(sampleReport([ssdpReflector]))[0]!;
  const { header, records } = recordsOf(ssdp.content);
  assert.deepEqual(header, [...notificationCsvColumns, 'server', 'location', 'search_target', 'unique_service_name']);
  const [row] = records;
  assert.equal(row!.server, 'Linux/3.4 UPnP/1.0 MiniUPnPd/1.6');
  assert.equal(row!.location, 'http[:]//192.168.1.1:5000/rootDesc.xml', 'a device-supplied URL is defanged like every device string');
  assert.equal(row!.search_target, 'upnp:rootdevice');
  assert.equal(row!.response_size, '2860');
  assert.equal(row!.amplification, '30.43');
  assert.equal(row!.tag, 'ssdp-amplifier');
});

test('NTP: monlist is NTP Monitor (measure columns only), a READVAR reply NTP Version with version, stratum, system', () => {
  const readvar = reflector('ntp', 123, 60, { request: 'readvar', facts: { version: 'ntpd 4.2.8p15', stratum: 2, system: 'Linux' } });
  const files = renderReflectorCsvs(sampleReport([ntpMonlistReflector, readvar]));
  assert.deepEqual(
    files.map((file) => file.reportType),
    ['scan_ntp', 'scan_ntpmonitor'],
  );
  const version = recordsOf(files[0]!.content);
  assert.deepEqual(version.header.slice(notificationCsvColumns.length), ['version', 'stratum', 'system']);
  assert.deepEqual([version.records[0]!.version, version.records[0]!.stratum, version.records[0]!.system], ['ntpd 4.2.8p15', '2', 'Linux']);
  const monitor = recordsOf(files[1]!.content);
  assert.deepEqual(monitor.header, [...notificationCsvColumns]);
  assert.deepEqual([monitor.records[0]!.packets, monitor.records[0]!.response_size, monitor.records[0]!.amplification], ['100', '44000', '5500']);
});

test("every protocol maps its facts to its report type's columns; an IPv6 address gets Shadowserver's scan6_ name", () => {
  const cases: Array<[NotifiableFinding, string, Record<string, string>]> = [
    [
      reflector('snmp', 161, 61, { facts: { sysDescr: 'RouterOS RB750', sysName: 'gw', version: 2, sysObjectId: '1.3.6.1.4.1.14988.1' } }),
      'scan_snmp',
      { sysdesc: 'RouterOS RB750', sysname: 'gw', version: '2' },
    ],
    [reflector('dns', 53, 62, { facts: { openResolver: 'yes', version: 'dnsmasq-2.40' } }), 'scan_dns', { dns_version: 'dnsmasq-2.40' }],
    [
      reflector('memcached', 11211, 63, { facts: { version: '1.4.15', uptime: 3600, pid: 412 } }),
      'scan_memcached',
      { version: '1.4.15', pid: '412', uptime: '3600' },
    ],
    [reflector('coap', 5683, 64, { facts: { resources: '</light>,</temp>' } }), 'scan_coap', { response: '‹/light›,‹/temp›' }],
    [reflector('wsd', 3702, 65, { facts: { types: 'dn:NetworkVideoTransmitter' } }), 'scan_ws_discovery', {}],
    [reflector('mdns', 5353, 66, { facts: { services: '_http._tcp.local' } }), 'scan_mdns', { services: '_http._tcp.local' }],
    [
      reflector('ubiquiti', 10001, 67, { facts: { model: 'NBE-5AC', firmware: 'XW.v6.3.6', hostname: 'roof' } }),
      'scan_ubiquiti',
      { radioname: 'roof', firmware: 'XW.v6.3.6' },
    ],
    [reflector('dns', 53, 68, { facts: { version: 'unbound 1.9' } }, '2001:db8::68'), 'scan6_dns', { dns_version: 'unbound 1.9' }],
  ];
  for (const [finding, reportType, columns] of cases) {
    const [file] = renderReflectorCsvs(sampleReport([finding]));
    assert.equal(file?.reportType, reportType, finding.protocol);
    const { header, records } = recordsOf(file!.content);
    assert.deepEqual(header.slice(notificationCsvColumns.length), Object.keys(columns), `${reportType} columns`);
    for (const [column, value] of Object.entries(columns)) assert.equal(records[0]![column], value, `${reportType} ${column}`);
    assert.equal(records[0]!.report_type, reportType);
  }
  assert.equal(reflectorReportType({ protocol: 'chargen' }, reflectionFacts({ evidence: {} })), undefined, 'no Shadowserver report: combined CSV only');
  assert.equal(new Set(reflectorReportTypes.map((type) => type.reportType)).size, reflectorReportTypes.length);
  for (const type of reflectorReportTypes)
    assert.equal(new Set(reflectorCsvColumns(type)).size, reflectorCsvColumns(type).length, `${type.reportType}: no column twice`);
});

test('hostile facts are cleaned, bounded, and never run as spreadsheet formulas', () => {
  const facts: Record<string, unknown> = {
    server: '=cmd|"/c calc"!A1\r\nX-Injected: 1 <script>',
    location: 'javascript://x',
    'bad name': 'dropped',
    nested: { a: 1 },
  };
  for (let index = 0; index < 40; index++) facts[`extra${index}`] = index;
  const [file] = renderReflectorCsvs(sampleReport([reflector('ssdp', 1900, 70, { facts })]));
  assert.doesNotMatch(file!.content.replace(/\r\n/g, ''), /[\r\n]/);
  const { records } = recordsOf(file!.content);
  assert.ok(records[0]!.server!.startsWith("'="), 'formula defused');
  assert.doesNotMatch(records[0]!.server!, /<script>/);
  assert.equal(records[0]!.location, 'javascript[:]//x');
  const kept = reflectionFacts({ evidence: { facts } }).facts;
  assert.ok(kept.size <= 16, 'at most 16 facts whatever the store holds');
  assert.ok(!kept.has('bad name') && !kept.has('nested'));
});

test('a BOM only on request', () => {
  assert.ok(renderReflectorCsvs(sampleReport([ssdpReflector]), { bom: true })[0]!.content.startsWith('\ufefftimestamp,'));
  assert.ok(renderReflectorCsvs(sampleReport([ssdpReflector]))[0]!.content.startsWith('timestamp,'));
});
