/**
 * Data records of NetFlow v9 and IPFIX read through a template into FlowRecords. The two share
 * their information element numbers for everything a flow needs (IPFIX took them from v9), so
 * one reader serves both; IPFIX alone has variable-length fields and enterprise elements.
 */
import type { FlowRecord } from './flow-record.ts';
import { formatIPv4, formatIPv6 } from '../darknet/capture/address.ts';
import { readU16, readU32, readUnsigned } from './bytes.ts';
import type { DecodeCounters } from './decode-counters.ts';
import type { FlowTemplate, TemplateField } from './template-cache.ts';

/** The information elements read (IANA IPFIX registry numbers, the same as NetFlow v9's field types). */
const element = {
  octetDeltaCount: 1,
  packetDeltaCount: 2,
  protocolIdentifier: 4,
  tcpControlBits: 6,
  sourceTransportPort: 7,
  sourceIPv4Address: 8,
  destinationTransportPort: 11,
  destinationIPv4Address: 12,
  flowEndSysUpTime: 21,
  flowStartSysUpTime: 22,
  sourceIPv6Address: 27,
  destinationIPv6Address: 28,
  octetTotalCount: 85,
  packetTotalCount: 86,
  flowStartSeconds: 150,
  flowEndSeconds: 151,
  flowStartMilliseconds: 152,
  flowEndMilliseconds: 153,
  systemInitTimeMilliseconds: 160,
} as const;

export const VARIABLE_LENGTH = 65535;

/** How record times become epoch milliseconds. */
export interface RecordClock {
  /** Epoch ms when the exporter booted, when known: uptime-relative times (21/22) count from it. */
  bootMs: number | undefined;
  /** The message's export time: the fallback for records that carry no time at all. */
  exportMs: number;
}

export type RecordResult = { kind: 'flow'; record: FlowRecord; next: number } | { kind: 'incomplete'; next: number } | { kind: 'truncated' };

/** Length of the field at `offset` and where its value starts (variable-length fields carry their own). */
function fieldExtent(bytes: Uint8Array, offset: number, end: number, field: TemplateField): { start: number; length: number } | undefined {
  if (field.length !== VARIABLE_LENGTH) return offset + field.length <= end ? { start: offset, length: field.length } : undefined;
  if (offset >= end) return undefined;
  const short = bytes[offset]!;
  // RFC 7011 §7: 255 announces a 2-byte length after it.
  const extent = short < 255 ? { start: offset + 1, length: short } : offset + 3 <= end ? { start: offset + 3, length: readU16(bytes, offset + 1) } : undefined;
  return extent && extent.start + extent.length <= end ? extent : undefined;
}

