/**
 * What the flow collector keeps for the C&C detector (src/cnc/contact-recorder.ts says what a
 * row is and why other sources are only sketched): added per flush, read back for a window,
 * pruned by hour with the flow aggregates' retention.
 */
import type { CncContactBatch } from '../../cnc/contact-recorder.ts';

export interface CncContactQuery {
  /** Only hours at or after this (epoch ms). */
  sinceHourMs: number;
}

/**
 * @example
 * await store.addCncContacts(recorder.drain())
 * const stored = await store.listCncContacts({ sinceHourMs: Date.now() - 30 * 86_400_000 })
 */
export interface CncContactStore {
  /** Adds one flush's rows. Rows are never merged on write: a key may have a row per flush, and readers merge them. */
  addCncContacts(batch: CncContactBatch): Promise<void>;
  /** Deletes every row of the hours that start before `beforeHourMs`; returns how many rows went. */
  pruneCncContacts(beforeHourMs: number): Promise<number>;
  /**
   * The rows of the window: every bot contact, the population, and the other-source rows of
   * only those endpoints some bot contacted in the window (no other endpoint is ever scored).
   * Bot contacts ordered by hour, bot, endpoint; the rest by hour.
   */
  listCncContacts(query: CncContactQuery): Promise<CncContactBatch>;
}

/** Contact start times as the tables keep them: milliseconds after the row's hour, comma-separated. */
export function encodeContactStarts(hourMs: number, startsMs: readonly number[]): string {
  return startsMs.map((startMs) => startMs - hourMs).join(',');
}

/** @example decodeContactStarts(hourMs, '0,60000') // [hourMs, hourMs + 60000] */
export function decodeContactStarts(hourMs: number, text: string): number[] {
  return text === '' ? [] : text.split(',').map((offset) => hourMs + Number(offset));
}
