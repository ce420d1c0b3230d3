import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluatePlanner } from './probe-evaluation.ts';
import { generateProbeRounds } from './probe-rounds.ts';

// No sockets: rounds are simulated truth. The network is this part's test range.
const cidr = '127.153.0.0/21';
const ports = [21, 22, 23, 80, 443, 554, 1883, 2323, 5555, 7547, 8080, 8443];

test('simulated rounds: devices appear, move, vanish and are fixed, mostly on their usual ports', () => {
  const rounds = generateProbeRounds({ cidr, seed: 2, deviceCount: 300, rounds: 5, ports });
  assert.equal(rounds.length, 5);
  const idsOf = (round: number) => new Map(rounds[round]!.devices.map((device) => [device.id, device]));
  const first = idsOf(0);
  const last = idsOf(4);
  assert.ok(
    [...last.keys()].some((id) => !first.has(id)),
    'new devices appeared',
  );
  assert.ok(
    [...first.keys()].some((id) => !last.has(id)),
    'devices vanished',
  );
  assert.ok(
    [...last.values()].some((device) => first.has(device.id) && first.get(device.id)!.ip !== device.ip),
    'devices moved',
  );
  const findingsOf = (round: number) =>
    rounds[round]!.devices.reduce((sum, device) => sum + device.services.reduce((s, service) => s + service.findings, 0), 0);
  assert.ok(findingsOf(4) < findingsOf(0), `owners fixed devices: ${findingsOf(0)} → ${findingsOf(4)} findings`);
  const services = rounds[0]!.devices.flatMap((device) => device.services);
  assert.ok(
    services.every((service) => ports.includes(service.port)),
    'services are only on the sweep ports',
  );
  const odd = services.filter((service) => service.oddPort).length;
  assert.ok(odd > 0 && odd < services.length * 0.25, `a long tail on other ports: ${odd} of ${services.length}`);
  // Clustered: the busiest 2 of the 8 /24s (access networks) hold most devices; a few are anywhere.
  const perPrefix = Map.groupBy(rounds[0]!.devices, (device) => device.ip.split('.').slice(0, 3).join('.'));
  const busiest = [...perPrefix.values()].map((devices) => devices.length).sort((a, b) => b - a);
  assert.ok(busiest[0]! + busiest[1]! > 0.7 * rounds[0]!.devices.length, `devices per /24: ${busiest.join(' ')}`);
  assert.deepEqual(generateProbeRounds({ cidr, seed: 2, deviceCount: 300, rounds: 5, ports }), rounds, 'the same options give the same rounds');
});

test('the planner evaluation gives a recall curve that rises with the probe share and reaches 1 at the full sweep', () => {
  const rounds = generateProbeRounds({ cidr, seed: 2, deviceCount: 300, rounds: 4, ports });
  const shares = [0.05, 0.2, 0.5, 1];
  const curve = evaluatePlanner(rounds, { cidr, ports, shares, seed: 1 });
  assert.deepEqual(
    curve.map((point) => point.share),
    shares,
  );
  for (let index = 1; index < curve.length; index++) {
    assert.ok(curve[index]!.recall >= curve[index - 1]!.recall, `recall rises: ${curve.map((point) => point.recall.toFixed(3)).join(' ')}`);
  }
  assert.equal(curve.at(-1)!.recall, 1);
  assert.ok(curve[0]!.recall < 1, 'a 5 % budget misses something: the curve is not flat');
  for (const point of curve) {
    assert.equal(point.rounds.length, 3, 'round 0 is the full sweep; the others are planned');
    assert.ok(Math.abs(point.probeShare - point.share) < 0.001, `probes spent: ${point.probeShare} of ${point.share}`);
    for (const round of point.rounds) {
      const missed = Object.values(round.missed).reduce((sum, count) => sum + count, 0);
      assert.equal(round.reached + missed, round.findings, 'every finding is reached or explained');
    }
  }
});