/** The record at `offset` within `[offset, end)`; 'incomplete' when it lacks the fields a flow needs. */
export function readTemplateRecord(bytes: Uint8Array, offset: number, end: number, template: FlowTemplate, exporter: string, clock: RecordClock): RecordResult {
  let source: string | undefined;
  let destination: string | undefined;
  let sourcePort = 0;
  let destinationPort = 0;
  let protocol = 0;
  let packets: number | undefined;
  let octets: number | undefined;
  let tcpFlags: number | undefined;
  let startUptime: number | undefined;
  let endUptime: number | undefined;
  let startMs: number | undefined;
  let endMs: number | undefined;
  let bootMs = clock.bootMs;
  let at = offset;
  for (const field of template.fields) {
    const extent = fieldExtent(bytes, at, end, field);
    if (!extent) return { kind: 'truncated' };
    at = extent.start + extent.length;
    if (field.enterprise !== undefined) continue;
    const { start, length } = extent;
    switch (field.id) {
      case element.sourceIPv4Address:
        if (length === 4) source = formatIPv4(readU32(bytes, start));
        break;
      case element.destinationIPv4Address:
        if (length === 4) destination = formatIPv4(readU32(bytes, start));
        break;
      case element.sourceIPv6Address:
        if (length === 16) source = formatIPv6(bytes, start);
        break;
      case element.destinationIPv6Address:
        if (length === 16) destination = formatIPv6(bytes, start);
        break;
      case element.sourceTransportPort:
        sourcePort = readUnsigned(bytes, start, length);
        break;
      case element.destinationTransportPort:
        destinationPort = readUnsigned(bytes, start, length);
        break;
      case element.protocolIdentifier:
        protocol = readUnsigned(bytes, start, length);
        break;
      case element.tcpControlBits:
        tcpFlags = readUnsigned(bytes, start, length) & 0xff;
        break;
      case element.octetDeltaCount:
        octets = readUnsigned(bytes, start, length);
        break;
      case element.octetTotalCount:
        octets ??= readUnsigned(bytes, start, length);
        break;
      case element.packetDeltaCount:
        packets = readUnsigned(bytes, start, length);
        break;
      case element.packetTotalCount:
        packets ??= readUnsigned(bytes, start, length);
        break;
      case element.flowStartSysUpTime:
        startUptime = readUnsigned(bytes, start, length);
        break;
      case element.flowEndSysUpTime:
        endUptime = readUnsigned(bytes, start, length);
        break;
      case element.flowStartSeconds:
        startMs = readUnsigned(bytes, start, length) * 1000;
        break;
      case element.flowEndSeconds:
        endMs = readUnsigned(bytes, start, length) * 1000;
        break;
      case element.flowStartMilliseconds:
        startMs = readUnsigned(bytes, start, length);
        break;
      case element.flowEndMilliseconds:
        endMs = readUnsigned(bytes, start, length);
        break;
      case element.systemInitTimeMilliseconds:
        bootMs = readUnsigned(bytes, start, length);
        break;
    }
  }
  if (source === undefined || destination === undefined) return { kind: 'incomplete', next: at };
  if (startMs === undefined && startUptime !== undefined && bootMs !== undefined) startMs = bootMs + startUptime;
  if (endMs === undefined && endUptime !== undefined && bootMs !== undefined) endMs = bootMs + endUptime;
  const record: FlowRecord = {
    exporter,
    sourceAddress: source,
    destinationAddress: destination,
    sourcePort,
    destinationPort,
    protocol,
    packets: packets ?? 0,
    bytes: octets ?? 0,
    startMs: startMs ?? endMs ?? clock.exportMs,
    endMs: endMs ?? startMs ?? clock.exportMs,
    ...(tcpFlags !== undefined ? { tcpFlags } : {}),
  };
  return { kind: 'flow', record, next: at };
}

/** The boot time an options record announces (systemInitTimeMilliseconds), if it does. */
export function readSystemInitTime(
  bytes: Uint8Array,
  offset: number,
  end: number,
  template: FlowTemplate,
): { bootMs: number | undefined; next: number } | undefined {
  let at = offset;
  let bootMs: number | undefined;
  for (const field of template.fields) {
    const extent = fieldExtent(bytes, at, end, field);
    if (!extent) return undefined;
    if (field.enterprise === undefined && field.id === element.systemInitTimeMilliseconds) bootMs = readUnsigned(bytes, extent.start, extent.length);
    at = extent.start + extent.length;
  }
  return { bootMs, next: at };
}

/**
 * Every data record of one v9 flowset or IPFIX set with its template: records run until fewer
 * bytes remain than the shortest record (the rest is padding); a cut record ends the set, one
 * without the fields a flow needs is counted and skipped.
 */
export function readDataRecords(
  bytes: Uint8Array,
  start: number,
  end: number,
  template: FlowTemplate,
  exporter: string,
  clock: RecordClock,
  counters: DecodeCounters,
  out: FlowRecord[],
): void {
  let at = start;
  while (end - at >= template.minRecordLength) {
    const result = readTemplateRecord(bytes, at, end, template, exporter, clock);
    if (result.kind === 'truncated') {
      counters.malformed['truncated-record']++;
      return;
    }
    if (result.kind === 'flow') {
      out.push(result.record);
      counters.records++;
    } else counters.malformed['missing-fields']++;
    at = result.next;
  }
}
