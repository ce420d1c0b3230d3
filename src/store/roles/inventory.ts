/**
 * What the surveys saw: services (one row per address, port and protocol) and identified
 * devices (one row per address). Re-recording updates a row instead of duplicating it.
 */
import type { Device, DeviceIdentity, ServiceObservation } from '../../core/records.ts';
import type { ServiceRow } from '../row-types.ts';

/** A device's stored identity, with when it was first and last seen. */
export interface DeviceRow extends DeviceIdentity {
  ip: string;
  firstSeen: string;
  lastSeen: string;
  firstRunId: number;
  lastRunId: number;
}

/**
 * Services and devices of the surveyed space.
 * @example
 * await store.recordServices(runId, observations)
 * const telnet = (await store.listServices({ ip: '192.0.2.7' })).filter((row) => row.protocol === 'telnet')
 */
export interface InventoryStore {
  /** Upsert by (ip, port, protocol): first seen kept; last seen, last run and result updated. Fails (STORE_FAILED) for an unknown run. */
  recordServices(runId: number, services: readonly ServiceObservation[]): Promise<void>;
  /** Upsert by ip; `observedAt` defaults to the run's start time. Fails (STORE_FAILED) for an unknown run. */
  recordDevices(runId: number, devices: readonly Device[], options?: { observedAt?: string }): Promise<void>;
  /** Services in address order (192.0.2.9 before 192.0.2.10), then port. */
  listServices(filter?: { ip?: string }): Promise<ServiceRow[]>;
  /** Devices in address order. */
  listDevices(): Promise<DeviceRow[]>;
}
