/**
 * The dashboard's roles in SQLite: the figures' sources, the drill-down list and finding
 * history, and the public address check. The two whole-store reads go slice by slice and give
 * the event loop back between slices, so a web server answering other requests is never
 * blocked for long by a recount.
 */
import type { AddressCheckStore } from '../roles/address-check.ts';
import type { DashboardFigureStore, TrackedFindingRow } from '../roles/dashboard-figures.ts';
import type { DashboardFindingStore } from '../roles/dashboard-findings.ts';
import type { SqliteContext } from './database.ts';
import {
  AGGREGATE_SLICE_IDS,
  createFindingAccumulator,
  createInterner,
  readChangeMark,
  readFindingIdExtent,
  readSmallAggregates,
  readTrackedSlice,
} from './dashboard.ts';
import { createMonthBoundsCache, listDashboardFindingRows } from './dashboard-findings.ts';
import { readFindingHistory, readOpenFindingsAt } from './dashboard-history.ts';

/** Lets queued I/O (other requests) run before the next slice. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** @example const mark = await sqliteDashboardFigureStore(context).dashboardChangeMark() */
export function sqliteDashboardFigureStore({ db, use }: SqliteContext): DashboardFigureStore {
  return {
    dashboardChangeMark: () => use('dashboardChangeMark', () => readChangeMark(db)),

    dashboardAggregates: async () => {
      const { low, high } = await use('dashboardAggregates', () => readFindingIdExtent(db));
      const sums = createFindingAccumulator();
      for (let from = low; from <= high; from += AGGREGATE_SLICE_IDS) {
        await use('dashboardAggregates', () => {
          sums.addSlice(db, from, from + AGGREGATE_SLICE_IDS - 1);
          sums.addInfectedSlice(db, from, from + AGGREGATE_SLICE_IDS - 1);
        });
        await yieldToEventLoop();
      }
      const small = await use('dashboardAggregates', () => readSmallAggregates(db));
      return { ...sums.result(), ...small };
    },

    listTrackedFindings: async () => {
      const { low, high } = await use('listTrackedFindings', () => readFindingIdExtent(db));
      const intern = createInterner();
      // Slices are counted apart; the same (ISP, start day, fix day) from several slices adds up.
      const tracked = new Map<string, TrackedFindingRow>();
      for (let from = low; from <= high; from += AGGREGATE_SLICE_IDS) {
        for (const row of await use('listTrackedFindings', () => readTrackedSlice(db, from, from + AGGREGATE_SLICE_IDS - 1, intern))) {
          const key = `${row.ispId}\u0000${row.startAt}\u0000${row.remediatedAt ?? ''}`;
          const known = tracked.get(key);
          if (known) known.count += row.count;
          else tracked.set(key, row);
        }
        await yieldToEventLoop();
      }
      return [...tracked.values()];
    },
  };
}

/** @example const page = await sqliteDashboardFindingStore(context).listDashboardFindings({ kind: 'infected', limit: 50 }) */
export function sqliteDashboardFindingStore({ db, use }: SqliteContext): DashboardFindingStore {
  // Per store: month bounds only change when findings or events are added (the cache key says which).
  const monthBounds = createMonthBoundsCache();
  return {
    listDashboardFindings: (query) => use('listDashboardFindings', () => listDashboardFindingRows(db, query, monthBounds)),
    findingHistory: (findingId) => use('findingHistory', () => readFindingHistory(db, findingId)),
  };
}

/** @example await sqliteAddressCheckStore(context).openFindingsAt('192.0.2.7') */
export function sqliteAddressCheckStore({ db, use }: SqliteContext): AddressCheckStore {
  return { openFindingsAt: (ip) => use('openFindingsAt', () => readOpenFindingsAt(db, ip)) };
}
