import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRandom } from '../core/random.ts';
import { OpenNoticeError } from '../core/errors.ts';
import { bigIntToIPv6Words, formatIPv4, formatIPv6, parseIPv6, parseIPv6Words } from './address.ts';
import { createPrefixTable, createPrefixTableBuilder } from './prefix-table.ts';

const asnAt = (table: ReturnType<typeof createPrefixTable>, address: string) => table.lookup(address)?.route.asn;

test('nested prefixes: the longest match wins, whatever the insertion order', () => {
  const entries = [
    { prefix: '10.1.2.0/24', asn: 3 },
    { prefix: '10.0.0.0/8', asn: 1 },
    { prefix: '10.1.0.0/16', asn: 2 },
    { prefix: '10.1.2.128/25', asn: 4 },
  ];
  const table = createPrefixTable(entries);
  assert.equal(asnAt(table, '10.200.0.1'), 1);
  assert.equal(asnAt(table, '10.1.200.1'), 2);
  assert.equal(asnAt(table, '10.1.2.1'), 3);
  assert.equal(asnAt(table, '10.1.2.200'), 4);
  assert.equal(asnAt(table, '10.1.3.0'), 2, 'back in the /16 after the /24 ends');
  assert.equal(asnAt(table, '11.0.0.0'), undefined);
  assert.equal(asnAt(table, '9.255.255.255'), undefined);
  assert.deepEqual(table.lookup('10.1.2.7')?.prefix, '10.1.2.0/24');
  assert.deepEqual(table.lookup('10.9.9.9')?.prefix, '10.0.0.0/8');
  assert.equal(table.lookupIPv4(0x0a010281)?.asn, 4);
  assert.equal(table.lookup('not an address'), undefined);
});

test('ranges that are not CIDR-aligned resolve and report the block that holds the address', () => {
  const table = createPrefixTable([
    { first: '1.0.0.0', last: '1.0.2.255', asn: 100 },
    { first: '1.0.3.5', last: '1.0.3.9', asn: 200 },
  ]);
  assert.equal(table.lookup('1.0.1.255')?.prefix, '1.0.0.0/23');
  assert.equal(table.lookup('1.0.2.3')?.prefix, '1.0.2.0/24');
  assert.equal(asnAt(table, '1.0.2.255'), 100);
  assert.equal(asnAt(table, '1.0.3.0'), undefined);
  assert.equal(asnAt(table, '1.0.3.5'), 200);
  assert.equal(table.lookup('1.0.3.9')?.prefix, '1.0.3.8/31');
  assert.equal(asnAt(table, '1.0.3.10'), undefined);
});

test('the edges of the address space and equal-width overrides', () => {
  const builder = createPrefixTableBuilder();
  builder.addPrefix('0.0.0.0/0', { asn: 1 });
  builder.addPrefix('255.255.255.255/32', { asn: 2 });
  builder.addPrefix('192.0.2.0/24', { asn: 3 });
  builder.addPrefix('192.0.2.0/24', { asn: 4 }); // same width, added later: overrides
  assert.equal(builder.addPrefix('192.0.2.1/24', { asn: 5 }), false, 'host bits set');
  assert.equal(builder.addRange('1.0.0.9', '1.0.0.1', { asn: 5 }), false, 'reversed');
  assert.equal(builder.addRange('1.0.0.1', '::1', { asn: 5 }), false, 'mixed families');
  const table = builder.build();
  assert.equal(table.lookupIPv4(0)?.asn, 1);
  assert.equal(table.lookupIPv4(0xffffffff)?.asn, 2);
  assert.equal(table.lookupIPv4(0xfffffffe)?.asn, 1);
  assert.equal(asnAt(table, '192.0.2.77'), 4);
  assert.equal(table.lookup('0.0.0.1')?.prefix, '0.0.0.0/0');
});

test('IPv6: nested prefixes, bucket boundaries and the lookup by words', () => {
  const table = createPrefixTable([
    { prefix: '2001:db8::/32', asn: 1 },
    { prefix: '2001:db8:1::/48', asn: 2 },
    { first: '2002::5', last: '2002::9', asn: 3 }, // starts just after a first-level bucket boundary
    { prefix: '2001::/16', asn: 4 },
    { prefix: '2000::/8', asn: 6 },
    { prefix: '::ffff:0:0/96', asn: 5 },
  ]);
  assert.equal(asnAt(table, '2001:db8:2::1'), 1);
  assert.equal(asnAt(table, '2001:db8:1:ffff::1'), 2);
  assert.equal(table.lookup('2001:db8:1::9')?.prefix, '2001:db8:1::/48');
  assert.equal(asnAt(table, '2001:db9::4'), 4);
  assert.equal(asnAt(table, '2002::4'), 6, 'before the range, inside 2000::/8');
  assert.equal(asnAt(table, '2002::7'), 3);
  assert.equal(table.lookup('2002::8')?.prefix, '2002::8/127');
  assert.equal(asnAt(table, '2002::a'), 6);
  assert.equal(asnAt(table, '2100::1'), undefined);
  assert.equal(asnAt(table, '::ffff:192.0.2.1'), 5);
  const words = new Uint32Array(4);
  assert.ok(parseIPv6Words('2001:db8:1::1', words));
  assert.equal(table.lookupIPv6Words(words)?.asn, 2);
  assert.equal(table.lookup('2001:db8::1::2'), undefined);
});

