/**
 * The policy a secure gateway enforces, as the server sends it (`GET /api/v1/gateway/policy`)
 * and the gateway checks it: the approved C&C blocklist (its exact bytes, so a signature made
 * over them can be checked), the devices of the gateway's networks that have open findings,
 * and the vendor update endpoints quarantined devices may still reach. Both sides use these
 * types; the gateway validates every field before a byte of it reaches nft.
 */
import { createHash } from 'node:crypto';
import type { BlockIndicator } from '../blocklist/indicator.ts';
import { canonicalIndicators } from '../blocklist/indicator-list.ts';
import { findingKinds } from '../core/finding-kinds.ts';
import { OpenNoticeError } from '../core/errors.ts';
import type { FindingKind } from '../core/records.ts';
import { AddressSpace, parseAnyCidr } from '../scope/address-space.ts';
import { canonicalAddress } from '../scope/canonical-address.ts';

export const gatewayPolicyFormat = 'opennotice-gateway-policy/1';

/** What the walled garden may say about one open finding of a device: kind and device identity, no evidence, no credentials. */
export interface QuarantineFinding {
  id: number;
  kind: FindingKind;
  deviceType?: string;
  vendor?: string;
  model?: string;
  firstSeen: string;
  /**
   * The port the survey found it on and its transport: behind NAT the finding is at the
   * router's address, and the port says which port forward leads to the device. Absent in
   * policies of servers before this field (the gateway then maps nothing through NAT).
   */
  port?: number;
  transport?: 'tcp' | 'udp';
}

/** A device put in quarantine: its address and why. */
export interface QuarantinedDevice {
  ip: string;
  findings: QuarantineFinding[];
}

/**
 * A destination quarantined devices may still reach: a vendor's update server, by address
 * (`cidr`) or by name (`host`, resolved by the gateway every round, as the devices would).
 */
export type UpdateEndpoint = ({ cidr: string; host?: undefined } | { host: string; cidr?: undefined }) & {
  /** TCP/UDP port; absent = any port. */
  port?: number;
  /** Who it is, for the logs: "Hikvision firmware". */
  label: string;
};

/** An update endpoint by address: what the rules are written from. */
export interface UpdateAddress {
  /** Address or CIDR, canonical. */
  cidr: string;
  port?: number;
  label: string;
}

export interface GatewayPolicy {
  format: typeof gatewayPolicyFormat;
  /** SHA-256 over the blocklist, quarantine and update path: equal versions, equal rules. */
  version: string;
  generatedAt: string;
  ispId: string;
  /** The networks the gateway asked for (canonical CIDRs): every quarantined address is inside one. */
  networks: string[];
  blocklist: {
    /** The approved indicators as `opennotice blocklist export` writes indicators.json: these exact bytes are signed. */
    indicatorsJson: string;
    /** Ed25519 signature of indicatorsJson (base64), when the server has a signing key. */
    signature?: string;
  };
  quarantine: QuarantinedDevice[];
  updatePath: UpdateEndpoint[];
}

/**
 * The bytes a blocklist is published as (the same text as a version's indicators.json).
 * @example indicatorsText([]) // '[]\n'
 */
export function indicatorsText(indicators: readonly BlockIndicator[]): string {
  return `${JSON.stringify(indicators, null, 1)}\n`;
}

/**
 * The version of a policy's content.
 * @example policyVersion(policy.blocklist.indicatorsJson, policy.quarantine, policy.updatePath) // 'c0ffee…'
 */
export function policyVersion(indicatorsJson: string, quarantine: readonly QuarantinedDevice[], updatePath: readonly UpdateEndpoint[]): string {
  // Fields in a fixed order, so the version does not depend on how either side built its objects.
  const canonical = [
    indicatorsJson,
    quarantine.map((device) => [
      device.ip,
      device.findings.map((finding) => [
        finding.id,
        finding.kind,
        finding.firstSeen,
        finding.deviceType ?? null,
        finding.vendor ?? null,
        finding.model ?? null,
        // Appended only when present, so a policy saved before the field keeps its version.
        ...(finding.port === undefined ? [] : [finding.port, finding.transport ?? 'tcp']),
      ]),
    ]),
    updatePath.map((endpoint) => [endpoint.cidr ?? null, endpoint.host ?? null, endpoint.port ?? null, endpoint.label]),
  ];
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

/** A host name as the resolver takes it: lower-case labels of letters, digits and inner hyphens (a single label too: names from /etc/hosts). */
const hostNamePattern = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

const invalid = (why: string) => new OpenNoticeError('CONFIG_INVALID', `the gateway policy is invalid: ${why}`, { path: '/api/v1/gateway/policy' });

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function text(value: unknown, field: string, pattern = /^[^\u0000-\u001f\u007f]{1,200}$/): string {
  if (typeof value !== 'string' || !pattern.test(value)) throw invalid(`${field} is not a printable text`);
  return value;
}

function optionalText(value: unknown, field: string): string | undefined {
  return value === undefined || value === null ? undefined : text(value, field);
}

function canonicalCidr(value: unknown, field: string): string {
  const raw = text(value, field);
  const address = canonicalAddress(raw);
  if (address !== undefined) return address.includes(':') ? `${address}/128` : `${address}/32`;
  try {
    return parseAnyCidr(raw).text;
  } catch (error) {
    throw invalid(`${field}: ${(error as Error).message}`);
  }
}

function port(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) throw invalid(`${field} is not a port`);
  return value;
}

