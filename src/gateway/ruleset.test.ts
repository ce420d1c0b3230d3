// The gateway's ruleset text: the sets and chains the docs promise, covered prefixes folded
// into the wider one (nft refuses overlapping intervals), a safe interface name only.
// Loading it into a real kernel is test/gateway-e2e.test.ts's job.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BlockIndicator } from '../blocklist/indicator.ts';
import { buildGatewayRuleset, type GatewayRulesetRequest } from './ruleset.ts';

const indicator = (kind: BlockIndicator['kind'], value: string, port?: number): BlockIndicator => ({
  kind,
  value,
  ...(port ? { port } : {}),
  reason: 'test',
  approvedAt: '2026-12-01T00:00:00Z',
});

const request = (overrides: Partial<GatewayRulesetRequest> = {}): GatewayRulesetRequest => ({
  lanInterface: 'lan0',
  indicators: [
    indicator('cidr', '198.19.165.64/26'),
    indicator('ip', '198.19.165.67'),
    indicator('ip', '198.19.164.9', 4444),
    { ...indicator('ip', '198.19.164.10', 6881), protocol: 'udp' },
    indicator('ip', '2001:db8::66'),
    indicator('domain', 'cnc.example'),
  ],
  quarantine: ['198.18.165.2', '2001:db8:1::2'],
  updatePath: [{ cidr: '198.19.165.80/32', port: 80, label: 'vendor' }],
  walledGarden: { ip: '198.18.165.1', port: 8080 },
  policyVersion: 'b'.repeat(64),
  ...overrides,
});

const setBody = (script: string, name: string) => new RegExp(`set ${name} \\{([^}]*)\\}`).exec(script)?.[1] ?? '';

test('C&C sets with counters, a covered address folded into its prefix, domains left to the resolver', () => {
  const script = buildGatewayRuleset(request());
  assert.match(script, /^table inet opennotice_gw\ndelete table inet opennotice_gw\ntable inet opennotice_gw \{/m, 'replaces its own table in one transaction');
  assert.match(setBody(script, 'cnc_v4'), /counter\s+elements = \{\s+198\.19\.165\.64\/26\s+$/);
  assert.ok(!script.includes('198.19.165.67'), 'inside the /26: no element of its own');
  assert.match(setBody(script, 'cnc_v4_port'), /198\.19\.164\.9\/32 \. 4444/);
  assert.match(setBody(script, 'cnc_v6'), /2001:db8::66\/128/);
  assert.match(
    setBody(script, 'cnc_v4_proto_port'),
    /type ipv4_addr \. inet_proto \. inet_service[\s\S]*198\.19\.164\.10\/32 \. udp \. 6881/,
    'a UDP-only indicator blocks UDP only',
  );
  assert.ok(!setBody(script, 'cnc_v4_port').includes('6881'));
  assert.match(script, /ip daddr \. meta l4proto \. th dport @cnc_v4_proto_port jump cnc_drop/);
  assert.ok(!script.includes('cnc.example'));
  for (const chain of ['forward', 'output']) {
    const body = new RegExp(`chain ${chain} \\{([^}]*)\\}`).exec(script)?.[1] ?? '';
    assert.match(body, /ip daddr @cnc_v4 jump cnc_drop/, `${chain} drops C&C`);
  }
  assert.match(script, /chain cnc_drop \{\s+limit rate 60\/minute burst 20 packets log prefix "opennotice-gw cnc " level warn\s+drop\s+\}/);
});

test('quarantine: DNS and the update path pass, port 80 goes to the walled garden, 443 is reset, the rest dropped and counted per device', () => {
  const script = buildGatewayRuleset(request());
  assert.match(script, /iifname "lan0" ip saddr @quarantine_v4 jump quarantine/);
  const quarantine = /chain quarantine \{([^}]*)\}/.exec(script)?.[1] ?? '';
  const order = [
    'udp dport 53 accept',
    'tcp dport 53 accept',
    'ip daddr . th dport @update_v4_port accept',
    'ip saddr 198.18.165.2 counter comment "quarantine 198.18.165.2"',
    'tcp dport 443 reject with tcp reset',
    'drop',
  ];
  const positions = order.map((line) => quarantine.indexOf(line));
  assert.ok(
    positions.every((position) => position >= 0),
    `every rule present: ${quarantine}`,
  );
  assert.deepEqual(
    [...positions].sort((a, b) => a - b),
    positions,
    'in that order',
  );
  assert.match(quarantine, /ip6 saddr 2001:db8:1::2 counter comment "quarantine 2001:db8:1::2"/);
  const nat = /chain prerouting \{([^}]*)\}/.exec(script)?.[1] ?? '';
  assert.match(nat, /type nat hook prerouting priority dstnat/);
  assert.ok(nat.indexOf('@update_v4_port accept') < nat.indexOf('dnat'), 'an update server on port 80 is not redirected');
  assert.match(nat, /iifname "lan0" ip saddr @quarantine_v4 tcp dport 80 dnat ip to 198\.18\.165\.1:8080/);
});

test('nothing to block or quarantine still gives a loadable table; unsafe names are refused', () => {
  const empty = buildGatewayRuleset(request({ indicators: [], quarantine: [], updatePath: [] }));
  assert.ok(!empty.includes('elements'), 'empty sets are declared without elements');
  assert.match(empty, /chain quarantine \{\s+udp dport 53 accept/);
  assert.throws(() => buildGatewayRuleset(request({ lanInterface: 'lan0" accept #' })), { code: 'USAGE' });
  assert.throws(() => buildGatewayRuleset(request({ walledGarden: { ip: 'gateway', port: 80 } })), { code: 'USAGE' });
  assert.throws(() => buildGatewayRuleset(request({ quarantine: ['198.18.165.2; flush ruleset'] })), { code: 'CONFIG_INVALID' });
});
