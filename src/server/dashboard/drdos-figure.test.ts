import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DarknetAttack } from '../../core/records.ts';
import { createDashboardFixture, operatorSession } from '../../../test/support/dashboard-fixture.ts';
import type { DashboardFigures } from './figures.ts';

const attack = (victim: string, protocol: string, port: number, start: string, packets: number, qualified = true): DarknetAttack => ({
  darknet: '127.200.0.0/16',
  victim,
  protocol,
  port,
  start,
  end: start.replace(':00:00.', ':09:00.'),
  packets,
  bytes: packets * 468,
  reflectors: 40,
  qualified,
  atInputStart: false,
  atInputEnd: false,
  evicted: false,
});

test('the dashboard shows DRDoS attacks per day, stacked by protocol, with the same numbers in its table; pieces below the thresholds are not counted', async () => {
  const fixture = await createDashboardFixture();
  const runId = await fixture.store.startRun({ startedAt: '2026-01-14T00:00:00.000Z', scope: ['127.200.0.0/16'], exclude: [], ports: [], checks: ['darknet'] });
  await fixture.store.recordDarknetWindows(runId, [], [], {
    add: [
      attack('127.200.0.7', 'ntp', 123, '2026-01-11T10:00:00.000Z', 900),
      attack('127.200.0.8', 'ntp', 123, '2026-01-11T11:00:00.000Z', 500),
      attack('127.200.0.9', 'dns', 53, '2026-01-11T12:00:00.000Z', 300),
      attack('127.200.1.9', 'ssdp', 1900, '2026-01-12T01:00:00.000Z', 200),
      attack('127.200.1.10', 'ssdp', 1900, '2026-01-12T02:00:00.000Z', 40, false),
    ],
    remove: [],
  });
  const { operator } = await operatorSession(fixture);

  const figures = (await operator.request({ url: '/api/v1/dashboard/summary' })).json() as DashboardFigures;
  assert.deepEqual(figures.drdos, {
    byDay: [
      { day: '2026-01-11', attacks: 3, packets: 1700, byProtocol: { ntp: 2, dns: 1 } },
      { day: '2026-01-12', attacks: 1, packets: 200, byProtocol: { ssdp: 1 } },
    ],
    protocols: ['ntp', 'dns', 'ssdp'],
  });

  const english = (await operator.request({ url: '/dashboard?lang=en' })).text();
  assert.match(english, /<h2 id="drdos-title">DRDoS attacks on darknet addresses per day<\/h2>/);
  const table = /<details class="figure-table" id="drdos-table">([\s\S]*?)<\/details>/.exec(english)?.[1] ?? '';
  assert.match(table, /2026-01-11[\s\S]*3[\s\S]*ntp 2, dns 1[\s\S]*1,700/);
  assert.match(table, /2026-01-12[\s\S]*ssdp 1/);
  const spec = JSON.parse(/<script type="application\/json" id="drdos-data">([\s\S]*?)<\/script>/.exec(english)?.[1] ?? '{}') as {
    categories: string[];
    series: Array<{ name: string; stack: string; data: number[] }>;
  };
  assert.deepEqual(spec.categories, ['2026-01-11', '2026-01-12']);
  assert.deepEqual(
    spec.series.map((series) => [series.name, series.stack, series.data]),
    [
      ['ntp', 'attacks', [2, 0]],
      ['dns', 'attacks', [1, 0]],
      ['ssdp', 'attacks', [0, 1]],
    ],
  );
  const japanese = (await operator.request({ url: '/dashboard?lang=ja' })).text();
  assert.match(japanese, /ダークネット宛てのDRDoS攻撃（日別）/);
});
