import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OpenNoticeError } from '../../core/errors.ts';
import { AddressSet } from '../../scope/cidr.ts';
import { ipv4AddressList, permutedTargets } from '../../scope/targets.ts';
import { emptyProbeFacts, type DeviceClass, type KnownFinding, type KnownService, type ProbeFacts } from './facts.ts';
import { planProbes, type ProbeSpace } from './plan.ts';
import { learnStatistics } from './statistics.ts';

// Pure planning: no packet is sent, but the addresses stay inside this part's test range anyway.
const ports = [23, 80, 554, 8080];

function spaceOf(cidr: string, includes: (ip: string) => boolean = () => true): ProbeSpace {
  return { addresses: ipv4AddressList(AddressSet.fromCidrs([cidr])), ports, includes };
}

function firstOf<T>(items: Iterable<T>, count: number): T[] {
  const taken: T[] = [];
  for (const item of items) {
    if (taken.length >= count) break;
    taken.push(item);
  }
  return taken;
}

/** Facts of two rounds (runs 1 and 2) in which every host was seen in both. */
function factsOf(hosts: Array<{ ip: string; ports: number[]; deviceClass: DeviceClass; findingOn?: number }>): ProbeFacts {
  const services: KnownService[] = hosts.flatMap((host) => host.ports.map((port) => ({ ip: host.ip, port, firstRunId: 1, lastRunId: 2 })));
  const findings: KnownFinding[] = hosts.flatMap((host) =>
    host.findingOn === undefined ? [] : [{ ip: host.ip, port: host.findingOn, status: 'open' as const, firstRunId: 1, lastRunId: 2 }],
  );
  return { rounds: [1, 2], services, devices: new Map(hosts.map((host) => [host.ip, host.deviceClass])), findings };
}

/** 30 cameras in 127.153.1.0/24 with RTSP and HTTP, weak on telnet-less HTTP; one camera known only by its RTSP. */
function cameraFacts(): ProbeFacts {
  const cameras = Array.from({ length: 30 }, (_, index) => ({
    ip: `127.153.1.${index + 1}`,
    ports: [554, 80],
    deviceClass: 'ip-camera' as const,
    ...(index % 3 === 0 ? { findingOn: 80 } : {}),
  }));
  return factsOf([...cameras, { ip: '127.153.1.200', ports: [554], deviceClass: 'ip-camera' }]);
}

test('co-occurrence: a camera known by its RTSP alone gets its HTTP probed, ahead of ports nothing predicts', () => {
  const facts = cameraFacts();
  const statistics = learnStatistics(facts, 1024);
  const lone = statistics.hosts.get('127.153.1.200')!;
  assert.ok(statistics.predicted(lone, 80) > 0.8, `P(80 | 554, camera) = ${statistics.predicted(lone, 80)}`);
  assert.ok(statistics.predicted(lone, 8080) < 0.1, `P(8080 | 554, camera) = ${statistics.predicted(lone, 8080)}`);

  const plan = planProbes(facts, spaceOf('127.153.0.0/22'), { budget: { share: 0.1 }, seed: 3, explorationShare: 0 });
  const keys = plan.probes.map((probe) => `${probe.ip}:${probe.port}`);
  const predicted = keys.indexOf('127.153.1.200:80');
  assert.ok(predicted >= 0, 'the predicted HTTP service is planned');
  assert.ok(plan.bySource.predicted >= 1);
  const firstUnpredicted = keys.indexOf('127.153.1.200:8080');
  assert.ok(firstUnpredicted === -1 || firstUnpredicted > predicted, 'the unpredicted port comes later, if at all');
  // The known services carrying findings lead the plan: they are the likeliest findings of the round.
  assert.deepEqual(new Set(keys.slice(0, 10)), new Set(Array.from({ length: 10 }, (_, index) => `127.153.1.${index * 3 + 1}:80`)));
});

