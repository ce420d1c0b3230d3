import { test } from 'node:test';
import assert from 'node:assert/strict';
import { intelMqEvents, renderIntelMqEvents } from './intelmq.ts';
import {
  darknetBot,
  honeypotBot,
  ntpMonlistReflector,
  openShell,
  sampleReport,
  ssdpReflector,
  vulnerableFirmware,
  weakTelnet,
} from '../../../test/support/notifiable-findings.ts';

// Keys of IntelMQ's harmonization.conf (3.x) that the export may use, and the 3.5 additions.
const harmonizationKeys = new Set([
  'classification.identifier',
  'classification.taxonomy',
  'classification.type',
  'event_description.text',
  'event_description.url',
  'feed.accuracy',
  'feed.documentation',
  'feed.name',
  'feed.provider',
  'malware.name',
  'protocol.application',
  'protocol.transport',
  'source.abuse_contact',
  'source.as_name',
  'source.asn',
  'source.geolocation.cc',
  'source.ip',
  'source.network',
  'source.port',
  'status',
  'time.observation',
  'time.source',
  'tlp',
]);
const idf35Keys = new Set(['severity', 'product.vendor', 'product.name', 'product.version', 'product.vulnerabilities']);
/** IntelMQ's rule for sub-keys of extra (lib/message.py HARMONIZATION_KEY_FORMAT). */
const extraKey = /^extra\.[a-z_][a-z_0-9]+(\.[a-z_0-9]+)*$/;
/** IntelMQ's taxonomy expert: type → taxonomy. */
const taxonomyOfType: Record<string, string> = { 'vulnerable-system': 'vulnerable', 'infected-system': 'malicious-code', 'ddos-amplifier': 'vulnerable' };
const intelMqTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/;

test('one JSON object per line, with only harmonization keys or valid extra keys', () => {
  const text = renderIntelMqEvents(sampleReport());
  const lines = text.split('\n');
  assert.equal(lines.pop(), '', 'ends with a newline');
  assert.equal(lines.length, sampleReport().findings.length);
  for (const line of lines) {
    const event = JSON.parse(line) as Record<string, unknown>;
    for (const key of Object.keys(event)) assert.ok(harmonizationKeys.has(key) || extraKey.test(key), `${key} is not an IntelMQ key`);
    for (const key of [
      'feed.name',
      'feed.provider',
      'time.source',
      'time.observation',
      'source.ip',
      'classification.taxonomy',
      'classification.type',
      'classification.identifier',
    ])
      assert.ok(key in event, `missing ${key}`);
    assert.equal(event['classification.taxonomy'], taxonomyOfType[event['classification.type'] as string], "taxonomy agrees with IntelMQ's taxonomy expert");
    assert.match(event['time.source'] as string, intelMqTime);
    assert.match(event['time.observation'] as string, intelMqTime);
  }
});

test('kinds map to RSIT classifications and the network fields are filled', () => {
  const events = new Map(intelMqEvents(sampleReport()).map((event) => [event['extra.finding_id'], event]));
  const weak = events.get(weakTelnet.id)!;
  assert.equal(weak['classification.type'], 'vulnerable-system');
  assert.equal(weak['classification.identifier'], 'weak-credential');
  assert.equal(weak['source.ip'], '198.51.100.7');
  assert.equal(weak['source.port'], 23);
  assert.equal(weak['source.asn'], 64500);
  assert.equal(weak['source.network'], '198.51.100.0/24');
  assert.equal(weak['source.geolocation.cc'], 'JP');
  assert.equal(weak['protocol.transport'], 'tcp');
  assert.equal(weak['protocol.application'], 'telnet');
  assert.equal(weak['time.source'], '2025-01-31T15:30:00+00:00');
  assert.equal(weak['feed.accuracy'], 100);
  assert.equal(events.get(openShell.id)!['classification.identifier'], 'no-authentication');
  const firmware = events.get(vulnerableFirmware.id)!;
  assert.equal(firmware['classification.identifier'], 'vulnerable-firmware');
  assert.deepEqual(firmware['extra.cve_ids'], ['CVE-2019-10999', 'CVE-2018-0001']);
  assert.equal(firmware['extra.kev'], true);
  assert.equal(firmware['extra.severity'], 'critical');
  const mirai = events.get(darknetBot.id)!;
  assert.equal(mirai['classification.taxonomy'], 'malicious-code');
  assert.equal(mirai['classification.type'], 'infected-system');
  assert.equal(mirai['malware.name'], 'mirai');
  assert.ok(!('source.port' in mirai), 'no port for a darknet sighting');
  assert.ok(!('malware.name' in events.get(honeypotBot.id)!), 'no family known from the honeypot');
});

