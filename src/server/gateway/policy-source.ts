/**
 * The policy one gateway gets: the approved C&C indicators (signed when the server has a key),
 * and the open findings of the calling ISP at addresses inside the networks the gateway names.
 * Scoped twice: by the token's ISP (the store only returns that ISP's findings) and by the
 * networks, so a gateway learns nothing about the rest of the ISP's customers it need not know.
 */
import { canonicalIndicators } from '../../blocklist/indicator-list.ts';
import type { BlocklistSigner } from '../../blocklist/signing.ts';
import { OpenNoticeError } from '../../core/errors.ts';
import {
  type GatewayPolicy,
  gatewayPolicyFormat,
  indicatorsText,
  policyVersion,
  type QuarantinedDevice,
  type QuarantineFinding,
  type UpdateEndpoint,
} from '../../gateway/policy.ts';
import { shippedProtocols } from '../../protocols/registry.ts';
import { AddressSpace, parseAnyCidr } from '../../scope/address-space.ts';
import { formatIPv4 } from '../../scope/ipv4.ts';
import type { CncCandidateStore } from '../../store/roles/cnc-candidates.ts';
import type { HelpDeskStore } from '../../store/roles/help-desk.ts';
import type { IspPortalStore, PortalFindingRow } from '../../store/roles/isp-portal.ts';

/** The store roles the gateway API reads. */
export type GatewayPolicyStore = IspPortalStore & HelpDeskStore & CncCandidateStore;

/** What the server adds to every policy. */
export interface GatewayPolicyOptions {
  /** Signs the blocklist bytes (`opennotice serve --blocklist-sign-key`). */
  signer?: BlocklistSigner;
  /** Vendor update endpoints quarantined devices may reach (`--gateway-update-path FILE`). */
  updatePath?: readonly UpdateEndpoint[];
}

export const gatewayPolicyLimits = {
  /** Networks one gateway may name. */
  maxNetworks: 16,
  /** Up to this many IPv4 addresses in all, each address is looked up by index (findings_by_ip). */
  maxAddressesLookedUpOneByOne: 256,
  /** Address lookups in flight at once. */
  concurrentLookups: 8,
  /** Beyond that, the ISP's open findings are read page by page, at most this many. */
  maxOpenFindingsScanned: 100_000,
  pageSize: 1000,
  /** Findings per address that one device's walled-garden page names. */
  maxFindingsPerDevice: 20,
};

/**
 * The networks a gateway asked for, canonical; a bad or excessive list is a USAGE error (answered 400).
 * @example parseGatewayNetworks(['198.18.165.0/24']) // ['198.18.165.0/24']
 */
export function parseGatewayNetworks(texts: readonly string[]): string[] {
  if (texts.length === 0) throw new OpenNoticeError('USAGE', "name the gateway's networks: ?network=CIDR (repeatable)");
  if (texts.length > gatewayPolicyLimits.maxNetworks) throw new OpenNoticeError('USAGE', `at most ${gatewayPolicyLimits.maxNetworks} networks`);
  return [...new Set(texts.map((text) => parseAnyCidr(text).text))];
}

/** Every IPv4 address of the networks when there are few enough, else undefined (scan by ISP instead). */
function fewAddresses(networks: readonly string[]): string[] | undefined {
  const space = AddressSpace.fromCidrs(networks);
  if (space.v6.ranges.length > 0) return undefined;
  const addresses: string[] = [];
  for (const range of space.v4.ranges) {
    if (addresses.length + (range.last - range.first + 1) > gatewayPolicyLimits.maxAddressesLookedUpOneByOne) return undefined;
    for (let value = range.first; value <= range.last; value++) addresses.push(formatIPv4(value));
  }
  return addresses;
}

