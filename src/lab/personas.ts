/**
 * Which persona builders serve a device: its vendor's, or for a payload device the
 * vendor's with payload fields swapped in. The servers (lab.ts) and the tests' observer
 * (test/support/lab/observe-device.ts) both ask here, so what a test computes is what the wire carries.
 */
import { payloadPersonas, type DevicePersonas } from './payload-devices.ts';
import type { LabDevice } from './types.ts';
import { vendorProfile } from './vendors/index.ts';
import { isWebMonitor, webMonitorPersonas } from './critical/web-monitors.ts';

export type { DevicePersonas } from './payload-devices.ts';

/**
 * @example personasOf(device).http?.(device, service)({ method: 'GET', path: '/', headers: {}, body: '' }).status
 */
export function personasOf(device: LabDevice): DevicePersonas {
  if (isWebMonitor(device)) return webMonitorPersonas(device);
  return device.payloads ? payloadPersonas(device) : vendorProfile(device.identity?.vendor ?? '');
}
