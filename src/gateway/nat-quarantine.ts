/**
 * Quarantine behind NAT (pure). The policy names devices by the address the survey reached;
 * behind NAT that is the router's own WAN address, with the port of a port forward. Each such
 * finding is moved to the device the forward leads to, so the rules and the notice page act on
 * the device, not on the router. A finding at a WAN port nothing forwards is the router's own
 * service: it cannot be quarantined from the router itself and is returned for the log.
 */
import type { QuarantinedDevice, QuarantineFinding } from './policy.ts';
import { forwardFor, type PortForward } from './port-forwards.ts';

/** A finding moved from the WAN address to a device. */
export interface ForwardedFinding {
  findingId: number;
  wanAddress: string;
  port: number;
  transport: 'tcp' | 'udp';
  lanAddress: string;
  origin: string;
}

/** A finding at the WAN address that no forward explains (the router's own service, or a forward since removed). */
export interface FindingOnGateway {
  findingId: number;
  wanAddress: string;
  /** Absent when the server sent no port (an older server). */
  port?: number;
  transport?: 'tcp' | 'udp';
}

export interface NatQuarantine {
  quarantine: QuarantinedDevice[];
  forwarded: ForwardedFinding[];
  onGateway: FindingOnGateway[];
}

/**
 * @example quarantineBehindNat(policy.quarantine, ['203.0.113.9'], [parsePortForwardOption('554=192.168.1.10')]).quarantine
 */
export function quarantineBehindNat(
  quarantine: readonly QuarantinedDevice[],
  wanAddresses: readonly string[],
  forwards: readonly PortForward[],
): NatQuarantine {
  const wan = new Set(wanAddresses);
  const byDevice = new Map<string, QuarantineFinding[]>();
  const forwarded: ForwardedFinding[] = [];
  const onGateway: FindingOnGateway[] = [];
  const add = (ip: string, finding: QuarantineFinding) => {
    const findings = byDevice.get(ip) ?? [];
    if (!findings.some((known) => known.id === finding.id)) findings.push(finding);
    byDevice.set(ip, findings);
  };
  for (const device of quarantine) {
    if (!wan.has(device.ip)) {
      for (const finding of device.findings) add(device.ip, finding);
      continue;
    }
    for (const finding of device.findings) {
      const transport = finding.transport ?? 'tcp';
      const forward = finding.port === undefined ? undefined : forwardFor(forwards, device.ip, transport, finding.port);
      if (forward === undefined || finding.port === undefined) {
        onGateway.push({ findingId: finding.id, wanAddress: device.ip, ...(finding.port === undefined ? {} : { port: finding.port, transport }) });
        continue;
      }
      // The device's own port: a forward to one port sends every public port of it there (nft and iptables alike).
      const devicePort = forward.lanPort ?? finding.port;
      add(forward.lanAddress, { ...finding, port: devicePort, transport });
      forwarded.push({ findingId: finding.id, wanAddress: device.ip, port: finding.port, transport, lanAddress: forward.lanAddress, origin: forward.origin });
    }
  }
  const mapped = [...byDevice.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([ip, findings]) => ({ ip, findings: findings.sort((a, b) => a.id - b.id) }));
  return { quarantine: mapped, forwarded, onGateway };
}
