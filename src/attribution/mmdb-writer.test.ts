// The writer's output must be readable by the `maxmind` npm reader (a devDependency), which
// is the point of writing it: the benchmark compares against that reader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Reader, type AsnResponse } from 'maxmind';
import { writeMmdb } from './mmdb-writer.ts';
import { parseIPv6 } from './address.ts';

/** The reader is typed for MaxMind's own record shapes; these tests write their own. */
function open(file: Buffer) {
  const reader = new Reader<AsnResponse>(file);
  return {
    metadata: reader.metadata,
    get: (ip: string) => reader.get(ip) as unknown as Record<string, unknown> | null,
    prefixLength: (ip: string) => reader.getWithPrefixLength(ip)[1],
  };
}

test('an IPv4 database: unaligned ranges, gaps, the last address, shared records', () => {
  const file = writeMmdb(
    [
      { first: 0x01000000, last: 0x010002ff, record: { autonomous_system_number: 13335, autonomous_system_organization: 'Cloudflare, Inc.' } },
      { first: 0x01000305, last: 0x01000309, record: { autonomous_system_number: 64500, autonomous_system_organization: 'Käse "Net"' } },
      { first: 0x08080800, last: 0x080808ff, record: { autonomous_system_number: 13335, autonomous_system_organization: 'Cloudflare, Inc.' } },
      { first: 0xfffffff0, last: 0xffffffff, record: { flag: true, score: 0.5, list: ['a', 'b'], big: 4000000000, text: 'x'.repeat(300) } },
    ],
    { ipVersion: 4, databaseType: 'opennotice-test', description: 'test', buildEpoch: 1700000000 },
  );
  const reader = open(file);
  assert.equal(reader.metadata.ipVersion, 4);
  assert.equal(reader.metadata.databaseType, 'opennotice-test');
  assert.equal(reader.metadata.buildEpoch.getTime(), 1700000000_000);
  assert.deepEqual(reader.get('1.0.2.255'), { autonomous_system_number: 13335, autonomous_system_organization: 'Cloudflare, Inc.' });
  assert.equal(reader.prefixLength('1.0.1.1'), 23);
  assert.equal(reader.get('1.0.3.4'), null);
  assert.equal(reader.get('1.0.3.5')?.autonomous_system_organization, 'Käse "Net"');
  assert.equal(reader.get('1.0.3.9')?.autonomous_system_number, 64500);
  assert.equal(reader.get('1.0.3.10'), null);
  assert.equal(reader.get('8.8.8.8')?.autonomous_system_number, 13335);
  assert.deepEqual(reader.get('255.255.255.255'), { flag: true, score: 0.5, list: ['a', 'b'], big: 4000000000, text: 'x'.repeat(300) });
  assert.equal(reader.get('255.255.255.239'), null);
});

test('an IPv6 database holds IPv6 ranges and IPv4 ranges under ::/96', () => {
  const file = writeMmdb(
    [
      { first: parseIPv6('2001:db8::')!, last: parseIPv6('2001:db8:ffff:ffff:ffff:ffff:ffff:ffff')!, record: { asn: 1 } },
      { first: parseIPv6('2001:db9::5')!, last: parseIPv6('2001:db9::9')!, record: { asn: 2 } },
      { first: 0xc0000200, last: 0xc00002ff, record: { asn: 3 } },
    ],
    { ipVersion: 6, databaseType: 'opennotice-test' },
  );
  const reader = open(file);
  assert.equal(reader.get('2001:db8:1::1')?.asn, 1);
  assert.equal(reader.get('2001:db9::4'), null);
  assert.equal(reader.get('2001:db9::9')?.asn, 2);
  assert.equal(reader.get('192.0.2.77')?.asn, 3);
  assert.equal(reader.get('192.0.3.1'), null);
});

test('28- and 32-bit records read back the same', () => {
  for (const recordSize of [28, 32] as const) {
    const file = writeMmdb(
      [
        { first: 0x0a000000, last: 0x0a0000ff, record: { asn: 7 } },
        { first: 0x0b000000, last: 0x0bffffff, record: { asn: 8 } },
      ],
      { ipVersion: 4, databaseType: 't', recordSize },
    );
    const reader = open(file);
    assert.equal(reader.metadata.recordSize, recordSize);
    assert.equal(reader.get('10.0.0.9')?.asn, 7);
    assert.equal(reader.get('11.22.33.44')?.asn, 8);
    assert.equal(reader.get('10.0.1.0'), null);
  }
});
