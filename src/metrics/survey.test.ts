import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExposition } from '../../test/support/prometheus-text.ts';
import type { DialerStats } from '../scope/dial-gate.ts';
import { createMetricsRegistry } from './registry.ts';
import { createSurveyMetrics } from './survey.ts';

const stats = (tcp: number, open: number): DialerStats => ({
  dialed: tcp,
  refusedByScope: 1,
  open,
  dialedBy: { tcp, tls: 0, udp: 0 },
  strayDatagrams: 0,
  swept: 0,
});

test("the dialer's running totals become counters that keep growing across scrapes and across a new dialer (a worker's next shard)", async () => {
  const registry = createMetricsRegistry({ command: 'worker', version: 'test' });
  const metrics = createSurveyMetrics(registry);
  let first = stats(10, 3);
  metrics.watchDialer(() => first);
  let scraped = parseExposition(await registry.metrics());
  assert.equal(scraped.value('opennotice_dialer_connections_total', { transport: 'tcp' }), 10);
  assert.equal(scraped.value('opennotice_dialer_connections_open'), 3);
  assert.equal(scraped.value('opennotice_dialer_refused_by_scope_total'), 1);

  first = stats(15, 0);
  metrics.watchDialer(() => stats(4, 1));
  scraped = parseExposition(await registry.metrics());
  assert.equal(scraped.value('opennotice_dialer_connections_total', { transport: 'tcp' }), 19, "the first dialer's last 5, then the new one's 4");
  assert.equal(scraped.value('opennotice_dialer_connections_open'), 1);
  assert.equal(scraped.value('opennotice_dialer_refused_by_scope_total'), 2);
});
