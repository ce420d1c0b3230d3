import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestRdapServer } from '../../test/support/rdap-server.ts';
import { createAttributor } from './attributor.ts';
import { parseIspRegistry } from './isp-registry-file.ts';
import { createPrefixTable } from './prefix-table.ts';
import { createRdapClient } from './rdap-client.ts';

const table = createPrefixTable([
  { prefix: '198.51.100.0/22', asn: 64500, asName: 'KAWA-CABLE', country: 'JP' },
  { prefix: '203.0.113.0/24', asn: 64999, asName: 'ELSEWHERE' },
  { prefix: '192.0.2.0/24', asn: 64998, origins: [64998, 64501] },
  { prefix: '100.64.0.0/16', asn: 64997 },
  { prefix: '2001:db8::/32', asn: 64500 },
]);
const registry = parseIspRegistry(
  `isps:
  - { id: kawa-cable, name: Kawa Cable, asns: [64500], contacts: { abuseEmail: abuse@kawa.example } }
  - { id: sakura-net, name: Sakura Net, asns: [64501], prefixes: [198.51.101.0/24, 10.9.0.0/16], contacts: { abuseEmail: abuse@sakura.example } }
`,
  'isps.yaml',
);

test('the registry names the ISP by extra prefix first, then by origin AS', () => {
  const attributor = createAttributor({ table, registry });
  assert.deepEqual(attributor.attributeSync('198.51.100.9'), {
    prefix: '198.51.100.0/22',
    asn: 64500,
    asName: 'KAWA-CABLE',
    country: 'JP',
    ispId: 'kawa-cable',
    ispName: 'Kawa Cable',
    source: 'registry',
  });
  assert.equal(attributor.attributeSync('198.51.101.9').ispId, 'sakura-net', 'extra prefix beats the AS');
  assert.equal(attributor.attributeSync('198.51.101.9').prefix, '198.51.100.0/22', 'the routed prefix is still reported');
  assert.deepEqual(
    attributor.attributeSync('10.9.1.1'),
    { prefix: '10.9.0.0/16', ispId: 'sakura-net', ispName: 'Sakura Net', source: 'registry' },
    'registry prefix, no route',
  );
  assert.deepEqual(
    attributor.attributeSync('192.0.2.1'),
    { prefix: '192.0.2.0/24', asn: 64501, ispId: 'sakura-net', ispName: 'Sakura Net', source: 'registry' },
    'the registered origin of a multi-origin prefix',
  );
  assert.equal(attributor.attributeSync('2001:db8::5').ispId, 'kawa-cable');
});

test('unattributed addresses say why', () => {
  const attributor = createAttributor({ table, registry });
  assert.deepEqual(attributor.attributeSync('203.0.113.7'), {
    prefix: '203.0.113.0/24',
    asn: 64999,
    asName: 'ELSEWHERE',
    source: 'prefix-table',
    unattributedReason: 'AS64999 (ELSEWHERE) is not in the ISP registry',
  });
  assert.deepEqual(attributor.attributeSync('8.8.8.8'), {
    source: 'none',
    unattributedReason: 'not routed: no prefix in the routing data covers this address',
  });
  assert.match(attributor.attributeSync('999.1.1.1').unattributedReason!, /not an IP address/);
  const multiOrigin = createAttributor({ table, registry: parseIspRegistry('isps: []', 'empty.yaml') }).attributeSync('192.0.2.1');
  assert.equal(multiOrigin.unattributedReason, 'none of the origin ASes AS64998, AS64501 is in the ISP registry');
});

test('RDAP fills the abuse contact for networks outside the registry, and its failures become reasons', async () => {
  const server = await startTestRdapServer({
    networks: [
      { cidr: '203.0.112.0/23', handle: 'NET-ELSEWHERE', name: 'ELSEWHERE', country: 'DE', abuseEmail: 'abuse@elsewhere.example', nestAbuseContact: true },
      { cidr: '8.8.8.0/24', handle: 'NET-NO-ABUSE', name: 'NO-ABUSE' },
    ],
    failureFor: (address) => (address.startsWith('100.64.') ? 500 : undefined),
  });
  try {
    const attributor = createAttributor({ table, registry, rdap: createRdapClient({ baseUrl: server.url }) });
    assert.deepEqual(await attributor.attribute('203.0.113.7'), {
      prefix: '203.0.113.0/24',
      asn: 64999,
      asName: 'ELSEWHERE',
      country: 'DE',
      source: 'rdap',
      abuseEmail: 'abuse@elsewhere.example',
    });
    assert.equal((await attributor.attribute('198.51.100.1')).source, 'registry');
    assert.equal(server.requests.length, 1, 'no RDAP query for registered ISPs');
    assert.match((await attributor.attribute('100.64.3.3')).unattributedReason!, /^AS64997 is not in the ISP registry; RDAP failed: HTTP 500/);
    const noAbuse = await attributor.attribute('8.8.8.8');
    assert.equal(noAbuse.source, 'none');
    assert.equal(noAbuse.unattributedReason, 'not routed: no prefix in the routing data covers this address; RDAP names no abuse contact for 8.8.8.0/24');
  } finally {
    await server.close();
  }
});
