// The RDAP client against the lab's RDAP-like server on 127.0.0.1 (loopback only).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { startTestRdapServer, type TestRdapNetwork } from '../../test/support/rdap-server.ts';
import { createRdapClient } from './rdap-client.ts';
import { findAbuseEmail, parseRdapNetwork, vcardEmail } from './rdap-response.ts';

const networks: TestRdapNetwork[] = [
  { cidr: '192.0.2.0/24', handle: 'NET-192-0-2-0', name: 'EXAMPLE-APNIC-STYLE', country: 'JP', abuseEmail: 'abuse@apnic-style.example' },
  {
    cidr: '198.51.100.0/22',
    handle: 'NET-198-51-100-0',
    name: 'EXAMPLE-ARIN-STYLE',
    country: 'US',
    abuseEmail: 'abuse@arin-style.example',
    nestAbuseContact: true,
  },
  { cidr: '198.51.100.128/25', handle: 'NET-MORE-SPECIFIC', name: 'CUSTOMER', abuseEmail: 'abuse@customer.example' },
  { cidr: '203.0.113.0/24', handle: 'NET-NO-ABUSE', name: 'NO-ABUSE-CONTACT' },
  { cidr: '2001:db8::/32', handle: 'NET6-2001-DB8', name: 'EXAMPLE-V6', abuseEmail: 'abuse@v6.example' },
];

async function withServer(
  options: Partial<Parameters<typeof startTestRdapServer>[0]>,
  body: (server: Awaited<ReturnType<typeof startTestRdapServer>>) => Promise<void>,
) {
  const server = await startTestRdapServer({ networks, ...options });
  try {
    await body(server);
  } finally {
    await server.close();
  }
}

test('RDAP success: network, most specific match, abuse contact at the top or nested in the registrant', async () => {
  await withServer({}, async (server) => {
    const rdap = createRdapClient({ baseUrl: `${server.url}/` });
    const apnic = await rdap.lookup('192.0.2.9');
    assert.ok(apnic.ok);
    assert.deepEqual(apnic.network, {
      cidr: '192.0.2.0/24',
      startAddress: '192.0.2.0',
      endAddress: '192.0.2.255',
      handle: 'NET-192-0-2-0',
      name: 'EXAMPLE-APNIC-STYLE',
      country: 'JP',
      abuseEmail: 'abuse@apnic-style.example',
    });
    const customer = await rdap.lookup('198.51.100.200');
    assert.ok(customer.ok && customer.network.abuseEmail === 'abuse@customer.example' && customer.network.cidr === '198.51.100.128/25');
    const arin = await rdap.lookup('198.51.101.1');
    assert.ok(arin.ok && arin.network.abuseEmail === 'abuse@arin-style.example' && arin.network.cidr === '198.51.100.0/22');
    const cachedCustomer = await rdap.lookup('198.51.100.201');
    assert.ok(cachedCustomer.ok && cachedCustomer.fromCache && cachedCustomer.network.cidr === '198.51.100.128/25', 'the most specific cached network answers');
    const none = await rdap.lookup('203.0.113.5');
    assert.ok(none.ok && none.network.abuseEmail === undefined);
    const v6 = await rdap.lookup('2001:db8:5::1');
    assert.ok(v6.ok && v6.network.abuseEmail === 'abuse@v6.example' && v6.network.cidr === '2001:db8::/32');
    assert.deepEqual(server.requests, ['/ip/192.0.2.9', '/ip/198.51.100.200', '/ip/198.51.101.1', '/ip/203.0.113.5', '/ip/2001:db8:5::1']);
  });
});

test('one answer covers its network: cache hits, TTL expiry and the size bound', async () => {
  await withServer({}, async (server) => {
    let clock = 1_000_000;
    const rdap = createRdapClient({ baseUrl: server.url, ttlMs: 60_000, cacheSize: 2, now: () => clock });
    assert.equal((await rdap.lookup('192.0.2.1')).fromCache, false);
    const hit = await rdap.lookup('192.0.2.250');
    assert.ok(hit.ok && hit.fromCache && hit.network.cidr === '192.0.2.0/24');
    assert.equal(server.requests.length, 1);

    clock += 60_001;
    assert.equal((await rdap.lookup('192.0.2.3')).fromCache, false, 'expired after the TTL');
    assert.equal(server.requests.length, 2);

    await rdap.lookup('2001:db8::1');
    await rdap.lookup('203.0.113.1'); // third network: the least recently used (192.0.2.0/24) goes
    assert.equal((await rdap.lookup('2001:db8::2')).fromCache, true);
    assert.equal((await rdap.lookup('192.0.2.4')).fromCache, false);
    assert.equal(server.requests.length, 5);
    assert.deepEqual(rdap.stats, { requests: 5, cacheHits: 2, negativeCacheHits: 0 });
  });
});

