/** The NotificationRepository methods of the SQLite store (sqlite-repository.ts spreads them in). */
import type { DatabaseSync } from 'node:sqlite';
import type { NotificationRepository } from '../repository.ts';
import { inTransaction } from './database.ts';
import {
  readDueOutbox,
  readFeedback,
  readIsps,
  readNotificationTimes,
  readNotifiableFindings,
  readOutbox,
  readReportFindingIds,
  readReports,
  settleOutbox,
  writeAttributions,
  writeFeedback,
  writeIsps,
  writeReport,
} from './notification.ts';

type Use = <T>(operation: string, work: () => T) => Promise<T>;

/** @example return { ...notificationMethods(db, use), … } */
export function notificationMethods(db: DatabaseSync, use: Use): NotificationRepository {
  const now = () => new Date().toISOString();
  return {
    upsertIsps: (isps, options = {}) => use('upsertIsps', () => inTransaction(db, () => writeIsps(db, isps, options.at ?? now()))),
    listIsps: () => use('listIsps', () => readIsps(db)),
    recordAttributions: (items, options = {}) => use('recordAttributions', () => inTransaction(db, () => writeAttributions(db, items, options.at ?? now()))),
    listNotifiableFindings: (filter) => use('listNotifiableFindings', () => readNotifiableFindings(db, filter)),
    notificationTimes: (filter = {}) => use('notificationTimes', () => readNotificationTimes(db, filter.ispId)),
    createReport: (input) => use('createReport', () => inTransaction(db, () => writeReport(db, input))),
    listReports: (filter) => use('listReports', () => readReports(db, filter)),
    reportFindingIds: (reportId) => use('reportFindingIds', () => readReportFindingIds(db, reportId)),
    dueOutbox: (at, limit) => use('dueOutbox', () => readDueOutbox(db, at, limit)),
    listOutbox: (filter) => use('listOutbox', () => readOutbox(db, filter)),
    settleOutbox: (settlement) => use('settleOutbox', () => settleOutbox(db, settlement)),
    recordFeedback: (feedback) => use('recordFeedback', () => writeFeedback(db, feedback)),
    listFeedback: (filter) => use('listFeedback', () => readFeedback(db, filter)),
  };
}
