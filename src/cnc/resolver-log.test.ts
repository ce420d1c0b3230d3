import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseResolverLogLine, resolverLogFormatOf } from './resolver-log.ts';

// Lines as dnsmasq 2.90, unbound 1.17 and BIND 9.18 (Debian 12) wrote them with query logging on.
const now = new Date(2026, 11, 7, 12, 0, 0).getTime();
const dnsmasq = [
  'Dec  7 03:18:02 dnsmasq[7676]: started, version 2.90 cachesize 150',
  'Dec  7 03:18:03 dnsmasq[7676]: query[A] c2.evil.test from 127.166.9.7',
  'Dec  7 03:18:03 dnsmasq[7676]: config c2.evil.test is 198.18.166.50',
  'Dec  7 03:18:03 dnsmasq[7676]: query[TXT] Foo.test from 127.166.9.8',
  'Dec  7 03:18:04 dnsmasq[7676]: 12 127.166.9.8/40123 query[AAAA] extra.test from 127.166.9.8',
];
const unbound = [
  '[1796613337] unbound[5566:0] info: start of service (unbound 1.17.1).',
  '[1796613338] unbound[5566:0] info: 127.166.9.7 c2.evil.test. A IN',
  '[1796613338] unbound[5566:0] info: 127.166.9.7 c2.evil.test. A IN NOERROR 0.000000 1 57',
  'Dec 07 03:15:38 unbound[5566:0] info: 127.166.9.7 nothere.test. TXT IN',
];
const bind = [
  '07-Dec-2026 03:15:49.421 resolver priming query complete: failure',
  '07-Dec-2026 03:15:51.321 client @0x7feb3306d098 198.18.166.7#47823 (c2.evil.test): query: c2.evil.test IN A +E(0)K (198.18.166.2)',
  '07-Dec-2026 03:15:51.337 client @0x7feb3306d098 198.18.166.7#45808 (C2.Evil.test): query: C2.Evil.test IN TXT +E(0)K (198.18.166.2)',
  '07-Dec-2026 03:15:52.000 queries: info: client 2001:db8::7#5353 (x.test): view outside: query: x.test IN AAAA + (2001:db8::1)',
];

test('questions are read from each format; replies, forwards and notices are other lines', () => {
  const queries = (format: 'dnsmasq' | 'unbound' | 'bind', lines: string[]) =>
    lines
      .map((line) => parseResolverLogLine(format, line, now))
      .map((parsed) => ('query' in parsed ? parsed.query : 'other' in parsed ? 'other' : parsed.problem));
  assert.deepEqual(queries('dnsmasq', dnsmasq), [
    'other',
    { atMs: new Date(2026, 11, 7, 3, 18, 3).getTime(), client: '127.166.9.7', name: 'c2.evil.test', type: 'A' },
    'other',
    { atMs: new Date(2026, 11, 7, 3, 18, 3).getTime(), client: '127.166.9.8', name: 'foo.test', type: 'TXT' },
    { atMs: new Date(2026, 11, 7, 3, 18, 4).getTime(), client: '127.166.9.8', name: 'extra.test', type: 'AAAA' },
  ]);
  assert.deepEqual(queries('unbound', unbound), [
    'other',
    { atMs: 1796613338000, client: '127.166.9.7', name: 'c2.evil.test', type: 'A' },
    'other',
    { atMs: new Date(2026, 11, 7, 3, 15, 38).getTime(), client: '127.166.9.7', name: 'nothere.test', type: 'TXT' },
  ]);
  assert.deepEqual(queries('bind', bind), [
    'other',
    { atMs: new Date(2026, 11, 7, 3, 15, 51, 321).getTime(), client: '198.18.166.7', name: 'c2.evil.test', type: 'A' },
    { atMs: new Date(2026, 11, 7, 3, 15, 51, 337).getTime(), client: '198.18.166.7', name: 'c2.evil.test', type: 'TXT' },
    { atMs: new Date(2026, 11, 7, 3, 15, 52).getTime(), client: '2001:db8::7', name: 'x.test', type: 'AAAA' },
  ]);
});

test('a syslog time without a year is put in the year that is not in the future', () => {
  const january = new Date(2027, 0, 2, 0, 0, 0).getTime();
  const parsed = parseResolverLogLine('dnsmasq', 'Dec 31 23:59:59 dnsmasq[1]: query[A] a.test from 192.0.2.1', january);
  assert.ok('query' in parsed);
  assert.equal(parsed.query.atMs, new Date(2026, 11, 31, 23, 59, 59).getTime());
});

test('the format is told from a line; broken lines are problems, not silently other', () => {
  assert.equal(resolverLogFormatOf(dnsmasq[0]!), 'dnsmasq');
  assert.equal(resolverLogFormatOf(unbound[1]!), 'unbound');
  assert.equal(resolverLogFormatOf(bind[1]!), 'bind');
  assert.equal(resolverLogFormatOf('hello'), undefined);
  for (const [format, line] of [
    ['dnsmasq', 'Dec  7 03:18:03 dnsmasq[7676]: query[A] c2.evil.test from not-an-address'],
    ['dnsmasq', 'Dec  7 03:18:03 dnsmasq[7676]: query[A] c2.evil.test'],
    ['dnsmasq', 'Dex  7 03:18:03 dnsmasq[7676]: query[A] c2.evil.test from 192.0.2.1'],
    ['dnsmasq', '03:18:03 query[A] c2.evil.test from 192.0.2.1'],
    ['unbound', '[1796613338] unbound[5566:0] info: 127.166.9.7 bad/name. A IN'],
    ['bind', '07-Dec-2026 03:15:51.321 client @0x7f 198.18.166.7#1 (c2.evil.test): query: c2.evil.test'],
  ] as const)
    assert.ok('problem' in parseResolverLogLine(format, line, now), line);
});
