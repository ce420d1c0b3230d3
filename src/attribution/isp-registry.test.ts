import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { OpenNoticeError } from '../core/errors.ts';
import { createIspRegistry, defaultIspPreferences, type Isp } from './isp-registry.ts';
import { parseIspRegistry, readIspRegistry } from './isp-registry-file.ts';

const exampleFile = fileURLToPath(new URL('../../examples/isps.yaml', import.meta.url));

function configError(text: string): OpenNoticeError {
  try {
    parseIspRegistry(text, 'isps.yaml');
  } catch (error) {
    assert.ok(error instanceof OpenNoticeError && error.code === 'CONFIG_INVALID', String(error));
    return error;
  }
  assert.fail('expected a CONFIG_INVALID error');
}

test('the example registry loads, with defaults filled in', () => {
  const registry = readIspRegistry(exampleFile);
  assert.deepEqual(
    registry.isps.map((isp) => isp.id),
    ['sakura-net', 'kawa-cable', 'yama-mobile'],
  );
  const sakura = registry.byAsn(64497)!;
  assert.equal(sakura.id, 'sakura-net');
  assert.equal(sakura.managesCustomerDevices, true);
  assert.deepEqual(sakura.preferences, { format: 'csv', cadence: 'daily', language: 'ja' });
  assert.equal(sakura.contacts.webhookUrl, 'https://soc.sakura-net.example/opennotice/hook');
  const yama = registry.byId('yama-mobile')!;
  assert.deepEqual(yama.preferences, defaultIspPreferences);
  assert.equal(yama.managesCustomerDevices, false);
  assert.deepEqual(yama.contacts.portalUsers, ['security@yama-mobile.example', 'ops@yama-mobile.example']);
});

test('lookup: extra prefixes first (longest match), then the route origins in order', () => {
  const isp = (id: string, asns: number[], prefixes: string[]): Isp => ({
    id,
    name: id.toUpperCase(),
    asns,
    prefixes,
    contacts: { abuseEmail: `abuse@${id}.example`, portalUsers: [] },
    preferences: defaultIspPreferences,
    managesCustomerDevices: false,
  });
  const registry = createIspRegistry([
    isp('big', [64500], ['198.51.0.0/16']),
    isp('small', [64501], ['198.51.100.0/24', '2001:db8:1::/48']),
    isp('moas', [64502], []),
  ]);
  assert.equal(registry.find('198.51.100.7', { asn: 64502 })?.isp.id, 'small', 'a prefix beats the origin AS');
  assert.deepEqual(registry.find('198.51.100.7'), { isp: registry.byId('small'), matchedBy: 'prefix', prefix: '198.51.100.0/24' });
  assert.equal(registry.find('198.51.7.1')?.isp.id, 'big');
  assert.equal(registry.find('2001:db8:1:2::3')?.isp.id, 'small');
  assert.deepEqual(registry.find('203.0.113.1', { asn: 64999, origins: [64999, 64502] }), { isp: registry.byId('moas'), matchedBy: 'asn', asn: 64502 });
  assert.equal(registry.find('203.0.113.1', { asn: 64999 }), undefined);
  assert.equal(registry.find('not an address'), undefined);
  assert.throws(() => createIspRegistry([isp('a', [1], []), isp('b', [1], [])]), /AS1 is claimed by both "a" and "b"/);
});

test('validation errors carry the file and line of the offending value', () => {
  const cases: Array<{ text: string; line: number; message: RegExp }> = [
    { text: 'isps:\n  - id: a\n    name: A\n    asns: [64500]\n    contacts: { abuseEmail: not-an-email }\n', line: 5, message: /not an e-mail/ },
    {
      text: 'isps:\n  - id: a\n    name: A\n    asns: [64500]\n    contacts: { abuseEmail: a@a.example }\n  - id: a\n    name: B\n    asns: [64501]\n    contacts: { abuseEmail: b@b.example }\n',
      line: 6,
      message: /duplicate id "a" \(first at line 2\)/,
    },
    {
      text: 'isps:\n  - id: a\n    name: A\n    asns: [64500]\n    contacts: { abuseEmail: a@a.example }\n  - id: b\n    name: B\n    asns:\n      - 64500\n    contacts: { abuseEmail: b@b.example }\n',
      line: 9,
      message: /AS64500 already belongs to "a"/,
    },
    { text: 'isps:\n  - id: a\n    name: A\n    prefixes: [192.0.2.1/24]\n    contacts: { abuseEmail: a@a.example }\n', line: 4, message: /host bits/ },
    { text: 'isps:\n  - id: a\n    name: A\n    prefixes:\n      - 192.0.2.0\n    contacts: { abuseEmail: a@a.example }\n', line: 5, message: /not a prefix/ },
    {
      text: 'isps:\n  - id: a\n    name: A\n    asns: [64500]\n    contacts: { abuseEmail: a@a.example }\n    preferences:\n      format: pdf\n',
      line: 7,
      message: /expected one of csv, json, stix/,
    },
    { text: 'isps:\n  - id: a\n    name: A\n    asns: [64500]\n    contacts: { webhookUrl: "ftp://x.example/" }\n', line: 5, message: /not an http\(s\) URL/ },
    { text: 'isps:\n  - id: a\n    name: A\n    asns: [64500]\n    contacts: {}\n', line: 5, message: /at least one of abuseEmail/ },
    { text: 'isps:\n  - id: a\n    name: A\n    contacts: { abuseEmail: a@a.example }\n', line: 2, message: /at least one of asns or prefixes/ },
    {
      text: 'isps:\n  - id: a\n    name: A\n    asns: [64500]\n    contacts: { abuseEmail: a@a.example }\n    managesCustomerDevice: true\n',
      line: 6,
      message: /unknown field "managesCustomerDevice"/,
    },
    {
      text: 'isps:\n  - id: a\n    name: A\n    asns: [64500]\n    contacts: { abuseEmail: a@a.example }\n    managesCustomerDevices: "yes"\n',
      line: 6,
      message: /expected true or false/,
    },
    { text: 'isps:\n  - id: Not Valid\n    name: A\n    asns: [64500]\n    contacts: { abuseEmail: a@a.example }\n', line: 2, message: /not a valid id/ },
    { text: 'isps:\n  - id: a\n    name: A\n    asns: [0]\n    contacts: { abuseEmail: a@a.example }\n', line: 4, message: /at least 1/ },
    { text: 'isps:\n  - id: a\n   name: A\n', line: 3, message: /syntax error/ },
  ];
  for (const { text, line, message } of cases) {
    const error = configError(text);
    assert.equal(error.context.file, 'isps.yaml');
    assert.equal(error.context.line, line, `${error.message}\n${text}`);
    assert.match(error.message, message);
  }
});