test('neighbour priors: unknown addresses of a /24 full of cameras are probed on camera ports before empty /24s are', () => {
  const plan = planProbes(cameraFacts(), spaceOf('127.153.0.0/22'), { budget: { count: 2000 }, seed: 3, explorationShare: 0 });
  const position = new Map(plan.probes.map((probe, index) => [`${probe.ip}:${probe.port}`, index]));
  const neighbour = position.get('127.153.1.77:554');
  assert.ok(neighbour !== undefined, 'an unknown address of the camera /24 is probed on RTSP');
  assert.ok(plan.bySource.neighbour > 0);
  const elsewhere = position.get('127.153.3.77:554');
  assert.ok(elsewhere === undefined || elsewhere > neighbour, 'the same address in an empty /24 comes later');
  // A port no host of the /24 showed is not a neighbour prior there.
  assert.equal(position.get('127.153.1.77:23'), undefined);
});

test('the budget is respected exactly and every (address, port) is planned once', () => {
  for (const budget of [{ count: 1 }, { count: 500 }, { share: 0.2 }, { share: 1 }]) {
    const space = spaceOf('127.153.0.0/22');
    const plan = planProbes(cameraFacts(), space, { budget, seed: 9 });
    const sweep = 1024 * ports.length;
    const expected = 'count' in budget ? budget.count : Math.floor(budget.share * sweep);
    assert.equal(plan.probes.length, expected, JSON.stringify(budget));
    assert.equal(plan.sweep, sweep);
    assert.equal(new Set(plan.probes.map((probe) => `${probe.ip}:${probe.port}`)).size, plan.probes.length, 'no duplicate probe');
    assert.equal(
      Object.values(plan.bySource).reduce((sum, count) => sum + count, 0),
      plan.probes.length,
    );
  }
});

test('the exploration share is spent exactly, and never more, whatever the facts', () => {
  for (const [budget, share] of [
    [1000, 0.05],
    [999, 0.1],
    [4096, 0.25],
    [300, 0],
  ] as const) {
    for (const facts of [emptyProbeFacts(), cameraFacts()]) {
      const plan = planProbes(facts, spaceOf('127.153.0.0/22'), { budget: { count: budget }, seed: 5, explorationShare: share });
      assert.equal(plan.bySource.exploration, Math.floor(budget * share), `budget ${budget}, share ${share}`);
    }
  }
  // Exploration comes first, in the seeded sweep order: the same seed walks the same permutation as the scan,
  // each round the slice after the last round's (the facts have two rounds: this is the third slice of 50).
  const plan = planProbes(cameraFacts(), spaceOf('127.153.0.0/22'), { budget: { count: 1000 }, seed: 5, explorationShare: 0.05 });
  const sweep = permutedTargets({ addresses: spaceOf('127.153.0.0/22').addresses, ports, seed: 5 });
  assert.deepEqual(plan.probes.slice(0, 50), firstOf(sweep, 150).slice(100));
});

test('with nothing known, the plan is the seeded full sweep cut short', () => {
  const space = spaceOf('127.153.0.0/23');
  const plan = planProbes(emptyProbeFacts(), space, { budget: { share: 0.1 }, seed: 11 });
  const sweep = permutedTargets({ addresses: space.addresses, ports, seed: 11 });
  assert.deepEqual(plan.probes, firstOf(sweep, plan.probes.length));
});

test('addresses the scope refuses are never planned, however much is known about them', () => {
  const refused = (ip: string) => ip.startsWith('127.153.1.') && Number(ip.split('.')[3]) < 128;
  const space = spaceOf('127.153.0.0/22', (ip) => !refused(ip));
  for (const budget of [{ count: 300 }, { share: 0.3 }, { share: 1 }]) {
    const plan = planProbes(cameraFacts(), space, { budget, seed: 2 });
    const planned = plan.probes.filter((probe) => refused(probe.ip));
    assert.deepEqual(planned, [], JSON.stringify(budget));
    assert.ok(
      plan.probes.some((probe) => probe.ip === '127.153.1.200' && probe.port === 554),
      'a known service outside the refused half is still planned',
    );
  }
});

