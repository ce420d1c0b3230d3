/**
 * The devices of the on-the-wire scope test (test/scope-on-the-wire.test.ts) and the listeners
 * waiting at the addresses they point to; the runner (on-the-wire-run.ts) serves them inside
 * the test's namespace.
 */

export interface OnTheWireConfig {
  plan: string;
  hitList: string;
  store: string;
  /** Excluded on the request (on top of the plan's exclusions). */
  exclude: string[];
  /** Approved as an owner's opt-out before the survey. */
  optOut: string;
  allowReserved: string[];
}

export interface WireDevice {
  ip: string;
  port: number;
  transport: 'tcp' | 'udp';
  /** What it answers with. */
  behaviour: 'http-302' | 'http-meta-refresh' | 'https-302' | 'rtsp-302' | 'ssdp-location' | 'plain-http';
  /** Where it tries to send the scanner. */
  leadsTo?: string;
}

/** Where the devices point, and a listener at each: reaching one means the scanner followed. */
export const wireTraps: ReadonlyArray<{ ip: string; port: number }> = [
  { ip: '192.0.2.70', port: 80 },
  { ip: '198.51.100.7', port: 80 },
  { ip: '192.0.2.130', port: 80 },
  { ip: '192.0.2.71', port: 443 },
  { ip: '192.0.2.72', port: 49152 },
  { ip: '198.51.100.9', port: 80 },
  { ip: '192.0.2.73', port: 554 },
  { ip: '2001:db8:7::99', port: 80 },
  { ip: '2001:db8:8::1', port: 80 },
];

export const wireDevices: readonly WireDevice[] = [
  { ip: '192.0.2.10', port: 80, transport: 'tcp', behaviour: 'http-302', leadsTo: 'http://192.0.2.70/' },
  { ip: '192.0.2.11', port: 80, transport: 'tcp', behaviour: 'http-302', leadsTo: 'http://198.51.100.7/' },
  { ip: '192.0.2.12', port: 80, transport: 'tcp', behaviour: 'http-meta-refresh', leadsTo: 'http://192.0.2.130/admin' },
  { ip: '192.0.2.13', port: 443, transport: 'tcp', behaviour: 'https-302', leadsTo: 'https://192.0.2.71/' },
  { ip: '192.0.2.14', port: 1900, transport: 'udp', behaviour: 'ssdp-location', leadsTo: 'http://192.0.2.72:49152/rootDesc.xml' },
  { ip: '192.0.2.15', port: 1900, transport: 'udp', behaviour: 'ssdp-location', leadsTo: 'http://198.51.100.9:80/desc.xml' },
  { ip: '192.0.2.16', port: 554, transport: 'tcp', behaviour: 'rtsp-302', leadsTo: 'rtsp://192.0.2.73/live' },
  { ip: '2001:db8:7::10', port: 80, transport: 'tcp', behaviour: 'http-302', leadsTo: 'http://[2001:db8:7::99]/' },
  { ip: '2001:db8:7::11', port: 80, transport: 'tcp', behaviour: 'http-302', leadsTo: 'http://[2001:db8:8::1]/' },
  // The owner opted out: nothing may reach it, though it is in the plan's range and the hit list.
  { ip: '192.0.2.50', port: 80, transport: 'tcp', behaviour: 'plain-http' },
];
