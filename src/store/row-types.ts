/**
 * Row types that several store roles return: services, findings and judged darknet sources
 * as read back from the store.
 */
import type { DarknetSourceRecord, DeviceIdentity, FindingKind, GrabResult, GrabStatus, ServiceDetectionRecord } from '../core/records.ts';

export interface ServiceRow {
  ip: string;
  port: number;
  protocol: string;
  status: GrabStatus;
  result: GrabResult;
  error?: string;
  durationMs: number;
  firstSeen: string;
  lastSeen: string;
  firstRunId: number;
  lastRunId: number;
  /** How the service's protocol was found, when the run that last saw it recorded that. */
  detection?: ServiceDetectionRecord;
}

export type FindingStatus = 'open' | 'closed';

/** A finding with the identity of its device joined in (absent when unidentified). */
export interface FindingRow extends Partial<Pick<DeviceIdentity, 'vendor' | 'model' | 'deviceType' | 'firmwareVersion' | 'releaseYear'>> {
  id: number;
  kind: FindingKind;
  ip: string;
  port: number;
  protocol: string;
  dictionaryEntryId?: string;
  evidence: Record<string, unknown>;
  status: FindingStatus;
  firstSeen: string;
  lastSeen: string;
  firstRunId: number;
  lastRunId: number;
  closedAt?: string;
  closedRunId?: number;
}

/** A judged darknet source with the window it was judged in. */
export interface DarknetSourceRow extends DarknetSourceRecord {
  darknet: string;
  windowStart: string;
  periodSeconds: number;
}