test('a budget of nothing, or of more than everything, is a usage error or the whole sweep', () => {
  assert.throws(
    () => planProbes(emptyProbeFacts(), spaceOf('127.153.0.0/24'), { budget: { share: 0 }, seed: 1 }),
    (error: unknown) => error instanceof OpenNoticeError && error.code === 'USAGE',
  );
  assert.throws(
    () => planProbes(emptyProbeFacts(), spaceOf('127.153.0.0/24'), { budget: { count: 0 }, seed: 1 }),
    (error: unknown) => error instanceof OpenNoticeError && error.code === 'USAGE',
  );
  const all = planProbes(emptyProbeFacts(), spaceOf('127.153.0.0/24'), { budget: { count: 10 ** 9 }, seed: 1 });
  assert.equal(all.probes.length, 256 * ports.length);
});

test('the rescan schedule follows the measured rates: a class whose services keep vanishing is due every round', () => {
  const stable = Array.from({ length: 40 }, (_, index) => ({ ip: `127.153.2.${index + 1}`, port: 9100, firstRunId: 1, lastRunId: 6 }));
  const churning = Array.from({ length: 40 }, (_, index) => ({
    ip: `127.153.3.${index + 1}`,
    port: 80,
    firstRunId: 1 + (index % 5),
    lastRunId: 1 + (index % 5),
  }));
  const devices = new Map<string, DeviceClass>([...stable.map((s) => [s.ip, 'printer'] as const), ...churning.map((s) => [s.ip, 'router'] as const)]);
  const facts: ProbeFacts = { rounds: [1, 2, 3, 4, 5, 6], services: [...stable, ...churning], devices, findings: [] };
  const schedule = planProbes(facts, spaceOf('127.153.0.0/22'), { budget: { count: 10 }, seed: 1 }).schedule;
  const printer = schedule.find((entry) => entry.deviceClass === 'printer')!;
  const router = schedule.find((entry) => entry.deviceClass === 'router')!;
  assert.ok(router.changeRate > printer.changeRate, `${router.changeRate} > ${printer.changeRate}`);
  assert.equal(router.intervalRounds, 1);
  assert.ok(printer.intervalRounds > 1, `printer interval ${printer.intervalRounds}`);
});

test('a host with a finding has its other ports tried too: a weak account is weak on services opened later', () => {
  const facts = cameraFacts();
  // The whole sweep, to see the order: where each probe comes says how likely the planner finds a finding there.
  const plan = planProbes(facts, spaceOf('127.153.0.0/22'), { budget: { share: 1 }, seed: 3, explorationShare: 0 });
  const position = new Map(plan.probes.map((probe, index) => [`${probe.ip}:${probe.port}`, index]));
  // 127.153.1.4 has its finding on 80; 127.153.1.2, listed before it, has none. Port 8080 is open on no known host.
  const weak = position.get('127.153.1.4:8080')!;
  assert.ok(weak < position.get('127.153.1.2:8080')!, 'the weak host is tried on a port it never showed before a host without findings is');
  assert.ok(weak < position.get('127.153.3.77:8080')!, 'and before an address nothing is known about');
  assert.ok(facts.findings.some((finding) => finding.ip === '127.153.1.4') && !facts.findings.some((finding) => finding.ip === '127.153.1.2'));
});

test('a plan larger than one plan may hold is refused before anything is planned', () => {
  const space: ProbeSpace = { addresses: ipv4AddressList(AddressSet.fromCidrs(['127.0.0.0/8'])), ports, includes: () => true };
  assert.throws(
    () => planProbes(emptyProbeFacts(), space, { budget: { share: 0.2 }, seed: 1 }),
    (error: unknown) => error instanceof OpenNoticeError && error.code === 'USAGE' && /split the scope/.test(error.message),
  );
});
