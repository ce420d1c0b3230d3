import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDataFile } from '../../core/data-file.ts';
import { OpenNoticeError } from '../../core/errors.ts';
import { shippedReflectorPorts, validateReflectorPorts } from './reflector-ports.ts';

const check = (text: string) => validateReflectorPorts(parseDataFile(text, 'mine.yaml', 'CONFIG_INVALID'));

test('the shipped list names the amplification protocols the alerts and reports name, each with a source', () => {
  const names = shippedReflectorPorts.reflectors.map((entry) => `${entry.name}/${entry.port}`);
  for (const expected of [
    'dns/53',
    'ntp/123',
    'snmp/161',
    'ssdp/1900',
    'cldap/389',
    'memcached/11211',
    'chargen/19',
    'qotd/17',
    'ws-discovery/3702',
    'coap/5683',
  ])
    assert.ok(names.includes(expected), `${expected} is listed`);
  for (const entry of shippedReflectorPorts.reflectors) {
    assert.ok(entry.sources.length > 0 && entry.sources.every((key) => shippedReflectorPorts.sources.has(key)), `${entry.name} cites known sources`);
    assert.equal(shippedReflectorPorts.reflectors[shippedReflectorPorts.indexOf(entry.port)], entry);
  }
  assert.equal(shippedReflectorPorts.indexOf(80), -1);
  assert.equal(shippedReflectorPorts.indexOf(-1), -1);
});

test('a mistake is a CONFIG_INVALID error naming the field', () => {
  const head = 'version: 1\nsources:\n  a: "A, https://a.example"\nreflectors:\n';
  const cases: Array<[string, RegExp]> = [
    [
      `${head}  - { port: 53, name: dns, why: x, sources: [a] }\n  - { port: 53, name: dns2, why: y, sources: [a] }\n`,
      /reflectors\[1\]\.port: port 53 is listed twice/,
    ],
    [`${head}  - { port: 53, name: dns, why: x, sources: [b] }\n`, /unknown source "b"/],
    [`${head}  - { port: 53, name: dns, why: x, sources: [] }\n`, /at least one source/],
    [`${head}  - { port: 70000, name: big, why: x, sources: [a] }\n`, /at most 65535/],
    [`${head}  - { port: 53, name: DNS, why: x, sources: [a] }\n`, /not a protocol name/],
    [`${head}  - { port: 53, name: dns, why: x, sources: [a], factor: 3 }\n`, /unknown field "factor"/],
  ];
  for (const [text, message] of cases) {
    assert.throws(
      () => check(text),
      (error: unknown) => error instanceof OpenNoticeError && error.code === 'CONFIG_INVALID' && message.test(error.message),
      String(message),
    );
  }
  assert.equal(check(`${head}  - { port: 123, name: ntp, why: x, sources: [a] }\n`).indexOf(123), 0);
});
