/**
 * What the surveys saw: services (one row per address, port and protocol) and identified
 * devices (the current version per address, and every version it had). Re-recording updates
 * a row instead of duplicating it; a device whose firmware or component set changed gets a
 * new version instead of being overwritten.
 */
import type { Device, DeviceIdentity, OwnerContact, ServiceObservation, SoftwareComponent } from '../../core/records.ts';
import type { ServiceRow } from '../row-types.ts';

/**
 * A device's stored identity — its current version — with when the address was first and
 * last seen with a device on it.
 */
export interface DeviceRow extends DeviceIdentity {
  ip: string;
  /** Always present on a row (empty when none was shown). */
  components: SoftwareComponent[];
  /** The current version's number: 1 for the first identity seen at the address, then 2, … */
  version: number;
  firstSeen: string;
  lastSeen: string;
  firstRunId: number;
  lastRunId: number;
}

/** One version of the device at an address, with when that version was first and last seen. */
export interface DeviceVersionRow extends DeviceIdentity {
  ip: string;
  components: SoftwareComponent[];
  version: number;
  firstSeen: string;
  lastSeen: string;
  firstRunId: number;
  lastRunId: number;
}

/**
 * Which devices to list. Text filters keep a device when its field contains the text,
 * ignoring case; `product` looks at each component's product name and CPE name.
 */
export interface DeviceFilter {
  /** Exactly this address. */
  ip?: string;
  vendor?: string;
  model?: string;
  product?: string;
}

/**
 * Services and devices of the surveyed space.
 * @example
 * await store.recordServices(runId, observations)
 * const telnet = (await store.listServices({ ip: '192.0.2.7' })).filter((row) => row.protocol === 'telnet')
 * const history = await store.listDeviceVersions('192.0.2.7') // oldest first
 */
export interface InventoryStore {
  /** Upsert by (ip, port, protocol): first seen kept; last seen, last run and result updated. Fails (STORE_FAILED) for an unknown run. */
  recordServices(runId: number, services: readonly ServiceObservation[]): Promise<void>;
  /**
   * Upsert by ip; `observedAt` defaults to the run's start time. The same identity again
   * (core/device-version.ts) moves the current version's last sight; a changed one becomes
   * the next version. Fails (STORE_FAILED) for an unknown run.
   */
  recordDevices(runId: number, devices: readonly Device[], options?: { observedAt?: string }): Promise<void>;
  /** Services in address order (192.0.2.9 before 192.0.2.10), then port. */
  listServices(filter?: { ip?: string }): Promise<ServiceRow[]>;
  /** Current versions of the devices, in address order. */
  listDevices(filter?: DeviceFilter): Promise<DeviceRow[]>;
  /** Every version of the device at `ip`, oldest first; empty when none was recorded. */
  listDeviceVersions(ip: string): Promise<DeviceVersionRow[]>;
  /**
   * The owner's or installer's contact the critical device at `ip` showed, as last recorded (a
   * sight that showed none, e.g. a re-survey of another service, keeps it).
   * Operator-only: no list, export or report reads it; only this method and the dashboard's
   * device view (an operator's page) do.
   */
  deviceOwnerContact(ip: string): Promise<OwnerContact | undefined>;
}
