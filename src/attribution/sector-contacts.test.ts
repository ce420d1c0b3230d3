import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { OpenNoticeError } from '../core/errors.ts';
import { readIspRegistry } from './isp-registry-file.ts';
import { parseSectorContacts, readSectorContacts } from './sector-contacts.ts';

const exampleFile = fileURLToPath(new URL('../../examples/isps.yaml', import.meta.url));

test("the example registry's sector contacts load beside its ISPs", () => {
  const contacts = readSectorContacts(exampleFile);
  assert.deepEqual(contacts[0], { sector: 'solar', name: 'Solar ISAC (example)', email: 'solar@isac.example', language: 'ja' });
  assert.equal(contacts.find((contact) => contact.sector === 'power')?.language, 'en', 'English by default');
  assert.ok(readIspRegistry(exampleFile).isps.length > 0, 'the ISP list of the same file still loads');
});

test('a file without sectorContacts has none', () => {
  assert.deepEqual(parseSectorContacts('isps: []\n', 'isps.yaml'), []);
});

function assertInvalid(text: string, message: RegExp): void {
  assert.throws(
    () => parseSectorContacts(text, 'isps.yaml'),
    (error: unknown) => error instanceof OpenNoticeError && error.code === 'CONFIG_INVALID' && message.test(error.describe()),
  );
}

test('bad sector contacts are rejected with CONFIG_INVALID at their line', () => {
  assertInvalid(
    'sectorContacts:\n  - { sector: nuclear, name: X, email: x@x.example }\n',
    /isps\.yaml:2: .*expected one of power, water, gas, solar, building, other/,
  );
  assertInvalid('sectorContacts:\n  - { sector: solar, name: X, email: not-an-address }\n', /is not an e-mail address/);
  assertInvalid('sectorContacts:\n  - { sector: solar, name: X }\n', /missing "email"/);
  assertInvalid('sectorContacts:\n  - { sector: solar, name: X, email: x@x.example, phone: 1 }\n', /unknown field "phone"/);
  assertInvalid(
    'sectorContacts:\n  - { sector: solar, name: X, email: x@x.example }\n  - { sector: solar, name: Y, email: X@x.example }\n',
    /already a contact of sector solar/,
  );
  assertInvalid('sectorContacts:\n  - { sector: solar, name: X, email: x@x.example, language: fr }\n', /expected one of ja, en/);
});
