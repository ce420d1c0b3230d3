/**
 * A few of ODVA's EtherNet/IP vendor ids, so that a ListIdentity answer (which carries only the
 * number) names its vendor. Facts only, each an assignment ODVA publishes; the full list has
 * over a thousand entries and changes, so an id missing here is reported as its number.
 */

/** Vendor id → the vendor's name as ODVA's list writes it. */
export const enipVendorNames: ReadonlyMap<number, string> = new Map([
  [1, 'Rockwell Automation/Allen-Bradley'],
  [40, 'WAGO Corporation'],
  [47, 'OMRON Corporation'],
  [90, 'HMS Industrial Networks AB'],
  [108, 'Beckhoff Automation GmbH'],
  [161, 'Mitsubishi Electric Corporation'],
  [243, 'Schneider Automation, Inc.'],
  [283, 'Hilscher GmbH'],
  [562, 'Phoenix Contact'],
]);

/** CIP device type codes (Identity object attribute 2) a survey names; others stay numbers. */
export const cipDeviceTypeNames: ReadonlyMap<number, string> = new Map([
  [0, 'Generic Device'],
  [2, 'AC Drive'],
  [7, 'General Purpose Discrete I/O'],
  [12, 'Communications Adapter'],
  [14, 'Programmable Logic Controller'],
  [16, 'Position Controller'],
  [24, 'Human-Machine Interface'],
  [37, 'CIP Motion Drive'],
  [44, 'Managed Switch'],
]);
