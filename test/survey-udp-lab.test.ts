// The UDP stage with the shipped UDP protocols against the lab's UDP services (src/lab/udp-reach.ts),
// hostile devices included (a flood of random datagrams for each SSDP search): every reflector of
// the truth that a shipped protocol speaks is found, and nothing else is called one; an SNMP agent
// readable with `public` is a weak credential the grab alone proves. TCP is not surveyed beyond one
// port: this is the UDP stage's score.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSurveyDeps } from '../src/cli/survey-deps.ts';
import { startLab, type LabHandle } from '../src/lab/lab.ts';
import { scoreUdpFindings } from '../src/lab/score-against-truth.ts';
import type { LabTruth } from '../src/lab/types.ts';
import { shippedProtocols } from '../src/protocols/registry.ts';
import { openStore } from '../src/store/open-store.ts';
import type { Store } from '../src/store/store.ts';
import type { SurveySummary } from '../src/survey/progress.ts';
import type { SurveyRequest } from '../src/survey/request.ts';
import { runSurvey } from '../src/survey/run-survey.ts';

const cidr = '127.103.192.0/22';
const spoken = new Set(shippedProtocols.protocols.filter((protocol) => protocol.transport === 'udp').map((protocol) => protocol.name));

/** The truth as far as the shipped UDP protocols can see it: services of protocols not shipped yet are not expected. */
function spokenTruth(truth: LabTruth): LabTruth {
  return {
    ...truth,
    devices: truth.devices.map((device) => ({ ...device, udpServices: (device.udpServices ?? []).filter((service) => spoken.has(service.protocol)) })),
  };
}

let lab: LabHandle;
let store: Store;
let summary: SurveySummary;

before(async () => {
  lab = await startLab({ cidr, seed: 11, deviceCount: 150, hostile: true });
  store = await openStore(':memory:');
  // The lab's open resolvers answer any recursive question; the name stands for one the operator controls.
  const request: SurveyRequest = {
    targets: [cidr],
    ports: [7],
    checks: ['credentials'],
    resolverCheckName: 'resolver-check.survey.example',
    limits: { ioTimeoutMs: 1000 },
  };
  summary = await runSurvey(request, createSurveyDeps({ store }));
});

after(async () => {
  await lab?.close();
  await store?.close();
});

test('by default every UDP protocol’s port of every address is queried, and the lab’s UDP services answer', () => {
  assert.equal(summary.status, 'completed');
  assert.equal(summary.udp?.targets, 1024 * shippedProtocols.defaultUdpPorts.length);
  // Swept: every target got the first request, the silent one more; ICMP never reaches a sweep.
  assert.ok((summary.udp?.swept ?? 0) > summary.udp!.targets, 'the scan’s targets were swept, with a retry pass');
  assert.equal(summary.udp?.refused, 0);
  const answering = lab.truth.devices.flatMap((device) => (device.udpServices ?? []).filter((service) => spoken.has(service.protocol)));
  assert.ok(answering.length > 0, 'the seed gives some devices a UDP service the shipped protocols speak');
  assert.ok((summary.udp?.answered ?? 0) >= answering.filter((service) => service.reflector).length);
});

test('the reflectors the shipped protocols can see are found, with no false one', async () => {
  const score = scoreUdpFindings(spokenTruth(lab.truth), await store.listFindings({ status: 'open' }));
  assert.ok(score.reflectors.truePositives > 0);
  assert.deepEqual(score.reflectors.falsePositives, [], 'a flood of garbage is no reflector');
  assert.deepEqual(score.reflectors.falseNegatives, []);
  assert.equal(summary.findings.reflector, score.reflectors.truePositives);
});

test('an SNMP agent readable with public is found by the grab alone, as a weak credential, and no other is', async () => {
  const score = scoreUdpFindings(spokenTruth(lab.truth), await store.listFindings({ status: 'open' }));
  assert.ok(score.readableCommunities.truePositives > 0, 'the seed has agents readable with public');
  assert.deepEqual(score.readableCommunities.falsePositives, []);
  assert.deepEqual(score.readableCommunities.falseNegatives, []);
  assert.equal(summary.attempts, 0, 'no community was tried: the grab’s own GetRequest proved it');
});
