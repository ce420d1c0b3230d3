/** The device classes the planner keeps rates for: every device type, and "not identified". */
import type { DeviceType } from '../../core/records.ts';
import type { DeviceClass } from './facts.ts';

export type { DeviceClass };

const deviceTypes: Readonly<Record<DeviceType, true>> = {
  'ip-camera': true,
  router: true,
  dvr: true,
  nas: true,
  printer: true,
  'iot-gateway': true,
  critical: true,
  other: true,
};

/**
 * Every class, in a fixed order (tables and the schedule list them so).
 * @example deviceClassesOf().at(-1) // 'unidentified'
 */
export function deviceClassesOf(): DeviceClass[] {
  return [...(Object.keys(deviceTypes) as DeviceType[]), 'unidentified'];
}