async function openFindingsIn(store: GatewayPolicyStore, ispId: string, networks: readonly string[]): Promise<PortalFindingRow[]> {
  const addresses = fewAddresses(networks);
  if (addresses) {
    // A few lookups at a time: a /24 must not take every connection of the PostgreSQL pool.
    const found: PortalFindingRow[] = [];
    for (let start = 0; start < addresses.length; start += gatewayPolicyLimits.concurrentLookups) {
      const batch = addresses.slice(start, start + gatewayPolicyLimits.concurrentLookups);
      const rows = await Promise.all(batch.map((ip) => store.listIspFindingsAtAddress(ispId, ip, gatewayPolicyLimits.maxFindingsPerDevice * 4)));
      found.push(...rows.flat().filter((row) => row.status === 'open'));
    }
    return found;
  }
  const space = AddressSpace.fromCidrs(networks);
  const found: PortalFindingRow[] = [];
  let beforeId: number | undefined;
  for (let scanned = 0; scanned < gatewayPolicyLimits.maxOpenFindingsScanned; scanned += gatewayPolicyLimits.pageSize) {
    const page = await store.listIspFindings({ ispId, status: 'open', limit: gatewayPolicyLimits.pageSize, ...(beforeId ? { beforeId } : {}) });
    found.push(...page.filter((row) => space.has(row.ip)));
    if (page.length < gatewayPolicyLimits.pageSize) return found;
    beforeId = page.at(-1)!.id;
  }
  throw new OpenNoticeError('STORE_FAILED', `more than ${gatewayPolicyLimits.maxOpenFindingsScanned} open findings to scan: name smaller networks`, { ispId });
}

/** A finding's transport from its protocol (TLS runs over TCP); a protocol not shipped is taken as TCP. */
function transportOf(protocol: string): 'tcp' | 'udp' {
  return shippedProtocols.byName(protocol)?.transport === 'udp' ? 'udp' : 'tcp';
}

function quarantineOf(rows: readonly PortalFindingRow[]): QuarantinedDevice[] {
  const byIp = new Map<string, QuarantineFinding[]>();
  for (const row of [...rows].sort((a, b) => a.id - b.id)) {
    const findings = byIp.get(row.ip) ?? [];
    if (findings.length >= gatewayPolicyLimits.maxFindingsPerDevice) continue;
    const finding: QuarantineFinding = { id: row.id, kind: row.kind, firstSeen: row.firstSeen };
    // Port 0: a finding of no service (a device seen infected at the darknet), which no forward explains.
    if (row.port >= 1 && row.port <= 65535) Object.assign(finding, { port: row.port, transport: transportOf(row.protocol) });
    if (row.deviceType !== undefined) finding.deviceType = row.deviceType;
    if (row.vendor !== undefined) finding.vendor = row.vendor;
    if (row.model !== undefined) finding.model = row.model;
    findings.push(finding);
    byIp.set(row.ip, findings);
  }
  return [...byIp.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([ip, findings]) => ({ ip, findings }));
}

/**
 * @example const policy = await buildGatewayPolicy(store, { ispId: 'sakura', networks: ['198.18.165.0/24'], now: new Date() }, {})
 */
export async function buildGatewayPolicy(
  store: GatewayPolicyStore,
  request: { ispId: string; networks: readonly string[]; now: Date },
  options: GatewayPolicyOptions,
): Promise<GatewayPolicy> {
  const [indicators, rows] = await Promise.all([store.listApprovedIndicators(), openFindingsIn(store, request.ispId, request.networks)]);
  // The canonical order, as `blocklist export --from-store` writes indicators.json: the same approvals, the same bytes.
  const indicatorsJson = indicatorsText(canonicalIndicators(indicators, 'approved C&C candidates'));
  const quarantine = quarantineOf(rows);
  const updatePath = [...(options.updatePath ?? [])];
  const signature = options.signer?.sign(Buffer.from(indicatorsJson));
  return {
    format: gatewayPolicyFormat,
    version: policyVersion(indicatorsJson, quarantine, updatePath),
    generatedAt: request.now.toISOString(),
    ispId: request.ispId,
    networks: [...request.networks],
    blocklist: signature === undefined ? { indicatorsJson } : { indicatorsJson, signature },
    quarantine,
    updatePath,
  };
}
