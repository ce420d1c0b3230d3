/**
 * The ISP help desk's reads and its log: one ISP's findings at one address (every time, so the
 * page can tell what covered the time asked from what came before or after), and a record of
 * every lookup a desk made — who, when, which address and time, how many rows it was shown —
 * which the operator reads.
 */
import type { PortalFindingRow } from './isp-portal.ts';

/** A help-desk lookup to record. */
export interface HelpDeskLookup {
  /** When the lookup was made (ISO-8601). */
  at: string;
  userId: number;
  userName: string;
  ispId: string;
  /** The address asked about, in canonical form. */
  ip: string;
  /** The time the desk asked about (ISO-8601): when the subscriber had the address. */
  askedTime: string;
  /** Finding rows the page showed: present at that time and at other times. */
  rowsShown: number;
  /** Of those, the findings present at the time asked (what concerns the subscriber of that time). */
  rowsPresent: number;
}

export interface HelpDeskLookupRow extends HelpDeskLookup {
  id: number;
}

/** Lookups newest first (keyset: ids below `beforeId`), optionally of one ISP. */
export interface HelpDeskLookupQuery {
  ispId?: string;
  beforeId?: number;
  limit: number;
}

/**
 * @example
 * const findings = await store.listIspFindingsAtAddress('sakura', '192.0.2.7', 100)
 * await store.recordHelpDeskLookup({ at, userId, userName, ispId: 'sakura', ip: '192.0.2.7', askedTime, rowsShown: 2, rowsPresent: 1 })
 */
export interface HelpDeskStore {
  /** The ISP's findings at exactly this address, of any status and time, newest (highest id) first; another ISP's are never returned. */
  listIspFindingsAtAddress(ispId: string, ip: string, limit: number): Promise<PortalFindingRow[]>;
  /** Store one lookup; returns its id. */
  recordHelpDeskLookup(lookup: HelpDeskLookup): Promise<number>;
  /** Stored lookups, newest first. */
  listHelpDeskLookups(query: HelpDeskLookupQuery): Promise<HelpDeskLookupRow[]>;
}
