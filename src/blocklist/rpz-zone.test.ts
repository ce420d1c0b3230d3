import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalIndicators } from './indicator-list.ts';
import { rpzIpOwner, writeRpzZone } from './rpz-zone.ts';

const approvedAt = '2026-12-01T10:00:00Z';

test('rpz-ip owners: prefix length, then the address reversed; IPv6 groups in hex with the zero run as zz', () => {
  assert.equal(rpzIpOwner('198.51.100.7/32'), '32.7.100.51.198.rpz-ip');
  assert.equal(rpzIpOwner('192.0.2.0/24'), '24.0.2.0.192.rpz-ip');
  assert.equal(rpzIpOwner('2001:db8::1/128'), '128.1.zz.db8.2001.rpz-ip');
  assert.equal(rpzIpOwner('2001:db8:1::/48'), '48.zz.1.db8.2001.rpz-ip');
  assert.equal(rpzIpOwner('2001:db8:0:0:1:0:0:1/128'), '128.1.0.0.1.zz.db8.2001.rpz-ip', 'only the first longest zero run is zz');
  assert.equal(rpzIpOwner('2001:db8:1:2:3:4:5:6/128'), '128.6.5.4.3.2.1.db8.2001.rpz-ip');
});

test('the zone: SOA serial is the version, a domain and its subdomains trigger, port-limited indicators stay out', () => {
  const indicators = canonicalIndicators(
    [
      { kind: 'ip', value: '198.51.100.7', reason: 'C&C; seen in flows', approvedAt },
      { kind: 'domain', value: 'evil.example', reason: 'Mirai C&C', approvedAt },
      { kind: 'ip', value: '192.0.2.44', port: 4444, reason: 'one port', approvedAt },
    ],
    'test',
  );
  const zone = writeRpzZone(indicators, { origin: 'rpz.opennotice', serial: 7, policy: { action: 'nxdomain' } });
  const records = zone.split('\n').filter((line) => line !== '' && !line.startsWith(';') && !line.startsWith('$'));
  assert.deepEqual(records, [
    '@ IN SOA localhost. hostmaster.localhost. 7 3600 600 86400 60',
    '@ IN NS localhost.',
    'evil.example IN CNAME .',
    '*.evil.example IN CNAME .',
    '32.7.100.51.198.rpz-ip IN CNAME .',
  ]);
  assert.match(zone, /^\$ORIGIN rpz\.opennotice\.$/m);
  assert.match(zone, /^; not in RPZ \(port 4444 only\): ip 192\.0\.2\.44$/m);
});

test('walled garden and NODATA policies write local data and CNAME *.', () => {
  const indicators = canonicalIndicators([{ kind: 'domain', value: 'evil.example', reason: 'C&C', approvedAt }], 'test');
  const garden = writeRpzZone(indicators, { origin: 'rpz.opennotice', serial: 1, policy: { action: 'local', a: '192.0.2.80', aaaa: '2001:db8::80' } });
  assert.match(garden, /^evil\.example IN A 192\.0\.2\.80$/m);
  assert.match(garden, /^\*\.evil\.example IN AAAA 2001:db8::80$/m);
  assert.match(writeRpzZone(indicators, { origin: 'rpz.opennotice', serial: 1, policy: { action: 'nodata' } }), /^evil\.example IN CNAME \*\.$/m);
});

test('a walled garden without an address is refused rather than written as a zone that blocks nothing', () => {
  assert.throws(() => writeRpzZone([], { origin: 'rpz.opennotice', serial: 1, policy: { action: 'local' } }), /needs an A or AAAA/);
});
