/** ISP feedback in PostgreSQL (table `isp_feedback`). */
import type { FeedbackRow, FeedbackStore } from '../roles/feedback.ts';
import type { PostgresContext } from './database.ts';
import { toRecord } from './rows.ts';

/** @example await postgresFeedbackStore(context).listFeedback({ ispId: 'example-isp' }) */
export function postgresFeedbackStore({ use }: PostgresContext): FeedbackStore {
  return {
    recordFeedback: (feedback) =>
      use('recordFeedback', async (db) => {
        const result = await db.query<{ id: number }>(
          'INSERT INTO isp_feedback (finding_id, isp_id, action, note, author, at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
          [feedback.findingId, feedback.ispId, feedback.action, feedback.note ?? null, feedback.author ?? null, feedback.at],
        );
        return Number(result.rows[0]?.id);
      }),

    listFeedback: (filter = {}) =>
      use('listFeedback', async (db) => {
        const where: string[] = [];
        const values: unknown[] = [];
        const match = (column: string, value: unknown) => {
          values.push(value);
          where.push(`${column} = $${values.length}`);
        };
        if (filter.findingId !== undefined) match('finding_id', filter.findingId);
        if (filter.ispId !== undefined) match('isp_id', filter.ispId);
        if (filter.action !== undefined) match('action', filter.action);
        const result = await db.query(
          `SELECT id, finding_id AS "findingId", isp_id AS "ispId", action, note, author, at FROM isp_feedback
            ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`,
          values,
        );
        return result.rows.map((row) => toRecord<FeedbackRow>(row));
      }),
  };
}
