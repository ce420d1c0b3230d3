import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OpenNoticeError } from '../core/errors.ts';
import { shippedProtocols } from '../protocols/registry.ts';
import { openStore } from '../store/open-store.ts';
import { permutedTargets } from '../scope/targets.ts';
import { resolveSurvey } from './policy.ts';

const plan = (ranges: string, extra = '') =>
  [
    'operator: { name: Ops, organisation: Example, contact: ops@example.net, transparencyUrl: "https://example.net/survey" }',
    'authorization: ticket 6',
    'validFrom: "2026-01-01"',
    'validUntil: "2026-12-31"',
    'sourceAddresses: ["192.0.2.1", "2001:DB8:6::1"]',
    `ranges: ${ranges}`,
    'checks: [discovery, identify]',
    'rates: { connectionsPerSecond: 10, maxConcurrent: 10, perHostConcurrent: 1 }',
    extra,
    '',
  ].join('\n');

test("the policy surveys an IPv6 range through the hit list (the plan's or the request's) and refuses to sweep it", async (t) => {
  const directory = mkdtempSync(join(tmpdir(), 'opennotice-v6-policy-'));
  const store = await openStore(':memory:');
  t.after(async () => {
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  });
  writeFileSync(join(directory, 'hits.txt'), '2001:db8:6::a\n2001:db8:6::b\n2001:db8:9::1\n2001:db8:6::e\n');
  writeFileSync(join(directory, 'plan.yaml'), plan('["2001:db8:6::/64"]', 'hitList: hits.txt'));
  writeFileSync(join(directory, 'bare.yaml'), plan('["2001:db8:6::/64"]'));
  const context = {
    store,
    protocols: shippedProtocols,
    now: () => new Date('2026-06-01T00:00:00Z'),
    localAddresses: () => ['192.0.2.1', '2001:db8:6::1'],
    allowReserved: ['2001:db8:6::/64'],
  };

  const settings = await resolveSurvey({ plan: join(directory, 'plan.yaml'), exclude: ['2001:db8:6::e'], ports: [23] }, context);
  assert.deepEqual(settings.sourceAddresses, ['192.0.2.1', '2001:db8:6::1'], 'source addresses in canonical text');
  assert.deepEqual(settings.scopeCidrs, ['2001:db8:6::/64']);
  assert.equal(settings.addresses.leftOut, 2, 'outside the plan, and excluded');
  assert.deepEqual([...permutedTargets({ addresses: settings.addresses.addresses, ports: [23], seed: 1 })].map((target) => target.ip).toSorted(), [
    '2001:db8:6::a',
    '2001:db8:6::b',
  ]);

  await assert.rejects(
    resolveSurvey({ plan: join(directory, 'bare.yaml'), ports: [23] }, context),
    (error: OpenNoticeError) => error.code === 'SCOPE_INVALID' && /lists, not sweeps/.test(error.message),
  );
  // The request's own list, on a plan without one.
  const listed = await resolveSurvey({ plan: join(directory, 'bare.yaml'), hitList: join(directory, 'hits.txt'), ports: [23] }, context);
  assert.equal(listed.addresses.addresses.size, 3);
  // Without the test's exemption the documentation prefix is reserved space.
  await assert.rejects(
    resolveSurvey({ plan: join(directory, 'plan.yaml'), ports: [23] }, { ...context, allowReserved: undefined }),
    (error: OpenNoticeError) => error.code === 'SCOPE_EMPTY' && /blocklist/.test(error.message),
  );
  // A scope on ::1 is loopback: no plan needed, and a single address is no sweep.
  const loopback = await resolveSurvey({ targets: ['::1'], ports: [23] }, context);
  assert.equal(loopback.scope.loopbackOnly, true);
  assert.equal(loopback.addresses.addresses.addressAt(0), '::1');
});
