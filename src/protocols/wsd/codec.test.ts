import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readXml } from '../upnp/xml.ts';
import { encodeProbe, onvifHints, readProbeMatches, withoutUnitIds } from './codec.ts';
import { describeMatches } from './grabber.ts';

const messageId = 'urn:uuid:0f6b7c2e-5d4a-4e3b-9a1c-2b3c4d5e6f70';
/** A ProbeMatches in the shape Hikvision ONVIF cameras send (some fifty namespaces on the root). */
const onvif = (relatesTo: string) =>
  Buffer.from(readFileSync(new URL('../../../test/fixtures/wsd/onvif-probematches.xml', import.meta.url), 'utf8').replace('{{RELATES_TO}}', relatesTo));

test('the Probe is a SOAP envelope with the MessageID and no Types (every target service matches)', () => {
  const probe = encodeProbe(messageId);
  assert.ok(probe.length < 1024, 'fits the dialer’s request cap');
  const read = readXml(probe);
  assert.ok(read.ok);
  const text = probe.toString('utf8');
  assert.match(text, new RegExp(`<wsa:MessageID>${messageId}</wsa:MessageID>`));
  assert.match(text, /<wsa:Action>http:\/\/schemas\.xmlsoap\.org\/ws\/2005\/04\/discovery\/Probe<\/wsa:Action>/);
  assert.match(text, /<soap:Body><wsd:Probe\/><\/soap:Body>/);
});

test('an ONVIF camera’s ProbeMatches: types, scopes, XAddrs, endpoint; model and name from the scopes', () => {
  const read = readProbeMatches(onvif(messageId), messageId);
  assert.ok(read.ok, read.ok ? '' : read.reason);
  assert.equal(read.matches.length, 1);
  const [match] = read.matches;
  assert.deepEqual(match?.types, ['dn:NetworkVideoTransmitter', 'tds:Device']);
  assert.equal(match?.endpoint, 'urn:uuid:3fa1fe68-b915-4053-a3e1-c0ffee000001');
  assert.equal(match?.metadataVersion, 10);
  assert.deepEqual(match?.xaddrs, ['http://192.168.1.64/onvif/device_service', 'http://[fe80::c2ff:eeff:fe00:1]/onvif/device_service']);
  const described = describeMatches(read.matches);
  assert.equal(described.hardware, 'DS-2CD2143G0-I');
  assert.equal(described.onvifName, 'HIKVISION DS-2CD2143G0-I');
  assert.deepEqual(described.profiles, ['Streaming', 'G', 'T']);
  assert.ok(!described.scopes.some((scope) => /MAC/i.test(scope)), 'the MAC scope is not kept');
  assert.doesNotMatch(JSON.stringify(described), /c0:ff:ee:00:00:01/);
  assert.match(String(described.scopeText), /onvif:\/\/www\.onvif\.org\/hardware\/DS-2CD2143G0-I/);
});

test('another RelatesTo, other SOAP messages, XML bombs, external entities, garbage and oversize are refused', () => {
  const cases: Array<[Buffer, RegExp]> = [
    [onvif('urn:uuid:00000000-0000-0000-0000-000000000000'), /RelatesTo/],
    [
      Buffer.from(
        onvif(messageId)
          .toString()
          .replace(/<d:ProbeMatches>.*<\/d:ProbeMatches>/, '<d:Hello/>'),
      ),
      /no ProbeMatches/,
    ],
    [Buffer.from('<?xml version="1.0"?><root/>'), /not a SOAP envelope/],
    [Buffer.from('<!DOCTYPE e [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><e:Envelope>&b;</e:Envelope>'), /entity-declaration/],
    [Buffer.from('<!DOCTYPE e SYSTEM "http://198.51.100.7/x.dtd"><e:Envelope/>'), /external-entity/],
    [Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'), /malformed/],
    [Buffer.alloc(33 * 1024, 0x20), /too-large/],
    [Buffer.from(`<e:Envelope ${Array.from({ length: 100 }, (_, index) => `a${index}="x"`).join(' ')}/>`), /malformed/],
    [Buffer.from(`${'<a>'.repeat(40)}${'</a>'.repeat(40)}`), /too-deep/],
  ];
  for (const [bytes, reason] of cases) {
    const read = readProbeMatches(bytes, messageId);
    assert.ok(!read.ok, bytes.toString().slice(0, 60));
    assert.match(read.reason, reason);
  }
  for (let seed = 0; seed < 200; seed++) {
    const random = Buffer.from(Array.from({ length: seed * 2 }, (_, index) => (seed * 53 + index * 29) & 0xff));
    assert.doesNotThrow(() => readProbeMatches(Buffer.concat([Buffer.from('<e:Envelope>'), random]), messageId));
  }
});

test('lists are bounded; ONVIF hints percent-decoded (kept as written when that fails); unit ids left out', () => {
  const many = Array.from({ length: 500 }, (_, index) => `onvif://www.onvif.org/type/t${index}`).join(' ');
  const envelope = `<e:Envelope><e:Header><a:RelatesTo>${messageId}</a:RelatesTo></e:Header><e:Body><d:ProbeMatches><d:ProbeMatch><d:Scopes>${many}</d:Scopes></d:ProbeMatch></d:ProbeMatches></e:Body></e:Envelope>`;
  const read = readProbeMatches(Buffer.from(envelope), messageId);
  assert.ok(read.ok);
  assert.equal(read.matches[0]?.scopes.length, 32);
  assert.deepEqual(onvifHints(['onvif://www.onvif.org/name/Acme%20Cam%ZZ', 'onvif://www.onvif.org/hardware/X%2D1']), {
    name: 'Acme%20Cam%ZZ',
    hardware: 'X-1',
    profiles: [],
  });
  assert.deepEqual(withoutUnitIds(['onvif://www.onvif.org/serial/123', 'onvif://www.onvif.org/MAC/aa', 'onvif://www.onvif.org/name/x']), [
    'onvif://www.onvif.org/name/x',
  ]);
});
