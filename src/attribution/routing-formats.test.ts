import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIPv4 as scopeParseIPv4 } from '../scope/ipv4.ts';
import { parseIPv4 } from './address.ts';
import { createPrefixTableBuilder } from './prefix-table.ts';
import { createRouteInterner, isPublicAsn, parseIp2asnLine, parseIpLocationDbLine, parseOrigins, parsePfx2asLine, type LineParser } from './routing-formats.ts';

function parseLines(parser: LineParser, lines: string[]) {
  const builder = createPrefixTableBuilder();
  const interner = createRouteInterner();
  const outcomes = lines.map((line, index) => parser(line, index + 1, builder, interner));
  return { outcomes, table: builder.build(), interner };
}

test('the fast IPv4 parser agrees with the scope parser, leading zeros and all', () => {
  for (const text of [
    '0.0.0.0',
    '255.255.255.255',
    '1.2.3.4',
    '192.0.2.10',
    '01.2.3.4',
    '1.2.3.256',
    '1.2.3',
    '1.2.3.4.5',
    '1..3.4',
    ' 1.2.3.4',
    '1.2.3.4 ',
    'a.b.c.d',
    '1.2.3.-4',
    '1.2.3.00',
    '10.0.0.0/8',
    '',
  ]) {
    assert.equal(parseIPv4(text), scopeParseIPv4(text), JSON.stringify(text));
  }
});

test('origin fields: single, multi-origin, AS-sets, braces; malformed ones refused', () => {
  assert.deepEqual(parseOrigins('13335'), [13335]);
  assert.deepEqual(parseOrigins('24151_24409_24406'), [24151, 24409, 24406]);
  assert.deepEqual(parseOrigins('{1,2}'), [1, 2]);
  assert.deepEqual(parseOrigins('21450_21450,65000'), [21450, 65000]);
  for (const bad of ['', 'AS13335', '1__2', '4294967296', '1;2']) assert.equal(parseOrigins(bad), undefined, bad);
  assert.equal(isPublicAsn(13335), true);
  for (const reserved of [0, 23456, 64512, 65000, 65535, 4200000000]) assert.equal(isPublicAsn(reserved), false, String(reserved));
});

test('pfx2as lines: multi-origin keeps every origin, an AS-set prefers the first public AS', () => {
  const { outcomes, table } = parseLines(parsePfx2asLine, [
    '1.2.4.0\t24\t24151_24409_24406',
    '38.135.32.0\t22\t64520_393398,64521',
    '2001:db8::\t32\t64496', // documentation AS, still the only origin
    '10.0.0.0\t8\t0',
    '# a comment',
    '1.2.5.0\t24',
    '1.2.6.1\t24\t1',
    '1.2.7.0\t33\t1',
    '1.2.8.0 24 7',
  ]);
  assert.deepEqual(
    outcomes.map((outcome) => outcome.kind),
    ['added', 'added', 'added', 'not-routed', 'ignored', 'invalid', 'invalid', 'invalid', 'added'],
  );
  assert.deepEqual(table.lookup('1.2.4.9')?.route, { asn: 24151, origins: [24151, 24409, 24406] });
  assert.deepEqual(table.lookup('38.135.33.1')?.route, { asn: 393398, origins: [393398, 64520, 64521] });
  assert.equal(table.lookup('2001:db8::1')?.route.asn, 64496);
  assert.equal(table.lookup('10.1.1.1'), undefined);
  assert.equal(table.lookup('1.2.8.8')?.route.asn, 7);
  assert.match((outcomes[6] as { message: string }).message, /host bits/);
});

test('ip2asn lines: AS 0 is not routed, country and description kept, unaligned ranges resolve', () => {
  const { outcomes, table } = parseLines(parseIp2asnLine, [
    '1.1.1.0\t1.1.1.0\t13335\tUS\tCLOUDFLARENET - Cloudflare, Inc.',
    '1.1.1.1\t1.1.1.1\t7497\tCN\tCSTNET-AS-AP Computer Network Information Center',
    '1.1.1.2\t1.1.1.255\t13335\tUS\tCLOUDFLARENET - Cloudflare, Inc.',
    '1.1.2.0\t1.1.7.255\t0\tNone\tNot routed',
    '2001:200::\t2001:200:ffff:ffff:ffff:ffff:ffff:ffff\t2500\tJP\tWIDE-BB WIDE Project',
    '1.1.9.0\t1.1.8.0\t1\tUS\tbackwards',
    '1.1.10.0\t2001::\t1\tUS\tmixed',
    '1.1.11.0\t1.1.11.255\tAS1\tUS\tno number',
  ]);
  assert.deepEqual(
    outcomes.map((outcome) => outcome.kind),
    ['added', 'added', 'added', 'not-routed', 'added', 'invalid', 'invalid', 'invalid'],
  );
  assert.deepEqual(table.lookup('1.1.1.1'), {
    prefix: '1.1.1.1/32',
    route: { asn: 7497, asName: 'CSTNET-AS-AP Computer Network Information Center', country: 'CN' },
  });
  assert.equal(table.lookup('1.1.1.2')?.prefix, '1.1.1.2/31');
  assert.equal(table.lookup('1.1.1.200')?.prefix, '1.1.1.128/25');
  assert.equal(table.lookup('1.1.1.200')?.route.asn, 13335);
  assert.equal(table.lookup('1.1.3.3'), undefined);
  assert.equal(table.lookup('2001:200:1::1')?.route.country, 'JP');
});

test('ip-location-db lines: RFC 4180 quoting, numeric variants, one shared route per AS and name', () => {
  const { outcomes, table, interner } = parseLines(parseIpLocationDbLine, [
    'ip_range_start,ip_range_end,autonomous_system_number,autonomous_system_organization',
    '1.0.0.0,1.0.0.255,13335,"Cloudflare, Inc."',
    '2.26.200.0,2.26.215.255,201907,"LLC ""SPUTNIK"""',
    '1.1.1.0,1.1.1.255,13335,"Cloudflare, Inc."',
    '16778240,16779263,38803,Gtelecom Pty Ltd',
    '42540488161975842760550356425300246528,42540488241204005274814694018844196863,6939,Hurricane Electric LLC',
    '1.0.8.0,1.0.8.255,5,"unterminated',
    '1.0.9.0,1.0.9.255,5',
  ]);
  assert.deepEqual(
    outcomes.map((outcome) => outcome.kind),
    ['ignored', 'added', 'added', 'added', 'added', 'added', 'invalid', 'invalid'],
  );
  assert.equal(table.lookup('1.0.0.1')?.route.asName, 'Cloudflare, Inc.');
  assert.equal(table.lookup('2.26.210.1')?.route.asName, 'LLC "SPUTNIK"');
  assert.equal(table.lookup('2.26.200.0')?.prefix, '2.26.200.0/21');
  assert.equal(table.lookup('1.0.5.5')?.route.asn, 38803, '16778240 = 1.0.4.0');
  assert.equal(table.lookup('2001::1')?.route.asn, 6939);
  assert.equal(table.lookup('1.0.0.1')?.route, table.lookup('1.1.1.1')?.route, 'interned');
  assert.equal(interner.size, 4);
});
