import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { OpenNoticeError } from '../core/errors.ts';
import { createAttributor } from './attributor.ts';
import { parseIntegrators, readIntegrators } from './integrator-registry-file.ts';
import { createIntegratorIndex } from './integrators.ts';
import { parseIspRegistry, readIspRegistry } from './isp-registry-file.ts';

const exampleFile = fileURLToPath(new URL('../../examples/isps.yaml', import.meta.url));

function configError(text: string): OpenNoticeError {
  try {
    parseIntegrators(text, 'isps.yaml');
  } catch (error) {
    assert.ok(error instanceof OpenNoticeError && error.code === 'CONFIG_INVALID', String(error));
    return error;
  }
  assert.fail('expected a CONFIG_INVALID error');
}

const entry = (fields: string) => `isps: []\nintegrators:\n  - id: kita\n    name: Kita\n${fields}`;
const contacts = '    contacts: { email: psirt@kita.example, language: ja }\n';

test('the example registry file holds ISPs and integrators; each reader takes its own list', () => {
  const integrators = readIntegrators(exampleFile);
  assert.deepEqual(
    integrators.integrators.map((integrator) => [integrator.id, integrator.contacts.language, integrator.ranges]),
    [
      ['kita-systems', 'ja', ['192.0.2.16/28', '2001:db8:5::/48']],
      ['minami-solar', 'en', ['203.0.113.64/26']],
    ],
  );
  assert.deepEqual(integrators.byId('kita-systems')?.customerIds, ['sakura-net:C-104233']);
  assert.equal(readIspRegistry(exampleFile).isps.length, 3, 'the ISP reader accepts the integrators list beside its own');
  assert.equal(parseIntegrators('isps: []\n', 'isps.yaml').integrators.length, 0, 'a file without integrators has none');
});

test('integrator validation: coded errors naming the file and the line of the offending value', () => {
  const cases: Array<{ text: string; line: number; message: RegExp }> = [
    { text: entry(`${contacts}    ranges: [192.0.2.0/33]\n`), line: 6, message: /"192\.0\.2\.0\/33" is not a CIDR range/ },
    { text: entry(`${contacts}    ranges:\n      - 2001:db8:5::/48\n      - 2001:db8:zz::/48\n`), line: 8, message: /not a CIDR range/ },
    { text: entry(`${contacts}    ranges: [192.0.2.1/28]\n`), line: 6, message: /host bits/ },
    { text: entry(`${contacts}    ranges:\n      - 192.0.2.5\n`), line: 7, message: /not a CIDR range/ },
    {
      text: entry('    contacts:\n      email: psirt@kita.example\n      language: fr\n    ranges: [192.0.2.0/28]\n'),
      line: 7,
      message: /expected one of ja, en, got "fr"/,
    },
    { text: entry('    contacts: { email: not-an-address }\n    ranges: [192.0.2.0/28]\n'), line: 5, message: /not an e-mail address/ },
    {
      text: `${entry(`${contacts}    ranges: [192.0.2.0/28]\n`)}  - id: kita\n    name: Kita Again\n${contacts}    ranges: [198.51.100.0/28]\n`,
      line: 7,
      message: /duplicate integrator id "kita" \(first at line 3\)/,
    },
    {
      text: `${entry(`${contacts}    ranges: [2001:db8:5::/48]\n`)}  - id: aoi\n    name: Aoi\n${contacts}    ranges:\n      - 2001:db8:5:0::/48\n`,
      line: 11,
      message: /2001:db8:5:0::\/48 is already managed by "kita"/,
    },
    { text: entry(contacts), line: 3, message: /needs ranges or customerIds/ },
    { text: entry(`${contacts}    customerIds: [c-1, c-1]\n`), line: 6, message: /customer id "c-1" is listed twice/ },
    { text: entry(`${contacts}    range: [192.0.2.0/28]\n`), line: 6, message: /unknown field "range"/ },
    { text: 'isps: []\nintegrators:\n  - id: Kita Systems\n    name: Kita\n', line: 3, message: /not a valid id/ },
  ];
  for (const { text, line, message } of cases) {
    const error = configError(text);
    assert.equal(error.context.file, 'isps.yaml');
    assert.equal(error.context.line, line, `${error.message}\n${text}`);
    assert.match(error.message, message);
  }
  assert.throws(
    () => parseIspRegistry('isps: []\nintegrator: []\n', 'isps.yaml'),
    (error: unknown) => error instanceof OpenNoticeError && /unknown field "integrator"/.test(error.message),
  );
});

test('attribution marks the integrator of an address in its ranges, IPv4 and IPv6, beside the ISP', () => {
  const registry = parseIspRegistry(
    'isps:\n  - { id: sakura, name: Sakura, prefixes: [192.0.2.0/24, 2001:db8::/32], contacts: { abuseEmail: abuse@sakura.example } }\n',
    'isps.yaml',
  );
  const integrators = createIntegratorIndex([
    {
      id: 'kita',
      name: 'Kita Systems',
      contacts: { email: 'psirt@kita.example', language: 'ja' },
      ranges: ['192.0.2.16/28', '2001:db8:5::/48'],
      customerIds: [],
    },
    // A narrower range inside another integrator's: the narrowest wins.
    { id: 'aoi', name: 'Aoi', contacts: { email: 'sec@aoi.example', language: 'en' }, ranges: ['192.0.2.24/30'], customerIds: [] },
  ]);
  const attributor = createAttributor({ registry, integrators });
  const at = (ip: string) => {
    const attribution = attributor.attributeSync(ip);
    return [attribution.ispId, attribution.integratorId, attribution.integratorName];
  };
  assert.deepEqual(at('192.0.2.17'), ['sakura', 'kita', 'Kita Systems']);
  assert.deepEqual(at('192.0.2.31'), ['sakura', 'kita', 'Kita Systems']);
  assert.deepEqual(at('192.0.2.25'), ['sakura', 'aoi', 'Aoi']);
  assert.deepEqual(at('192.0.2.15'), ['sakura', undefined, undefined], 'just below the range');
  assert.deepEqual(at('192.0.2.32'), ['sakura', undefined, undefined], 'just above the range');
  assert.deepEqual(at('2001:db8:5:ffff::1'), ['sakura', 'kita', 'Kita Systems']);
  assert.deepEqual(at('2001:db8:6::1'), ['sakura', undefined, undefined]);
  // No ISP for the address: the integrator is still named (it can fix the device either way).
  assert.deepEqual(createAttributor({ integrators }).attributeSync('192.0.2.18').integratorId, 'kita');
  assert.throws(
    () =>
      createIntegratorIndex([
        { id: 'a', name: 'A', contacts: { email: 'a@a.example', language: 'en' }, ranges: ['192.0.2.0/28'], customerIds: [] },
        { id: 'b', name: 'B', contacts: { email: 'b@b.example', language: 'en' }, ranges: ['192.0.2.0/28'], customerIds: [] },
      ]),
    (error: unknown) => error instanceof OpenNoticeError && error.code === 'CONFIG_INVALID' && /claimed by both "a" and "b"/.test(error.message),
  );
});
