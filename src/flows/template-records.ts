/**
 * Data records of NetFlow v9 and IPFIX read through a template into flow columns. The two share
 * their information element numbers for everything a flow needs (IPFIX took them from v9), so
 * one reader serves both; IPFIX alone has variable-length fields and enterprise elements.
 * Values are read at the offsets the template's layout gives (record-layout.ts); records of a
 * template without variable-length fields take the column-by-column fast path (fixed-records.ts).
 */
import { readU16, readU32, readUnsigned } from './bytes.ts';
import type { DecodeCounters } from './decode-counters.ts';
import { type FlowColumns, NO_TCP_FLAGS } from './flow-columns.ts';
import { writeFixedRecords } from './fixed-records.ts';
import { clearLayout, element, emptyLayout, placeField, role, SLOTS_PER_ROLE, VARIABLE_LENGTH } from './record-layout.ts';
import type { FlowTemplate, TemplateField } from './template-cache.ts';

/** How record times become epoch milliseconds. */
export interface RecordClock {
  /** Epoch ms when the exporter booted, when known: uptime-relative times (21/22) count from it. */
  bootMs: number | undefined;
  /** The message's export time: the fallback for records that carry no time at all. */
  exportMs: number;
}

/** Length of the field at `offset` and where its value starts (variable-length fields carry their own). */
function fieldExtent(bytes: Uint8Array, offset: number, end: number, field: TemplateField): { start: number; length: number } | undefined {
  if (field.length !== VARIABLE_LENGTH) return offset + field.length <= end ? { start: offset, length: field.length } : undefined;
  if (offset >= end) return undefined;
  const short = bytes[offset]!;
  // RFC 7011 §7: 255 announces a 2-byte length after it.
  const extent = short < 255 ? { start: offset + 1, length: short } : offset + 3 <= end ? { start: offset + 3, length: readU16(bytes, offset + 1) } : undefined;
  return extent && extent.start + extent.length <= end ? extent : undefined;
}

/** The unsigned value of `length` bytes at `at`; the common widths without the byte loop (this runs a dozen times per flow). */
function readField(bytes: Uint8Array, at: number, length: number): number {
  switch (length) {
    case 1:
      return bytes[at]!;
    case 2:
      return (bytes[at]! << 8) | bytes[at + 1]!;
    case 4:
      return readU32(bytes, at);
    default:
      return readUnsigned(bytes, at, length);
  }
}

function writeAddress(bytes: Uint8Array, at: number, length: number, words: Uint32Array, index: number): void {
  const word = index * 4;
  if (length === 4) {
    words[word] = readU32(bytes, at);
    words[word + 1] = 0;
    words[word + 2] = 0;
    words[word + 3] = 0;
    return;
  }
  for (let part = 0; part < 4; part++) words[word + part] = readU32(bytes, at + part * 4);
}

/**
 * The records of `recordLength` bytes from `start` to `end`, all laid out as `layout` says,
 * appended to `columns`. The layout's slots are read once into locals, so the per-record work is
 * the reads themselves. Returns how many records lacked a source or destination (none added).
 */
