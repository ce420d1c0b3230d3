/**
 * The dashboard's roles in PostgreSQL: the figures' sources, the drill-down list and finding
 * history, and the public address check. The whole-store reads are single statements the
 * server works through while node waits on the socket, so a web server answering other
 * requests is not blocked by a recount (the SQLite store has to slice them for that).
 */
import type { AddressCheckStore } from '../roles/address-check.ts';
import type { DashboardFigureStore } from '../roles/dashboard-figures.ts';
import type { DashboardFindingStore } from '../roles/dashboard-findings.ts';
import { readChangeMark, readDashboardAggregates, readTrackedFindings } from './dashboard.ts';
import { createMonthBoundsCache, listDashboardFindingRows } from './dashboard-findings.ts';
import { readFindingHistory, readOpenFindingsAt } from './dashboard-history.ts';
import type { PostgresContext } from './database.ts';

/** @example const mark = await postgresDashboardFigureStore(context).dashboardChangeMark() */
export function postgresDashboardFigureStore({ use, transaction }: PostgresContext): DashboardFigureStore {
  return {
    dashboardChangeMark: () => use('dashboardChangeMark', readChangeMark),
    // One repeatable-read transaction: every figure is counted in the same snapshot, so they add up.
    dashboardAggregates: () =>
      transaction('dashboardAggregates', async (client) => {
        await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
        return readDashboardAggregates(client);
      }),
    listTrackedFindings: () => use('listTrackedFindings', readTrackedFindings),
  };
}

/** @example const page = await postgresDashboardFindingStore(context).listDashboardFindings({ kind: 'infected', limit: 50 }) */
export function postgresDashboardFindingStore({ use }: PostgresContext): DashboardFindingStore {
  // Per store: month bounds only change when findings or events are added (the cache key says which).
  const monthBounds = createMonthBoundsCache();
  return {
    listDashboardFindings: (query) => use('listDashboardFindings', (db) => listDashboardFindingRows(db, query, monthBounds)),
    findingHistory: (findingId) => use('findingHistory', (db) => readFindingHistory(db, findingId)),
  };
}

/** @example await postgresAddressCheckStore(context).openFindingsAt('192.0.2.7') */
export function postgresAddressCheckStore({ use }: PostgresContext): AddressCheckStore {
  return { openFindingsAt: (ip) => use('openFindingsAt', (db) => readOpenFindingsAt(db, ip)) };
}
