import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIspRegistry } from '../attribution/isp-registry-file.ts';
import { OpenNoticeError } from '../core/errors.ts';
import { parseSharingRecipients, recipientById } from './sharing-registry-file.ts';

const isps = `isps:
  - { id: isp-a, name: ISP A, asns: [64500], contacts: { abuseEmail: abuse@a.example } }
`;

test('a sharing section is read with defaults, and the ISP registry accepts the shared file', () => {
  const text = `${isps}sharing:
  - id: national-cert
    name: National CERT
    policy: masked
    tlp: amber+strict
    tlpByKind: { weak-credential: red }
    formats: [misp, stix, intelmq, shadowserver-csv]
    contact: cert@cert.example
  - { id: research, name: Research, policy: aggregated, kAnonymity: 10, maskIPv4: 16, formats: [counts-json], contact: r@uni.example }
`;
  const [cert, research] = parseSharingRecipients(text, 'isps.yaml');
  assert.deepEqual(cert, {
    id: 'national-cert',
    name: 'National CERT',
    policy: 'masked',
    maskIPv4: 24,
    maskIPv6: 48,
    kAnonymity: 5,
    tlp: 'AMBER+STRICT',
    tlpByKind: { 'weak-credential': 'RED' },
    formats: ['misp', 'stix', 'intelmq', 'shadowserver-csv'],
    contact: 'cert@cert.example',
  });
  assert.equal(research!.kAnonymity, 10);
  assert.equal(research!.maskIPv4, 16);
  assert.equal(parseIspRegistry(text, 'isps.yaml').isps.length, 1);
  assert.equal(recipientById([cert!, research!], 'research'), research);
  assert.throws(
    () => recipientById([cert!], 'nobody'),
    (error) => error instanceof OpenNoticeError && error.code === 'USAGE' && /national-cert/.test(error.message),
  );
});

const invalid: Array<[string, string, RegExp]> = [
  ['a RED recipient', '{ id: a, name: A, policy: full, tlp: red, formats: [misp], contact: a@a.example }', /TLP:RED .*never exported/],
  ['a per-event format for an aggregated share', '{ id: a, name: A, policy: aggregated, formats: [stix], contact: a@a.example }', /one record per finding/],
  ['an unknown policy', '{ id: a, name: A, policy: open, formats: [misp], contact: a@a.example }', /expected one of full, masked, aggregated/],
  ['a mask that masks nothing', '{ id: a, name: A, policy: masked, maskIPv4: 32, formats: [misp], contact: a@a.example }', /at most 31/],
  ['an unknown TLP label', '{ id: a, name: A, policy: full, tlp: purple, formats: [misp], contact: a@a.example }', /TLP 2.0 label/],
  ['an unknown kind', '{ id: a, name: A, policy: full, tlpByKind: { spam: red }, formats: [misp], contact: a@a.example }', /unknown field "spam"/],
  ['no formats', '{ id: a, name: A, policy: full, formats: [], contact: a@a.example }', /at least one format/],
  ['a bad contact', '{ id: a, name: A, policy: full, formats: [misp], contact: nobody }', /not an e-mail address/],
];

for (const [what, entry, message] of invalid)
  test(`${what} is a CONFIG_INVALID error at its line`, () => {
    const text = `${isps}sharing:\n  - { id: ok, name: OK, policy: full, formats: [misp], contact: ok@ok.example }\n  - ${entry}\n`;
    assert.throws(
      () => parseSharingRecipients(text, 'isps.yaml'),
      (error) =>
        error instanceof OpenNoticeError &&
        error.code === 'CONFIG_INVALID' &&
        message.test(error.message) &&
        error.context.file === 'isps.yaml' &&
        error.context.line === 5,
    );
  });
