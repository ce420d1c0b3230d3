import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExposition } from '../../test/support/prometheus-text.ts';
import { weak } from '../../test/store-conformance/fixtures.ts';
import { openStore } from '../store/open-store.ts';
import type { MonitoringStore } from '../store/roles/monitoring.ts';
import { createMetricsRegistry } from './registry.ts';
import { registerStoreCounts } from './store-counts.ts';

test('store counts: one recount per bound however often scraped; a failed recount is retried at the next scrape', async () => {
  const store = await openStore(':memory:');
  try {
    let clock = Date.parse('2026-02-02T00:00:00.000Z');
    let queries = 0;
    let failNext = false;
    const counting: MonitoringStore = {
      monitoringCounts: (now) => {
        queries++;
        if (failNext) {
          failNext = false;
          return Promise.reject(new Error('database is locked'));
        }
        return store.monitoringCounts(now);
      },
    };
    const registry = createMetricsRegistry({ command: 'serve', version: 'test' });
    registerStoreCounts(registry, counting, { maxAgeMs: 10_000, now: () => new Date(clock) });
    const open = async () => parseExposition(await registry.metrics()).value('opennotice_findings', { kind: 'weak-credential', status: 'open' });

    assert.equal(await open(), undefined);
    assert.equal(queries, 1, 'the three store gauges share one recount');
    const runId = await store.startRun({ startedAt: '2026-02-02T00:00:00.000Z', scope: ['192.0.2.0/24'], exclude: [], ports: [23], checks: ['credentials'] });
    await store.reconcileFindings(runId, { found: [weak('192.0.2.1', '2026-02-02T00:00:01.000Z')], covered: [] });
    clock += 9_999;
    assert.equal(await open(), undefined, 'within the bound the last count stands');
    clock += 1;
    assert.equal(await open(), 1);
    assert.equal(queries, 2);

    clock += 10_000;
    failNext = true;
    await assert.rejects(registry.metrics());
    assert.equal(await open(), 1, 'the failure was not kept');
    assert.equal(queries, 4);
  } finally {
    await store.close();
  }
});
