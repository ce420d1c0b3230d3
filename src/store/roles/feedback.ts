/**
 * What ISPs tell us they did about findings (from the portal, its API or `track feedback`).
 * Append-only.
 */

/** What an ISP tells us it did about a finding (the SQLite store's CHECK constraint lists the same values). */
export const feedbackActions = ['handled', 'subscriber-contacted', 'device-replaced', 'false-positive'] as const;
export type FeedbackAction = (typeof feedbackActions)[number];

export interface FeedbackRow {
  id: number;
  findingId: number;
  ispId: string;
  action: FeedbackAction;
  note?: string;
  author?: string;
  at: string;
}

export interface FeedbackFilter {
  findingId?: number;
  ispId?: string;
  action?: FeedbackAction;
}

/**
 * Recording and reading ISP feedback.
 * @example await store.recordFeedback({ findingId, ispId: 'example-isp', action: 'handled', at: new Date().toISOString() })
 */
export interface FeedbackStore {
  /** Append one piece of feedback; returns its id. */
  recordFeedback(feedback: Omit<FeedbackRow, 'id'>): Promise<number>;
  /** Feedback matching every filter given, oldest first. */
  listFeedback(filter?: FeedbackFilter): Promise<FeedbackRow[]>;
}
