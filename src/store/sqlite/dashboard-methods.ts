/**
 * The DashboardRepository methods of the SQLite store (sqlite-repository.ts spreads them in).
 * The two whole-store reads go slice by slice and give the event loop back between slices,
 * so a web server answering other requests is never blocked for long by a recount.
 */
import type { DatabaseSync } from 'node:sqlite';
import type { DashboardRepository, TrackedFindingRow } from '../dashboard-types.ts';
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

type Use = <T>(operation: string, work: () => T) => Promise<T>;

/** Lets queued I/O (other requests) run before the next slice. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** @example return { ...dashboardMethods(db, use), … } */
export function dashboardMethods(db: DatabaseSync, use: Use): DashboardRepository {
  const monthBounds = createMonthBoundsCache();
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

    listDashboardFindings: (query) => use('listDashboardFindings', () => listDashboardFindingRows(db, query, monthBounds)),
    findingHistory: (findingId) => use('findingHistory', () => readFindingHistory(db, findingId)),
    openFindingsAt: (ip) => use('openFindingsAt', () => readOpenFindingsAt(db, ip)),
  };
}