function quarantineFinding(value: unknown, field: string): QuarantineFinding {
  if (!isObject(value)) throw invalid(`${field} is not an object`);
  if (typeof value.id !== 'number' || !Number.isSafeInteger(value.id) || value.id < 1) throw invalid(`${field}.id is not a finding id`);
  if (!(findingKinds as readonly unknown[]).includes(value.kind)) throw invalid(`${field}.kind is not a finding kind`);
  const finding: QuarantineFinding = { id: value.id, kind: value.kind as FindingKind, firstSeen: text(value.firstSeen, `${field}.firstSeen`) };
  const deviceType = optionalText(value.deviceType, `${field}.deviceType`);
  const vendor = optionalText(value.vendor, `${field}.vendor`);
  const model = optionalText(value.model, `${field}.model`);
  if (deviceType !== undefined) finding.deviceType = deviceType;
  if (vendor !== undefined) finding.vendor = vendor;
  if (model !== undefined) finding.model = model;
  const findingPort = port(value.port, `${field}.port`);
  if (findingPort !== undefined) {
    finding.port = findingPort;
    if (value.transport !== undefined && value.transport !== 'tcp' && value.transport !== 'udp') throw invalid(`${field}.transport is not tcp or udp`);
    finding.transport = value.transport === 'udp' ? 'udp' : 'tcp';
  }
  return finding;
}

/**
 * One update endpoint checked ({ cidr | host, port?, label }), as the policy and the server's
 * `--gateway-update-path` file hold them; CONFIG_INVALID naming `where` otherwise.
 * @example updateEndpointOf({ host: 'update.vendor.example', port: 443, label: 'vendor firmware' }, 'update-path.json#0')
 */
export function updateEndpointOf(entry: unknown, where: string): UpdateEndpoint {
  if (!isObject(entry)) throw invalid(`${where} is not an object`);
  if ((entry.cidr === undefined) === (entry.host === undefined)) throw invalid(`${where} needs exactly one of cidr and host`);
  const endpointPort = port(entry.port, `${where}.port`);
  const label = text(entry.label, `${where}.label`);
  let endpoint: UpdateEndpoint;
  if (entry.host !== undefined) {
    if (typeof entry.host !== 'string' || !hostNamePattern.test(entry.host)) throw invalid(`${where}.host is not a lower-case host name`);
    endpoint = { host: entry.host, label };
  } else endpoint = { cidr: canonicalCidr(entry.cidr, `${where}.cidr`), label };
  if (endpointPort !== undefined) endpoint.port = endpointPort;
  return endpoint;
}

/**
 * Check a policy as received (parsed JSON) and return it typed: canonical addresses inside the
 * policy's networks, known finding kinds, valid indicators (canonicalIndicators), a version
 * that matches the content. Anything else is CONFIG_INVALID: the gateway keeps its last good policy.
 * @example const policy = parseGatewayPolicy(await response.json())
 */
export function parseGatewayPolicy(value: unknown): { policy: GatewayPolicy; indicators: BlockIndicator[] } {
  if (!isObject(value) || value.format !== gatewayPolicyFormat) throw invalid(`format is not ${gatewayPolicyFormat}`);
  if (!Array.isArray(value.networks) || !Array.isArray(value.quarantine) || !Array.isArray(value.updatePath) || !isObject(value.blocklist))
    throw invalid('networks, quarantine, updatePath or blocklist missing');
  const networks = value.networks.map((network, index) => canonicalCidr(network, `networks[${index}]`));
  const ownNetworks = AddressSpace.fromCidrs(networks);
  const indicatorsJson = value.blocklist.indicatorsJson;
  if (typeof indicatorsJson !== 'string') throw invalid('blocklist.indicatorsJson is not text');
  let parsedIndicators: unknown;
  try {
    parsedIndicators = JSON.parse(indicatorsJson);
  } catch (error) {
    throw invalid(`blocklist.indicatorsJson is not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsedIndicators)) throw invalid('blocklist.indicatorsJson is not an array');
  const indicators = canonicalIndicators(parsedIndicators as BlockIndicator[], 'gateway policy blocklist');
  const signature = value.blocklist.signature === undefined ? undefined : text(value.blocklist.signature, 'blocklist.signature', /^[A-Za-z0-9+/]{86}==\n?$/);
  const quarantine = value.quarantine.map((device, index): QuarantinedDevice => {
    if (!isObject(device) || !Array.isArray(device.findings)) throw invalid(`quarantine[${index}] is not a device`);
    const ip = canonicalAddress(text(device.ip, `quarantine[${index}].ip`));
    if (ip === undefined || ip !== device.ip) throw invalid(`quarantine[${index}].ip is not a canonical address`);
    // A server that answered for other networks is wrong: the gateway quarantines only its own.
    if (!ownNetworks.has(ip)) throw invalid(`quarantine[${index}].ip ${ip} is outside the gateway's networks`);
    return { ip, findings: device.findings.map((finding, at) => quarantineFinding(finding, `quarantine[${index}].findings[${at}]`)) };
  });
  const updatePath = value.updatePath.map((entry, index) => updateEndpointOf(entry, `updatePath[${index}]`));
  const version = policyVersion(indicatorsJson, quarantine, updatePath);
  if (value.version !== version) throw invalid('version does not match the content');
  const policy: GatewayPolicy = {
    format: gatewayPolicyFormat,
    version,
    generatedAt: text(value.generatedAt, 'generatedAt'),
    ispId: text(value.ispId, 'ispId'),
    networks,
    blocklist: signature === undefined ? { indicatorsJson } : { indicatorsJson, signature },
    quarantine,
    updatePath,
  };
  return { policy, indicators };
}
