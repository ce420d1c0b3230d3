import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReflectionMeasure, ServiceObservation } from '../../core/records.ts';
import { amplifies, assessReflection, factsOf } from './reflector.ts';

const observation = (status: ServiceObservation['status'], result: Record<string, unknown>): ServiceObservation => ({
  ip: '192.0.2.7',
  port: 1900,
  protocol: 'ssdp',
  status,
  result,
  durationMs: 12,
  observedAt: '2026-12-06T00:00:00.000Z',
});
const measure = (requestBytes: number, replyBytes: number): ReflectionMeasure => ({ request: 'M-SEARCH ssdp:all', requestBytes, replyBytes, replyPackets: 3 });
const readMeasure = (result: Record<string, unknown>) => result.reflection as ReflectionMeasure | undefined;

test('a reply larger than the request is a reflector finding with the measure, its factor and the facts', () => {
  const verdict = assessReflection(
    observation('success', { server: 'Linux/3.x UPnP/1.0', replies: 3, reflection: measure(100, 1250), headers: { st: 'x' }, ok: true }),
    readMeasure,
  );
  assert.equal(verdict.concluded, true);
  assert.deepEqual(verdict.finding, {
    kind: 'reflector',
    ip: '192.0.2.7',
    port: 1900,
    protocol: 'ssdp',
    evidence: {
      request: 'M-SEARCH ssdp:all',
      requestBytes: 100,
      replyBytes: 1250,
      replyPackets: 3,
      amplification: 12.5,
      facts: { server: 'Linux/3.x UPnP/1.0', replies: 3 },
    },
    observedAt: '2026-12-06T00:00:00.000Z',
  });
});

test('the threshold is a factor above 1: as many bytes back as sent is no finding, one more is', () => {
  assert.equal(amplifies(measure(100, 100)), false);
  assert.equal(amplifies(measure(100, 101)), true);
  assert.equal(amplifies(measure(0, 500)), false, 'a measure of no request is no amplification');
  const even = assessReflection(observation('success', { reflection: measure(100, 100) }), readMeasure);
  assert.deepEqual(even, { concluded: true }, 'an answer that does not amplify is a conclusive re-check');
});

test('an answer that is not the protocol’s closes; silence and failures prove nothing; no reflection, no verdict', () => {
  assert.deepEqual(assessReflection(observation('protocol-error', {}), readMeasure), { concluded: true });
  for (const status of ['io-timeout', 'connection-refused', 'deadline-exceeded', 'unknown-error'] as const) {
    assert.deepEqual(assessReflection(observation(status, {}), readMeasure), { concluded: false }, status);
  }
  assert.deepEqual(assessReflection(observation('success', { reflection: measure(10, 1000) }), undefined), { concluded: false });
});

test('a measure the byte cap cut short still counts what arrived, so a flooding reflector that parses is a finding', () => {
  const verdict = assessReflection(observation('byte-cap-exceeded', { reflection: measure(60, 300_000) }), readMeasure);
  assert.equal(verdict.finding?.evidence.amplification, 5000);
});

test('facts are the text and number fields only, at most 12, each at most 256 characters', () => {
  const result = Object.fromEntries(Array.from({ length: 20 }, (_, index) => [`field${index}`, index % 2 === 0 ? 'x'.repeat(300) : index]));
  const facts = factsOf({ list: ['a'], nested: { a: 1 }, flag: true, infinite: Number.POSITIVE_INFINITY, ...result });
  assert.equal(Object.keys(facts).length, 12);
  assert.deepEqual(Object.keys(facts).slice(0, 2), ['field0', 'field1']);
  assert.equal((facts.field0 as string).length, 256);
  assert.equal(facts.field1, 1);
});
