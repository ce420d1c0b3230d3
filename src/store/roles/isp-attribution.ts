/**
 * The ISP registry and which ISP each finding belongs to. Notification, tracking and the
 * statistics read findings through here: with device identity and attribution joined in.
 */
import type { Attribution, NotifiableFinding } from '../../core/records.ts';
import type { FindingStatus } from '../row-types.ts';

/** An ISP as the registry describes it (docs/attribution.md has the file format). */
export interface IspRecord {
  id: string;
  name: string;
  asns: number[];
  /** Prefixes beyond its ASNs (e.g. customer space announced by an upstream). */
  prefixes: string[];
  contacts: { abuseEmail?: string; webhookUrl?: string; portalUsers: string[] };
  preferences: { format: 'csv' | 'json' | 'stix'; cadence: 'daily' | 'weekly' | 'monthly'; language: 'ja' | 'en' };
  /** The ISP rents and manages the customer routers: it can fix them in bulk. */
  managesCustomerDevices: boolean;
}

/** The attribution of one finding. */
export interface FindingAttribution {
  findingId: number;
  attribution: Attribution;
}

export interface NotifiableFindingFilter {
  ispId?: string;
  /** Only findings in this system integrator's ranges. */
  integratorId?: string;
  status?: FindingStatus;
  /** Only findings without an attribution yet. */
  unattributed?: boolean;
}

/**
 * ISPs, and attributions of findings to them.
 * @example
 * await store.upsertIsps(registry.isps)
 * const open = await store.listNotifiableFindings({ ispId: 'example-isp', status: 'open' })
 */
export interface IspAttributionStore {
  /** Insert or update ISPs by id; `at` (default now) marks the change. */
  upsertIsps(isps: readonly IspRecord[], options?: { at?: string }): Promise<void>;
  /** Every ISP, by id. */
  listIsps(): Promise<IspRecord[]>;
  /** Set (or replace) the attribution of findings; `at` (default now) is when. */
  recordAttributions(items: readonly FindingAttribution[], options?: { at?: string }): Promise<void>;
  /**
   * Findings with device identity and attribution (the ISP's name joined in), in address order.
   * A finding not attributed yet has source 'none' and unattributedReason 'not attributed yet'.
   */
  listNotifiableFindings(filter?: NotifiableFindingFilter): Promise<NotifiableFinding[]>;
}
