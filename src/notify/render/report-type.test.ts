import { test } from 'node:test';
import assert from 'node:assert/strict';
import { intelMqEvents } from './intelmq.ts';
import { renderShadowserverCsv } from './shadowserver-csv.ts';
import { shadowserverReportType } from './report-type.ts';
import { darknetBot, honeypotBot, sampleReport, weakTelnet } from '../../../test/support/notifiable-findings.ts';

test("Shadowserver's report types: scan_ for IPv4, scan6_ for IPv6, their service names, events for observations", () => {
  const type = (ip: string, kind: string, protocol: string) => shadowserverReportType({ ip, kind, protocol });
  assert.equal(type('192.0.2.7', 'weak-credential', 'telnet'), 'scan_telnet');
  assert.equal(type('2001:db8::7', 'weak-credential', 'telnet'), 'scan6_telnet');
  assert.equal(type('2001:db8::7', 'weak-credential', 'https'), 'scan6_ssl');
  assert.equal(type('2001:db8::7', 'no-authentication', 'mqtt'), 'scan6_mqtt_anon');
  assert.equal(type('192.0.2.7', 'weak-credential', 'mqtts'), 'scan_mqtt');
  assert.equal(type('2001:db8::7', 'vulnerable-firmware', 'cwmp'), 'scan6_cwmp');
  assert.equal(type('2001:db8::7', 'infected', 'darknet'), 'event6_honeypot_darknet');
  assert.equal(type('192.0.2.7', 'infected', 'honeypot'), 'event4_honeypot_brute_force');
  assert.equal(type('192.0.2.7', 'weak-credential', 'rtsp'), undefined, 'Shadowserver has no RTSP report');
});

test('an IPv6 finding is reported under its IPv6 report type, in the CSV and the IntelMQ events, with its address whole', () => {
  const v6 = { ...weakTelnet, id: 77, ip: '2001:db8:6::1a' };
  const events = intelMqEvents(sampleReport([v6, weakTelnet, darknetBot, honeypotBot]));
  const byId = new Map(events.map((event) => [event['extra.finding_id'], event]));
  assert.equal(byId.get(77)?.['source.ip'], '2001:db8:6::1a');
  assert.equal(byId.get(77)?.['extra.report_type'], 'scan6_telnet');
  assert.equal(byId.get(weakTelnet.id)?.['extra.report_type'], 'scan_telnet');
  assert.equal(byId.get(darknetBot.id)?.['extra.report_type'], 'event4_honeypot_darknet');
  assert.equal(byId.get(honeypotBot.id)?.['extra.report_type'], `${honeypotBot.ip.includes(':') ? 'event6' : 'event4'}_honeypot_brute_force`);
  const [header, row] = renderShadowserverCsv(sampleReport([v6]))
    .replace(/^\uFEFF/, '')
    .split('\r\n');
  const cells = Object.fromEntries(header!.split(',').map((column, index) => [column, row!.split(',')[index]]));
  assert.equal(cells.ip, '2001:db8:6::1a');
  assert.equal(cells.report_type, 'scan6_telnet');
});
