// Counts read back from `nft -j list table`: the JSON below is what nft 1.0.6 printed for the
// gateway's table after traffic (trimmed to the parts the reader looks at).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRuleCounts } from './counters.ts';

const listed = {
  nftables: [
    { metainfo: { version: '1.0.6', json_schema_version: 1 } },
    { table: { family: 'inet', name: 'opennotice_gw', handle: 1 } },
    {
      set: {
        family: 'inet',
        name: 'cnc_v4',
        table: 'opennotice_gw',
        type: 'ipv4_addr',
        flags: ['interval'],
        elem: [
          { elem: { val: { prefix: { addr: '198.19.164.0', len: 24 } }, counter: { packets: 3, bytes: 93 } } },
          { elem: { val: '198.19.165.70', counter: { packets: 0, bytes: 0 } } },
        ],
      },
    },
    {
      set: {
        family: 'inet',
        name: 'cnc_v4_port',
        table: 'opennotice_gw',
        type: ['ipv4_addr', 'inet_service'],
        elem: [{ elem: { val: { concat: ['198.19.165.66', 4444] }, counter: { packets: 2, bytes: 120 } } }],
      },
    },
    {
      set: {
        family: 'inet',
        name: 'cnc_v4_proto_port',
        table: 'opennotice_gw',
        type: ['ipv4_addr', 'inet_proto', 'inet_service'],
        elem: [{ elem: { val: { concat: ['198.19.165.67', 'udp', 6881] }, counter: { packets: 1, bytes: 31 } } }],
      },
    },
    { set: { family: 'inet', name: 'cnc_v6', table: 'opennotice_gw', elem: [{ elem: { val: '2001:db8::66', counter: { packets: 1, bytes: 80 } } }] } },
    { set: { family: 'inet', name: 'quarantine_v4', table: 'opennotice_gw', elem: ['198.18.165.2'] } },
    {
      rule: {
        family: 'inet',
        table: 'opennotice_gw',
        chain: 'quarantine',
        comment: 'quarantine 198.18.165.2',
        expr: [
          { match: { op: '==', left: { payload: { protocol: 'ip', field: 'saddr' } }, right: '198.18.165.2' } },
          { counter: { packets: 17, bytes: 1020 } },
        ],
      },
    },
    { rule: { family: 'inet', table: 'opennotice_gw', chain: 'forward', comment: 'quarantine 198.18.165.9', expr: [{ counter: { packets: 5, bytes: 5 } }] } },
  ],
};

test('per-indicator packets and bytes (nothing for elements that counted nothing) and per-device drops', () => {
  const counts = parseRuleCounts(JSON.stringify(listed));
  assert.deepEqual(counts.blocked, [
    { indicator: '198.19.164.0/24', packets: 3, bytes: 93 },
    { indicator: '198.19.165.66/32 port 4444', packets: 2, bytes: 120 },
    { indicator: '198.19.165.67/32 udp port 6881', packets: 1, bytes: 31 },
    { indicator: '2001:db8::66/128', packets: 1, bytes: 80 },
  ]);
  assert.deepEqual([...counts.quarantineDrops], [['198.18.165.2', 17]], 'only the quarantine chain’s counting rules');
});

test('output that is not nft JSON is a coded error', () => {
  assert.throws(() => parseRuleCounts('Error: no such table'), { code: 'GATEWAY_FAILED' });
  assert.throws(() => parseRuleCounts('{"tables": []}'), { code: 'GATEWAY_FAILED' });
});
