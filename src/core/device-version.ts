/**
 * When the device at an address has changed: what starts a new version of it in the store's
 * history (a firmware update, a new component set, another device plugged in) and what is the
 * same device seen again. Kept outside the store so every store implementation decides alike.
 */
import type { DeviceIdentity } from './records.ts';

/** Trimmed and lower-cased: "TP-Link" and "TP-LINK" from two rules are one vendor. */
const folded = (text: string | undefined): string => (text ?? '').trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * The facts that make a version: vendor, model, firmware version, hardware revision and the
 * software components (by CPE name, which carries product and version). Confidence, evidence,
 * device type and release year follow from rules and catalogue, so a rule change that alters
 * them is not a change of the device.
 * @example deviceVersionKey({ vendor: 'Korvan', model: 'IPC-2120', firmwareVersion: '1.0', deviceType: 'ip-camera', confidence: 0.9, evidence: [] })
 * // '["korvan","ipc-2120","1.0","",[]]'
 */
export function deviceVersionKey(identity: Pick<DeviceIdentity, 'vendor' | 'model' | 'firmwareVersion' | 'hardwareVersion' | 'components'>): string {
  const components = [...new Set((identity.components ?? []).map((component) => component.cpe.toLowerCase()))].sort();
  return JSON.stringify([folded(identity.vendor), folded(identity.model), folded(identity.firmwareVersion), folded(identity.hardwareVersion), components]);
}

/**
 * Is `next` the same version of the device as `current`? A component that was not seen
 * because its service did not answer this time counts as a change: the store cannot tell a
 * removed service from a silent one, and a version too many is safer than a change lost.
 * @example sameDeviceVersion(stored, { ...stored, firmwareVersion: '2.0' }) // false
 */
export function sameDeviceVersion(
  current: Pick<DeviceIdentity, 'vendor' | 'model' | 'firmwareVersion' | 'hardwareVersion' | 'components'>,
  next: Pick<DeviceIdentity, 'vendor' | 'model' | 'firmwareVersion' | 'hardwareVersion' | 'components'>,
): boolean {
  return deviceVersionKey(current) === deviceVersionKey(next);
}
