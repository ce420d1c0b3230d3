// Port forwards as the router's tools print them: the fixtures are real output of nft 1.0.6
// (`nft -j list ruleset`) and iptables-save 1.8.9 (nf_tables) on Debian 12, from a namespace
// with native dnat rules (plain, limited to a WAN address, a port set, a range, an inet table
// with an IPv6 forward) and iptables DNAT rules (multiport, a miniupnpd chain).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { quarantineBehindNat } from './nat-quarantine.ts';
import type { QuarantinedDevice } from './policy.ts';
import { forwardFor, type PortForward, parseIptablesForwards, parseNftForwards, parsePortForwardOption } from './port-forwards.ts';

const fixture = (name: string) => readFileSync(new URL(`../../test/fixtures/gateway/${name}`, import.meta.url), 'utf8');
const brief = (forward: PortForward) =>
  `${forward.transport}/${forward.firstPort}${forward.lastPort === forward.firstPort ? '' : `-${forward.lastPort}`}${forward.publicAddress ? `@${forward.publicAddress}` : ''}=${forward.lanAddress}${forward.lanPort ? `:${forward.lanPort}` : ''}`;

test('native dnat rules of nft -j list ruleset become forwards; iptables rules shown as xt targets are left to iptables-save', () => {
  const forwards = parseNftForwards(fixture('nft-ruleset-forwards.json'));
  assert.deepEqual(forwards.map(brief), [
    'tcp/554=198.18.166.2',
    'tcp/8080@198.19.166.1=198.18.166.3:80',
    'udp/1900=198.18.166.4',
    'udp/5000=198.18.166.4',
    'tcp/2000-2010=198.18.166.5',
    'tcp/9000=198.18.166.6:90',
    'tcp/23=198.18.166.7:23',
    'tcp/80@2001:db8::1=2001:db8:1::5:8080',
  ]);
  assert.equal(forwards[0]!.origin, 'nft ip home_nat prerouting #2');
  assert.throws(() => parseNftForwards('not json'), { code: 'GATEWAY_FAILED' });
  assert.deepEqual(parseNftForwards('{"nftables": [{"rule": {"expr": [{"dnat": {"addr": {"map": {}}}}]}}]}'), [], 'a map target is not a single device');
});

test("iptables-save's DNAT rules become forwards: single ports, multiport lists and ranges, a WAN address, miniupnpd's chain", () => {
  const forwards = parseIptablesForwards(fixture('iptables-save-nat.txt'), 'iptables');
  assert.deepEqual(forwards.map(brief), [
    'tcp/7547=198.18.166.8:7547',
    'tcp/81=198.18.166.10:80',
    'tcp/8000-8010=198.18.166.10:80',
    'udp/5353@198.19.166.1=198.18.166.9',
  ]);
  assert.equal(forwards[3]!.origin, 'iptables nat MINIUPNPD');
  assert.deepEqual(parseIptablesForwards('-A PREROUTING -p tcp --dport 80 -j DNAT --to-destination [2001:db8::7]:8080\n', 'ip6tables').map(brief), [
    'tcp/80=2001:db8::7:8080',
  ]);
});

test('--port-forward: protocol, port or range, device and port; anything else is a usage error naming the value', () => {
  assert.equal(brief(parsePortForwardOption('tcp/8080=192.168.1.10:80')), 'tcp/8080=192.168.1.10:80');
  assert.equal(brief(parsePortForwardOption('554=192.168.1.11')), 'tcp/554=192.168.1.11');
  assert.equal(brief(parsePortForwardOption('udp/5000-5010=[2001:db8::9]:5000')), 'udp/5000-5010=2001:db8::9:5000');
  for (const bad of ['8080', 'sctp/80=192.168.1.1', '80=not-an-address', '0=192.168.1.1', '90-80=192.168.1.1', '80=192.168.1.1:70000'])
    assert.throws(
      () => parsePortForwardOption(bad),
      (error: Error & { code?: string }) => error.code === 'USAGE' && error.message.includes(bad),
      bad,
    );
});

test('the first forward that matches transport, port and WAN address wins', () => {
  const forwards = [parsePortForwardOption('tcp/8080=192.168.1.20'), ...parseNftForwards(fixture('nft-ruleset-forwards.json'))];
  assert.equal(forwardFor(forwards, '198.19.166.1', 'tcp', 8080)?.lanAddress, '192.168.1.20', "the operator's forward first");
  assert.equal(forwardFor(forwards, '198.19.166.1', 'tcp', 2005)?.lanAddress, '198.18.166.5');
  assert.equal(forwardFor(forwards, '198.19.166.1', 'udp', 554), undefined, 'a TCP forward does not carry UDP');
  assert.equal(forwardFor(forwards, '198.19.166.2', 'tcp', 80), undefined);
  assert.equal(forwardFor(forwards, '2001:db8::1', 'tcp', 80)?.lanAddress, '2001:db8:1::5', 'limited to its WAN address');
});

test('behind NAT, findings at the WAN address move to the forwarded devices; an unforwarded port stays with the router; other devices are untouched', () => {
  const finding = (id: number, port?: number, transport?: 'tcp' | 'udp') => ({
    id,
    kind: 'weak-credential' as const,
    firstSeen: '2026-12-01T00:00:00.000Z',
    ...(port === undefined ? {} : { port }),
    ...(transport === undefined ? {} : { transport }),
  });
  const quarantine: QuarantinedDevice[] = [
    { ip: '192.168.1.50', findings: [finding(1, 23, 'tcp')] },
    { ip: '203.0.113.9', findings: [finding(2, 554, 'tcp'), finding(3, 8080, 'tcp'), finding(4, 8081, 'tcp'), finding(5, 1900, 'udp'), finding(6)] },
  ];
  const forwards = ['554=192.168.1.10', 'tcp/8080=192.168.1.10:80', 'udp/1900=192.168.1.50'].map(parsePortForwardOption);
  const mapped = quarantineBehindNat(quarantine, ['203.0.113.9'], forwards);
  assert.deepEqual(
    mapped.quarantine.map((device) => [device.ip, device.findings.map((entry) => `${entry.id}:${entry.transport ?? '-'}/${entry.port ?? '-'}`)]),
    [
      ['192.168.1.10', ['2:tcp/554', '3:tcp/80']],
      ['192.168.1.50', ['1:tcp/23', '5:udp/1900']],
    ],
  );
  assert.deepEqual(
    mapped.onGateway.map((own) => own.findingId),
    [4, 6],
    "8081 is forwarded nowhere (the router's own service); a finding without a port cannot be placed",
  );
  assert.deepEqual(
    mapped.forwarded.map((moved) => `${moved.findingId}→${moved.lanAddress}`),
    ['2→192.168.1.10', '3→192.168.1.10', '5→192.168.1.50'],
  );
  assert.deepEqual(quarantineBehindNat(quarantine, [], forwards).quarantine, quarantine, 'without a WAN address nothing moves');
});