test('errors are reported with the RDAP error text and cached for the neighbourhood', async () => {
  await withServer({ failureFor: (address) => (address.startsWith('192.0.2.') ? 503 : undefined) }, async (server) => {
    let clock = 0;
    const rdap = createRdapClient({ baseUrl: server.url, negativeTtlMs: 1000, now: () => clock });
    const failed = await rdap.lookup('192.0.2.10');
    assert.ok(!failed.ok);
    assert.match(failed.reason, /^HTTP 503 \(Lab failure: configured to fail for 192\.0\.2\.10\)$/);
    const again = await rdap.lookup('192.0.2.11');
    assert.ok(!again.ok && again.fromCache, 'negative cache for the /24');
    assert.equal(server.requests.length, 1);
    clock += 1001;
    await rdap.lookup('192.0.2.12');
    assert.equal(server.requests.length, 2, 'asked again after the negative TTL');

    const notFound = await rdap.lookup('100.64.0.1');
    assert.ok(!notFound.ok && /^HTTP 404 \(Not Found/.test(notFound.reason));
    assert.equal(rdap.stats.negativeCacheHits, 1);
    const bad = await rdap.lookup('nonsense');
    assert.ok(!bad.ok && /not an IP address/.test(bad.reason));
    assert.equal(server.requests.length, 3, 'no request for text that is not an address');
  });
});

test('a slow server times out; concurrent lookups in one neighbourhood share a request', async () => {
  await withServer({ delayFor: (address) => (address.startsWith('203.0.113.') ? 5000 : address.startsWith('192.0.2.') ? 50 : 0) }, async (server) => {
    const rdap = createRdapClient({ baseUrl: server.url, timeoutMs: 300 });
    const slow = await rdap.lookup('203.0.113.7');
    assert.ok(!slow.ok);
    assert.equal(slow.reason, 'no answer within 300 ms');
    const together = await Promise.all(['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4'].map((address) => rdap.lookup(address)));
    assert.ok(together.every((answer) => answer.ok && answer.network.abuseEmail === 'abuse@apnic-style.example'));
    assert.equal(server.requests.filter((path) => path.startsWith('/ip/192.0.2.')).length, 1);
  });
});

test('an unreachable server and an oversized answer are failures, not exceptions', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const { port } = closed.address() as { port: number };
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const unreachable = await createRdapClient({ baseUrl: `http://127.0.0.1:${port}` }).lookup('192.0.2.1');
  assert.ok(!unreachable.ok && /ECONNREFUSED/.test(unreachable.reason), JSON.stringify(unreachable));
  await withServer({}, async (server) => {
    const answer = await createRdapClient({ baseUrl: server.url, maxResponseBytes: 200 }).lookup('192.0.2.1');
    assert.ok(!answer.ok && /larger than 200 bytes/.test(answer.reason));
  });
});

test('response parsing: jCard e-mail, bounded entity walk, ranges that do not hold the address', () => {
  assert.equal(
    vcardEmail([
      'vcard',
      [
        ['version', {}, 'text', '4.0'],
        ['email', { type: 'work' }, 'text', ' noc@example.net '],
      ],
    ]),
    'noc@example.net',
  );
  assert.equal(vcardEmail(['not-vcard', []]), undefined);
  const deep = (level: number): unknown =>
    level === 0
      ? { roles: ['abuse'], vcardArray: ['vcard', [['email', {}, 'text', 'deep@example.net']]] }
      : { roles: ['registrant'], entities: [deep(level - 1)] };
  assert.equal(findAbuseEmail([deep(2)]), 'deep@example.net');
  assert.equal(findAbuseEmail([deep(6)]), undefined, 'deeper than the walk goes');
  const network = { objectClassName: 'ip network', startAddress: '192.0.2.0', endAddress: '192.0.2.127' };
  assert.match(String(parseRdapNetwork(network, '192.0.2.200')), /does not contain/);
  assert.match(String(parseRdapNetwork({ objectClassName: 'entity' }, '192.0.2.1')), /expected an "ip network"/);
  assert.deepEqual(parseRdapNetwork({ ...network, endAddress: '192.0.2.130' }, '192.0.2.129'), {
    cidr: '192.0.2.128/31',
    startAddress: '192.0.2.0',
    endAddress: '192.0.2.130',
  });
});
