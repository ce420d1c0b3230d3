import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeBlocklistCsv } from './csv.ts';
import { canonicalIndicators } from './indicator-list.ts';
import { writeCiscoAcl, writePlainAddressList } from './router-acl.ts';

const approvedAt = '2026-12-01T10:00:00Z';
const indicators = canonicalIndicators(
  [
    { kind: 'cidr', value: '203.0.113.0/24', reason: 'bulletproof host', approvedAt },
    { kind: 'cidr', value: '10.64.0.0/10', reason: 'wide', approvedAt },
    { kind: 'ip', value: '192.0.2.44', port: 4444, reason: 'one port', approvedAt },
    { kind: 'ip', value: '192.0.2.45', port: 6881, protocol: 'udp', reason: 'one port of one protocol', approvedAt },
    { kind: 'ip', value: '2001:db8::7', reason: 'v6', approvedAt },
    { kind: 'domain', value: 'evil.example', reason: '=HYPERLINK("x")', approvedAt },
  ],
  'test',
);

test('IOS ACL: wildcard masks, host entries, tcp and udp for a port, only the named protocol when there is one, a permit at the end of each list', () => {
  const acl = writeCiscoAcl(indicators, { version: 2 });
  const lines = acl.split('\n').filter((line) => line.startsWith(' deny') || line.startsWith(' permit') || line.includes('access-list'));
  assert.deepEqual(lines, [
    'ip access-list extended OPENNOTICE-BLOCK',
    ' deny tcp any host 192.0.2.44 eq 4444',
    ' deny udp any host 192.0.2.44 eq 4444',
    ' deny udp any host 192.0.2.45 eq 6881',
    ' deny ip any 10.64.0.0 0.63.255.255',
    ' deny ip any 203.0.113.0 0.0.0.255',
    ' permit ip any any',
    'ipv6 access-list OPENNOTICE-BLOCK-V6',
    ' deny ipv6 any host 2001:db8::7',
    ' permit ipv6 any any',
  ]);
  assert.ok(!acl.includes('evil.example'), 'routers match addresses, not names');
});

test('plain list: one prefix a line, with the port (and protocol) when limited to one', () => {
  assert.equal(
    writePlainAddressList(indicators, { version: 2 }),
    '# opennotice blocklist, addresses and prefixes, version 2\n192.0.2.44/32 tcp/udp 4444\n192.0.2.45/32 udp 6881\n2001:db8::7/128\n10.64.0.0/10\n203.0.113.0/24\n',
  );
});

test('CSV: quoted fields, doubled quotes, and a formula-like reason defused', () => {
  const csv = writeBlocklistCsv(indicators);
  const rows = csv.split('\r\n');
  assert.equal(rows[0], '"kind","value","port","protocol","reason","approved_at"');
  assert.equal(rows[1], `"domain","evil.example","","","'=HYPERLINK(""x"")","${approvedAt}"`);
  assert.equal(rows[2], `"ip","192.0.2.44","4444","","one port","${approvedAt}"`);
  assert.equal(rows[3], `"ip","192.0.2.45","6881","udp","one port of one protocol","${approvedAt}"`);
  assert.equal(rows.length, indicators.length + 2, 'a header, a row each, and the final CRLF');
});
