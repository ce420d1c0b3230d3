import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultCncLabOptions, generateCncLab } from '../../test/support/cnc-lab.ts';
import { loadAllowlist } from './allowlist.ts';
import { candidateKey } from './candidate.ts';
import { CncContactRecorder, maxContactStartsPerRow } from './contact-recorder.ts';
import { aggregateEndpoints, scoreEndpoints } from './detect.ts';
import { createOwnNetworks } from './own-networks.ts';
import { endpointsFromStoredContacts } from './stored-contacts.ts';

test('what the recorder keeps scores like the flows themselves: same candidates, same bot figures, other sources within a source', () => {
  const lab = generateCncLab({ ...defaultCncLabOptions, devices: 500, knownBots: 50, unknownBots: 10, hours: 3 });
  const request = { knownBots: lab.knownBots, allowlist: loadAllowlist() };
  const fromFlows = scoreEndpoints(aggregateEndpoints(lab.flows, request), {});
  const recorder = new CncContactRecorder(lab.knownBots);
  // Several flushes, as a collector storing every so often: the reader merges their rows.
  const batches = [];
  for (let start = 0; start < lab.flows.length; start += 7000) {
    recorder.add(lab.flows.slice(start, start + 7000));
    batches.push(recorder.drain());
  }
  const stored = {
    botContacts: batches.flatMap((batch) => batch.botContacts),
    endpointOtherSources: batches.flatMap((batch) => batch.endpointOtherSources),
    population: batches.flatMap((batch) => batch.population),
  };
  assert.ok(stored.botContacts.every((row) => row.contactStartsMs.length <= maxContactStartsPerRow));
  const fromStore = scoreEndpoints(endpointsFromStoredContacts(stored, request), {});

  assert.ok(fromFlows.candidates.length >= 5, 'the lab has C&C endpoints to find');
  assert.deepEqual(fromStore.candidates.map(candidateKey), fromFlows.candidates.map(candidateKey));
  const byKey = new Map(fromStore.candidates.map((candidate) => [candidateKey(candidate), candidate]));
  for (const expected of fromFlows.candidates) {
    const actual = byKey.get(candidateKey(expected))!;
    assert.equal(actual.botsContacting, expected.botsContacting);
    assert.deepEqual(actual.beaconing, expected.beaconing);
    assert.equal(actual.firstSeen, expected.firstSeen);
    assert.equal(actual.lastSeen, expected.lastSeen);
    assert.ok(
      Math.abs(actual.benignContacting - expected.benignContacting) <= 1,
      `${actual.endpoint}: ${actual.benignContacting} vs ${expected.benignContacting}`,
    );
  }
  assert.ok(Math.abs(fromStore.populationBotShare - fromFlows.populationBotShare) < 0.01);
  assert.equal(fromStore.flowsAllowlisted > 0, true, 'bots ask the allowlisted resolvers too');
});

test('destinations inside the own networks are never scored, from either input', () => {
  const lab = generateCncLab({ ...defaultCncLabOptions, devices: 300, knownBots: 30, unknownBots: 5, hours: 2 });
  const request = { knownBots: lab.knownBots, allowlist: loadAllowlist(), ownNetworks: createOwnNetworks(['198.51.100.0/27']) };
  const recorder = new CncContactRecorder(lab.knownBots);
  recorder.add(lab.flows);
  for (const summary of [aggregateEndpoints(lab.flows, request), endpointsFromStoredContacts(recorder.drain(), request)]) {
    const result = scoreEndpoints(summary, {});
    assert.ok(result.flowsInternal > 0);
    const endpoints = result.candidates.map((candidate) => candidate.endpoint);
    assert.ok(!endpoints.some((endpoint) => ['198.51.100.10', '198.51.100.20', '198.51.100.21', '198.51.100.30'].includes(endpoint)), endpoints.join());
    assert.ok(endpoints.includes('198.51.100.40'), 'outside the /27: still a candidate');
  }
});
