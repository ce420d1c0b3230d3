import { test } from 'node:test';
import assert from 'node:assert/strict';
import { intelMqEvents } from './intelmq.ts';
import { renderShadowserverCsv } from './shadowserver-csv.ts';
import { shadowserverReportType } from './report-type.ts';
import { darknetBot, sampleReport, weakTelnet } from '../../../test/support/notifiable-findings.ts';

test("Shadowserver's report types: scan_ for IPv4, scan6_ for IPv6, their service names, events for observations", () => {
  const type = (ip: string, kind: string, application?: string) => shadowserverReportType({ ip, kind, ...(application ? { application } : {}) });
  assert.equal(type('192.0.2.7', 'weak-credential', 'telnet'), 'scan_telnet');
  assert.equal(type('2001:db8::7', 'weak-credential', 'telnet'), 'scan6_telnet');
  assert.equal(type('2001:db8::7', 'weak-credential', 'https'), 'scan6_ssl');
  assert.equal(type('2001:db8::7', 'no-authentication', 'mqtt'), 'scan6_mqtt_anon');
  assert.equal(type('192.0.2.7', 'weak-credential', 'mqtts'), 'scan_mqtt');
  assert.equal(type('2001:db8::7', 'vulnerable-firmware', 'cwmp'), 'scan6_cwmp');
  assert.equal(type('2001:db8::7', 'infected'), 'event6_honeypot_darknet');
  assert.equal(type('192.0.2.7', 'infected'), 'event4_honeypot_darknet');
});

test('an IPv6 finding is reported as it is stored: its IntelMQ event names scan6_telnet, the CSV keeps the address whole', () => {
  const v6 = { ...weakTelnet, id: 77, ip: '2001:db8:6::1a' };
  const events = intelMqEvents(sampleReport([v6, weakTelnet, darknetBot]));
  const byId = new Map(events.map((event) => [event['extra.finding_id'], event]));
  assert.equal(byId.get(77)?.['source.ip'], '2001:db8:6::1a');
  assert.equal(byId.get(77)?.['extra.shadowserver_report_type'], 'scan6_telnet');
  assert.equal(byId.get(weakTelnet.id)?.['extra.shadowserver_report_type'], 'scan_telnet');
  assert.equal(byId.get(darknetBot.id)?.['extra.shadowserver_report_type'], `${darknetBot.ip.includes(':') ? 'event6' : 'event4'}_honeypot_darknet`);
  const csv = renderShadowserverCsv(sampleReport([v6]));
  assert.ok(csv.split('\r\n')[1]!.split(',').includes('2001:db8:6::1a'), 'the ip column holds the canonical IPv6 address');
});