test('IPv6 words parsing agrees with the scope parser', () => {
  const words = new Uint32Array(4);
  const inputs = [
    '::',
    '::1',
    '2001:db8::1',
    'fe80::1:2:3:4',
    '1:2:3:4:5:6:7:8',
    '::ffff:192.0.2.1',
    '2001:DB8:0:0:8:800:200C:417A',
    '1::',
    'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
  ];
  const bad = ['1::2::3', '12345::', '1:2:3:4:5:6:7:8:9', '::ffff:300.0.0.1', 'g::1', '1:2:3:4:5:6:7::8', ':1', '1:'];
  for (const text of inputs) {
    assert.ok(parseIPv6Words(text, words), text);
    const expected = new Uint32Array(4);
    bigIntToIPv6Words(parseIPv6(text)!, expected);
    assert.deepEqual([...words], [...expected], text);
  }
  for (const text of bad) assert.equal(parseIPv6Words(text, words), false, text);
  assert.equal(formatIPv6(parseIPv6('2001:db8:0:0:1:0:0:1')!), '2001:db8::1:0:0:1');
  assert.equal(formatIPv6(0n), '::');
});

test('random overlapping ranges: every lookup equals a brute-force narrowest-then-latest scan', () => {
  const random = createRandom(42);
  const ranges: Array<{ first: number; last: number; asn: number }> = [];
  for (let index = 0; index < 300; index++) {
    // Within a small window so ranges overlap a lot, partly and fully.
    const first = 0x0a000000 + random.int(0, 4000);
    const last = first + random.int(0, random.chance(0.2) ? 3000 : 60);
    ranges.push({ first, last, asn: index + 1 });
  }
  const builder = createPrefixTableBuilder();
  for (const range of ranges) builder.addIPv4Range(range.first, range.last, { asn: range.asn });
  const table = builder.build();
  for (let address = 0x0a000000 - 5; address < 0x0a000000 + 7100; address++) {
    let best: (typeof ranges)[number] | undefined;
    for (const range of ranges) {
      if (address < range.first || address > range.last) continue;
      if (!best || range.last - range.first <= best.last - best.first) best = range;
    }
    assert.equal(table.lookupIPv4(address)?.asn, best?.asn, formatIPv4(address));
  }
});

test('random IPv6 prefixes: lookups equal a brute-force longest-prefix scan', () => {
  const random = createRandom(7);
  const prefixes: Array<{ network: bigint; length: number; asn: number }> = [];
  const base = 0x2400cb00n << 96n;
  for (let index = 0; index < 200; index++) {
    const length = random.int(20, 64);
    const bits = (BigInt(random.int(0, 0xfffff)) << 92n) | (BigInt(random.int(0, 0xffffffff)) << 60n);
    const hostMask = (1n << BigInt(128 - length)) - 1n;
    prefixes.push({ network: (base ^ bits) & ~hostMask & ((1n << 128n) - 1n), length, asn: index + 1 });
  }
  const table = createPrefixTable(prefixes.map((prefix) => ({ prefix: `${formatIPv6(prefix.network)}/${prefix.length}`, asn: prefix.asn })));
  for (let probe = 0; probe < 2000; probe++) {
    const target = prefixes[random.int(0, prefixes.length - 1)]!;
    const address = target.network | (BigInt(random.int(0, 0xffff)) << BigInt(random.int(0, 60)));
    let best: (typeof prefixes)[number] | undefined;
    for (const prefix of prefixes) {
      const hostMask = (1n << BigInt(128 - prefix.length)) - 1n;
      if ((address & ~hostMask) !== prefix.network) continue;
      if (!best || prefix.length >= best.length) best = prefix;
    }
    assert.equal(asnAt(table, formatIPv6(address)), best?.asn, formatIPv6(address));
  }
});

test('createPrefixTable refuses a malformed entry with IMPORT_INVALID', () => {
  assert.throws(
    () => createPrefixTable([{ prefix: '10.0.0.0/33', asn: 1 }]),
    (error: unknown) => error instanceof OpenNoticeError && error.code === 'IMPORT_INVALID',
  );
});
