import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GrabStatus, Target } from '../core/records.ts';
import type { GrabContext } from '../protocols/grab.ts';
import { defineProtocol } from '../protocols/protocol.ts';
import { createProtocolRegistry } from '../protocols/registry.ts';
import { DialFailure } from '../scope/connection.ts';
import { grabUdp } from './udp-stage.ts';

/** A UDP protocol whose grab answers from a script, counting the grabs per target; no socket anywhere. */
function scripted(outcomes: Record<string, GrabStatus[]>) {
  const grabs = new Map<string, number>();
  const protocol = defineProtocol({
    name: 'scripted-udp',
    description: 'test',
    transport: 'udp',
    defaultPorts: [5000],
    fields: { answer: 'number' },
    grab: async (_ctx, target) => {
      const count = grabs.get(target.ip) ?? 0;
      grabs.set(target.ip, count + 1);
      const script = outcomes[target.ip] ?? ['io-timeout'];
      const status = script[Math.min(count, script.length - 1)]!;
      if (status === 'blocked-target') throw new DialFailure('blocked-target', target, 'outside the scope', 'out-of-scope');
      return { status, result: status === 'success' ? { answer: count + 1 } : {} };
    },
  });
  return { protocols: createProtocolRegistry([protocol]), grabs };
}

const context = {} as GrabContext;
const now = () => new Date('2026-12-06T00:00:00Z');
const targets = (...ips: string[]): Target[] => ips.map((ip) => ({ ip, port: 5000 }));

test('silence is retried up to the bound and nothing else is; answers are kept by host', async () => {
  const { protocols, grabs } = scripted({
    a: ['success'],
    b: ['io-timeout', 'success'],
    c: ['io-timeout'],
    d: ['connection-refused'],
    e: ['protocol-error'],
    f: ['blocked-target'],
  });
  const udp = await grabUdp(
    targets('a', 'b', 'c', 'd', 'e', 'f'),
    6,
    { context, protocols, now, concurrency: 3, retries: 2 },
    { signal: new AbortController().signal },
  );
  assert.deepEqual(Object.fromEntries(grabs), { a: 1, b: 2, c: 3, d: 1, e: 1, f: 1 });
  assert.deepEqual([...udp.byHost].map(([ip, observations]) => `${ip} ${observations.map((o) => `${o.status} ${JSON.stringify(o.result)}`).join()}`).sort(), [
    'a success {"answer":1}',
    'b success {"answer":2}',
    'e protocol-error {}',
  ]);
  assert.deepEqual(udp.counts, {
    targets: 6,
    requests: 9,
    swept: 0,
    retries: 3,
    answered: 3,
    openFiltered: 1,
    refused: 1,
    unmatched: 0,
    failed: 1,
    skipped: 0,
    strays: 0,
  });
});

test('no retries when told none; a port without a UDP protocol is skipped; refusals are reported', async () => {
  const { protocols, grabs } = scripted({ d: ['connection-refused'] });
  const refused: Target[] = [];
  const udp = await grabUdp(
    [...targets('c', 'd'), { ip: 'x', port: 9 }],
    3,
    { context, protocols, now, concurrency: 1, retries: 0 },
    { signal: new AbortController().signal, onRefused: (target) => refused.push(target) },
  );
  assert.deepEqual(Object.fromEntries(grabs), { c: 1, d: 1 });
  assert.deepEqual(refused, [{ ip: 'd', port: 5000 }]);
  assert.equal(udp.counts.skipped, 1);
  assert.equal(udp.counts.openFiltered, 1);
});

test('an interrupted stage takes no more targets and keeps what was answered before', async () => {
  const controller = new AbortController();
  const { protocols, grabs } = scripted({ a: ['success'], b: ['success'] });
  const udp = await grabUdp(
    targets('a', 'b', 'c'),
    3,
    { context, protocols, now, concurrency: 1, retries: 1 },
    { signal: controller.signal, onProbed: () => controller.abort() },
  );
  assert.deepEqual(Object.fromEntries(grabs), { a: 1 });
  assert.equal(udp.byHost.size, 1);
});
