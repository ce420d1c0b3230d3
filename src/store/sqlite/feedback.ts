/** ISP feedback in SQLite (table `isp_feedback`). */
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import type { FeedbackFilter, FeedbackRow, FeedbackStore } from '../roles/feedback.ts';
import type { SqliteContext } from './database.ts';
import { toRecord, type SqlRow } from './rows.ts';

/** @example await sqliteFeedbackStore(context).listFeedback({ ispId: 'example-isp' }) */
export function sqliteFeedbackStore({ db, use }: SqliteContext): FeedbackStore {
  return {
    recordFeedback: (feedback) => use('recordFeedback', () => writeFeedback(db, feedback)),
    listFeedback: (filter) => use('listFeedback', () => readFeedback(db, filter)),
  };
}

function writeFeedback(db: DatabaseSync, feedback: Omit<FeedbackRow, 'id'>): number {
  return Number(
    db
      .prepare('INSERT INTO isp_feedback (finding_id, isp_id, action, note, author, at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(feedback.findingId, feedback.ispId, feedback.action, feedback.note ?? null, feedback.author ?? null, feedback.at).lastInsertRowid,
  );
}

function readFeedback(db: DatabaseSync, filter: FeedbackFilter = {}): FeedbackRow[] {
  const where: string[] = [];
  const values: SQLInputValue[] = [];
  if (filter.findingId !== undefined) {
    where.push('finding_id = ?');
    values.push(filter.findingId);
  }
  if (filter.ispId !== undefined) {
    where.push('isp_id = ?');
    values.push(filter.ispId);
  }
  if (filter.action !== undefined) {
    where.push('action = ?');
    values.push(filter.action);
  }
  return (
    db
      .prepare(
        `SELECT id, finding_id AS findingId, isp_id AS ispId, action, note, author, at FROM isp_feedback ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`,
      )
      .all(...values) as SqlRow[]
  ).map((row) => toRecord<FeedbackRow>(row));
}