function writeRecords(
  bytes: Uint8Array,
  start: number,
  end: number,
  recordLength: number,
  layout: Int32Array,
  clock: RecordClock,
  columns: FlowColumns,
): number {
  const records = Math.floor((end - start) / recordLength);
  const slot = (which: number, part: number) => layout[which * SLOTS_PER_ROLE + part]!;
  const sourceAt = slot(role.source, 0);
  const destinationAt = slot(role.destination, 0);
  if (sourceAt < 0 || destinationAt < 0) return records;
  const sourceLength = slot(role.source, 1);
  const destinationLength = slot(role.destination, 1);
  const sourcePortAt = slot(role.sourcePort, 0);
  const sourcePortLength = slot(role.sourcePort, 1);
  const destinationPortAt = slot(role.destinationPort, 0);
  const destinationPortLength = slot(role.destinationPort, 1);
  const protocolAt = slot(role.protocol, 0);
  const protocolLength = slot(role.protocol, 1);
  const flagsAt = slot(role.tcpFlags, 0);
  const flagsLength = slot(role.tcpFlags, 1);
  const packetsAt = slot(role.packets, 0);
  const packetsLength = slot(role.packets, 1);
  const octetsAt = slot(role.octets, 0);
  const octetsLength = slot(role.octets, 1);
  const bootAt = slot(role.bootTime, 0);
  const bootLength = slot(role.bootTime, 1);
  const startAt = slot(role.startAbsolute, 0);
  const startLength = slot(role.startAbsolute, 1);
  const startScale = slot(role.startAbsolute, 2);
  const endAt = slot(role.endAbsolute, 0);
  const endLength = slot(role.endAbsolute, 1);
  const endScale = slot(role.endAbsolute, 2);
  const startUptimeAt = slot(role.startUptime, 0);
  const startUptimeLength = slot(role.startUptime, 1);
  const endUptimeAt = slot(role.endUptime, 0);
  const endUptimeLength = slot(role.endUptime, 1);
  // NaN stands for "not known" below: no time read from a record is NaN.
  const clockBootMs = clock.bootMs ?? Number.NaN;
  const exportMs = clock.exportMs;
  const first = columns.reserve(records);
  const { sourceFamily, destinationFamily, sourceWords, destinationWords, sourcePort, destinationPort, protocol, tcpFlags, packets, startMs, endMs } = columns;
  const octets = columns.bytes;
  for (let record = 0; record < records; record++) {
    const base = start + record * recordLength;
    const index = first + record;
    sourceFamily[index] = sourceLength === 4 ? 4 : 6;
    destinationFamily[index] = destinationLength === 4 ? 4 : 6;
    writeAddress(bytes, base + sourceAt, sourceLength, sourceWords, index);
    writeAddress(bytes, base + destinationAt, destinationLength, destinationWords, index);
    // Typed arrays keep the element's own width: an oversized port or protocol field keeps its low bits.
    sourcePort[index] = sourcePortAt < 0 ? 0 : readField(bytes, base + sourcePortAt, sourcePortLength);
    destinationPort[index] = destinationPortAt < 0 ? 0 : readField(bytes, base + destinationPortAt, destinationPortLength);
    protocol[index] = protocolAt < 0 ? 0 : readField(bytes, base + protocolAt, protocolLength);
    tcpFlags[index] = flagsAt < 0 ? NO_TCP_FLAGS : readField(bytes, base + flagsAt, flagsLength) & 0xff;
    packets[index] = packetsAt < 0 ? 0 : readField(bytes, base + packetsAt, packetsLength);
    octets[index] = octetsAt < 0 ? 0 : readField(bytes, base + octetsAt, octetsLength);
    const bootMs = bootAt < 0 ? clockBootMs : readField(bytes, base + bootAt, bootLength);
    let flowStart = startAt < 0 ? Number.NaN : readField(bytes, base + startAt, startLength) * startScale;
    let flowEnd = endAt < 0 ? Number.NaN : readField(bytes, base + endAt, endLength) * endScale;
    if (Number.isNaN(flowStart) && startUptimeAt >= 0) flowStart = bootMs + readField(bytes, base + startUptimeAt, startUptimeLength);
    if (Number.isNaN(flowEnd) && endUptimeAt >= 0) flowEnd = bootMs + readField(bytes, base + endUptimeAt, endUptimeLength);
    startMs[index] = Number.isNaN(flowStart) ? (Number.isNaN(flowEnd) ? exportMs : flowEnd) : flowStart;
    endMs[index] = Number.isNaN(flowEnd) ? (Number.isNaN(flowStart) ? exportMs : flowStart) : flowEnd;
  }
  return 0;
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
 * Every data record of one v9 flowset or IPFIX set with its template, appended to `columns`:
 * records run until fewer bytes remain than the shortest record (the rest is padding); a cut
 * record ends the set, one without the fields a flow needs is counted and skipped.
 */
export function readDataRecords(
  bytes: Uint8Array,
  start: number,
  end: number,
  template: FlowTemplate,
  clock: RecordClock,
  counters: DecodeCounters,
  columns: FlowColumns,
): void {
  const before = columns.count;
  const fixed = template.layout;
  if (fixed) {
    // Every record has the same length, so none can be cut short: the count bounds them.
    const records = Math.floor((end - start) / template.minRecordLength);
    if (fixed[role.source * SLOTS_PER_ROLE]! < 0 || fixed[role.destination * SLOTS_PER_ROLE]! < 0) counters.malformed['missing-fields'] += records;
    else writeFixedRecords(bytes, start, records, template.minRecordLength, fixed, clock.bootMs ?? Number.NaN, clock.exportMs, columns);
  } else readVariableRecords(bytes, start, end, template, clock, counters, columns);
  counters.records += columns.count - before;
}

function readVariableRecords(
  bytes: Uint8Array,
  start: number,
  end: number,
  template: FlowTemplate,
  clock: RecordClock,
  counters: DecodeCounters,
  columns: FlowColumns,
): void {
  const layout = emptyLayout();
  let at = start;
  while (end - at >= template.minRecordLength) {
    const base = at;
    clearLayout(layout);
    for (const field of template.fields) {
      const extent = fieldExtent(bytes, at, end, field);
      if (!extent) {
        counters.malformed['truncated-record']++;
        return;
      }
      placeField(layout, field, extent.start - base, extent.length);
      at = extent.start + extent.length;
    }
    counters.malformed['missing-fields'] += writeRecords(bytes, base, at, at - base, layout, clock, columns);
  }
}
