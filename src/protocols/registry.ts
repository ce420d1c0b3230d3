/**
 * The one list of protocols opennotice ships. Everything that needs to know "which
 * protocols are there" derives from it: the ports surveyed by default, which protocol an
 * open port is taken to speak, the fields identification rules may read, which services
 * have a login to check, and the protocol tables in the docs (scripts/protocol-docs.ts).
 * Adding a protocol is one folder under src/protocols/ and one line in `shippedProtocols`.
 */
import { OpenNoticeError } from '../core/errors.ts';
import adb from './adb/index.ts';
import bacnet from './bacnet/index.ts';
import coap from './coap/index.ts';
import cwmp from './cwmp/index.ts';
import dns from './dns/index.ts';
import enip from './enip/index.ts';
import ftp from './ftp/index.ts';
import { http, https } from './http/index.ts';
import mdns from './mdns/index.ts';
import memcached from './memcached/index.ts';
import modbus from './modbus/index.ts';
import { fox, foxs } from './fox/index.ts';
import iec104 from './iec104/index.ts';
import { mqtt, mqtts } from './mqtt/index.ts';
import ntp from './ntp/index.ts';
import type { FieldTable, Protocol } from './protocol.ts';
import rtsp from './rtsp/index.ts';
import s7 from './s7/index.ts';
import ssdp from './ssdp/index.ts';
import snmp from './snmp/index.ts';
import ssh from './ssh/index.ts';
import telnet from './telnet/index.ts';
import ubiquiti from './ubiquiti/index.ts';
import upnp from './upnp/index.ts';
import wsd from './wsd/index.ts';

export interface ProtocolRegistry {
  /** In the order given: a port claimed by two protocols belongs to the first. */
  readonly protocols: readonly Protocol[];
  /** The TCP (or TLS) protocol an open TCP port is taken to speak (its default or other ports), if any. */
  forPort(port: number): Protocol | undefined;
  /** The UDP protocol whose request a UDP port is sent (its default or other ports), if any. */
  forUdpPort(port: number): Protocol | undefined;
  byName(name: string): Protocol | undefined;
  /** Every TCP and TLS protocol's default ports, ascending: what a survey dials when no ports are given. */
  readonly defaultSurveyPorts: readonly number[];
  /** Every UDP protocol's default ports, ascending. */
  readonly defaultUdpPorts: readonly number[];
  /** Each protocol's result fields that identification rules may read, by protocol name. */
  readonly fieldTables: ReadonlyMap<string, FieldTable>;
  /** Protocol → the other protocol whose rules also read its services (https → http); see `rulesOf`. */
  readonly ruleAliases: ReadonlyMap<string, string>;
}

/**
 * A registry over `protocols`. Names must be unique and lower-case; a port may be claimed by
 * one protocol only per transport family (TCP with TLS, or UDP), so that what an open port is
 * taken to speak never depends on chance; UDP 1900 (SSDP) and TCP 1900 (UPnP) are two ports.
 * @example createProtocolRegistry([...shippedProtocols.protocols, myProtocol]).forPort(4840)?.name // 'opc-ua'
 */
export function createProtocolRegistry(protocols: readonly Protocol[]): ProtocolRegistry {
  const byName = new Map<string, Protocol>();
  const byTcpPort = new Map<number, Protocol>();
  const byUdpPort = new Map<number, Protocol>();
  for (const protocol of protocols) {
    if (!/^[a-z][a-z0-9-]*$/.test(protocol.name))
      throw new OpenNoticeError('INTERNAL', `protocol name "${protocol.name}" must be lower-case letters, digits and "-"`);
    if (byName.has(protocol.name)) throw new OpenNoticeError('INTERNAL', `two protocols are named "${protocol.name}"`);
    if (protocol.rulesOf !== undefined && !protocols.some((other) => other.name === protocol.rulesOf && other !== protocol))
      throw new OpenNoticeError('INTERNAL', `${protocol.name} reads the rules of "${protocol.rulesOf}", which is not in the registry`);
    byName.set(protocol.name, protocol);
    const byPort = protocol.transport === 'udp' ? byUdpPort : byTcpPort;
    for (const port of [...protocol.defaultPorts, ...protocol.otherPorts]) {
      const owner = byPort.get(port);
      if (owner) throw new OpenNoticeError('INTERNAL', `port ${port} is claimed by both ${owner.name} and ${protocol.name}`);
      byPort.set(port, protocol);
    }
  }
  return {
    protocols,
    forPort: (port) => byTcpPort.get(port),
    forUdpPort: (port) => byUdpPort.get(port),
    byName: (name) => byName.get(name),
    defaultSurveyPorts: defaultPortsOf(protocols.filter((protocol) => protocol.transport !== 'udp')),
    defaultUdpPorts: defaultPortsOf(protocols.filter((protocol) => protocol.transport === 'udp')),
    fieldTables: new Map(protocols.map((protocol) => [protocol.name, protocol.fields])),
    ruleAliases: new Map(protocols.flatMap((protocol) => (protocol.rulesOf ? [[protocol.name, protocol.rulesOf] as const] : []))),
  };
}

function defaultPortsOf(protocols: readonly Protocol[]): number[] {
  return [...new Set(protocols.flatMap((protocol) => protocol.defaultPorts))].sort((a, b) => a - b);
}

/** The protocols opennotice ships, in the order they claim ports. */
export const shippedProtocols: ProtocolRegistry = createProtocolRegistry([
  telnet,
  http,
  ssh,
  ftp,
  https,
  mqtt,
  mqtts,
  rtsp,
  upnp,
  cwmp,
  adb,
  coap,
  ssdp,
  mdns,
  wsd,
  snmp,
  dns,
  memcached,
  ntp,
  ubiquiti,
  modbus,
  enip,
  bacnet,
  s7,
  iec104,
  fox,
  foxs,
]);
