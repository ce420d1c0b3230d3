/**
 * What the public "check my connection" page may learn about the visitor's own address: the
 * kinds of open findings and the device's identity — no port, no evidence, no credentials.
 */
import type { FindingKind } from '../../core/records.ts';

/** What "check my connection" may say about one address. */
export interface AddressFinding {
  kind: FindingKind;
  lastSeen: string;
  deviceType?: string;
  vendor?: string;
  model?: string;
}

/**
 * @example const findings = await store.openFindingsAt(request.remoteAddress)
 */
export interface AddressCheckStore {
  /** Open findings at exactly this address, one per kind (the latest sighting), by kind. */
  openFindingsAt(ip: string): Promise<AddressFinding[]>;
}