test('a reflector is a UDP ddos-amplifier with its measure and its protocol facts as Shadowserver columns in extra', () => {
  const events = new Map(intelMqEvents(sampleReport()).map((event) => [event['extra.finding_id'], event]));
  const ssdp = events.get(ssdpReflector.id)!;
  assert.equal(ssdp['classification.taxonomy'], 'vulnerable');
  assert.equal(ssdp['classification.type'], 'ddos-amplifier');
  assert.equal(ssdp['classification.identifier'], 'reflector');
  assert.equal(ssdp['protocol.transport'], 'udp');
  assert.equal(ssdp['protocol.application'], 'ssdp');
  assert.equal(ssdp['source.port'], 1900);
  assert.equal(ssdp['extra.amplification'], 30.43);
  assert.equal(ssdp['extra.response_size'], 2860);
  assert.equal(ssdp['extra.request_size'], 94);
  assert.equal(ssdp['extra.packets'], 9);
  assert.equal(ssdp['extra.report_type'], 'scan_ssdp');
  assert.equal(ssdp['extra.server'], 'Linux/3.4 UPnP/1.0 MiniUPnPd/1.6');
  assert.equal(ssdp['extra.unique_service_name'], 'uuid:5e1f0c2a-0000-4000-8000-00a0b0c0d0e0::upnp:rootdevice');
  assert.equal(ssdp['extra.severity'], 'medium');
  const ntp = events.get(ntpMonlistReflector.id)!;
  assert.equal(ntp['extra.report_type'], 'scan_ntpmonitor');
  assert.equal(ntp['extra.packets'], 100);
  assert.ok(!('extra.amplification' in events.get(weakTelnet.id)!), 'only reflectors carry a measure');
});

test('the 3.5 data format carries severity and product fields instead of extras', () => {
  const [weak, firmware] = intelMqEvents(sampleReport([weakTelnet, vulnerableFirmware]), { idf: '3.5' });
  for (const key of Object.keys(firmware!)) assert.ok(harmonizationKeys.has(key) || idf35Keys.has(key) || extraKey.test(key), key);
  assert.equal(weak!['product.vendor'], 'Korvan');
  assert.equal(weak!['product.name'], 'IPC-2120');
  assert.equal(weak!['product.version'], '3.1.4');
  assert.equal(weak!.severity, 'high');
  assert.equal(firmware!['product.vulnerabilities'], 'cve-2019-10999;cve-2018-0001');
  assert.ok(!('extra.device_vendor' in weak!));
});

test('no secret evidence and no control characters in the events', () => {
  const text = renderIntelMqEvents(sampleReport());
  assert.doesNotMatch(text, /admin-user-secret|root-typed-by-bot|wget|http:\/\/evil/);
  assert.doesNotMatch(text, /\\u001b|\\r|\\n/);
});

test('every event carries its TLP 2.0 label in extra.tlp, and IntelMQ’s own tlp only where a TLP 1.0 keyword says the same', () => {
  const byDefault = intelMqEvents(sampleReport());
  assert.ok(byDefault.length > 0);
  assert.ok(byDefault.every((event) => event['extra.tlp'] === 'AMBER' && event.tlp === 'AMBER'));
  const clear = intelMqEvents(sampleReport(), { tlp: 'CLEAR' });
  assert.ok(clear.every((event) => event['extra.tlp'] === 'CLEAR' && event.tlp === 'WHITE'));
  // No TLP 1.0 keyword is as strict as AMBER+STRICT: AMBER would loosen it, so IntelMQ's field stays empty.
  const strict = intelMqEvents(sampleReport(), { tlp: 'AMBER+STRICT' });
  assert.ok(strict.every((event) => event['extra.tlp'] === 'AMBER+STRICT' && !('tlp' in event)));
});
