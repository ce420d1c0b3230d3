import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DashboardAggregates, DashboardFigureStore } from '../../store/roles/dashboard-figures.ts';
import type { ServerDeps } from '../route-types.ts';
import { createFigureCache } from './figures.ts';

const emptyAggregates = (findings: number): DashboardAggregates => ({
  foundByMonth: [{ month: '2026-01', kind: 'weak-credential', count: findings }],
  remediatedByMonth: [],
  reportsByMonth: [],
  infectedByDay: [],
  byIsp: [{ status: 'open', kind: 'weak-credential', count: findings }],
  openByDevice: [],
  isps: [],
  darknetByDay: [],
  darknetTopPorts: [],
  drdosByDay: [],
  totals: { findings, reports: 0, deliveredReports: 0, feedback: 0, pendingOptOuts: 0 },
});

/** A figure store whose recount takes `delayMs` and counts `state.findings` (the cache needs no other role). */
function slowStore(state: { mark: string; findings: number; recounts: number }, delayMs: number): DashboardFigureStore {
  return {
    dashboardChangeMark: async () => state.mark,
    dashboardAggregates: async () => {
      state.recounts++;
      const findings = state.findings;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return emptyAggregates(findings);
    },
    listTrackedFindings: async () => [],
  };
}

const depsOf = (store: DashboardFigureStore): ServerDeps<DashboardFigureStore> => ({
  store,
  now: () => new Date('2026-02-01T00:00:00Z'),
  program: { name: 'p', operator: 'o', contact: 'c', scannerAddresses: [] },
});

test('a quick recount is awaited: figures always match the store', async () => {
  const state = { mark: 'a', findings: 1, recounts: 0 };
  const cache = createFigureCache(depsOf(slowStore(state, 0)));
  assert.equal((await cache.current()).totals.findings, 1);
  assert.equal((await cache.current()).totals.findings, 1);
  assert.equal(state.recounts, 1, 'same mark: no recount');
  Object.assign(state, { mark: 'b', findings: 2 });
  const [first, second] = await Promise.all([cache.current(), cache.current()]);
  assert.equal(first.totals.findings, 2);
  assert.equal(first, second, 'concurrent requests share one recount');
  assert.equal(state.recounts, 2);
});

test('a slow recount: the last figures are served and recounts are spaced', async () => {
  const state = { mark: 'a', findings: 1, recounts: 0 };
  const cache = createFigureCache(depsOf(slowStore(state, 300)));
  const first = await cache.current();
  assert.equal(first.totals.findings, 1, 'nothing to serve yet: the first count is awaited');
  Object.assign(state, { mark: 'b', findings: 2 });
  const stale = await cache.current();
  assert.equal(stale, first, 'the store changed, but a slow count is not waited for');
  assert.equal(state.recounts, 1, 'and not restarted within ten times its duration');
});

test('a slow recount under way never holds a request, even one for the state being counted', { timeout: 30_000 }, async () => {
  const state = { mark: 'a', findings: 1, recounts: 0 };
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const store = slowStore(state, 300);
  const slowCount = store.dashboardAggregates.bind(store);
  // The second count never finishes until the test says so: a request that waits for it hangs (and the test times out).
  store.dashboardAggregates = async () => {
    if (state.recounts === 1) await held;
    return slowCount();
  };
  let clock = Date.parse('2026-02-01T00:00:00Z');
  const cache = createFigureCache({ ...depsOf(store), now: () => new Date(clock) });
  const first = await cache.current();
  // Recounts of a slow store are spaced ten times their duration apart: let that pass, then a new day starts one.
  await new Promise((resolve) => setTimeout(resolve, 3_200));
  clock += 86_400_000;
  assert.equal(await cache.current(), first, 'the recount starts in the background');
  assert.equal(await cache.current(), first, 'a request for the state being counted is answered from the last figures');
  release();
});
