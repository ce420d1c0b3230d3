/**
 * Data records of NetFlow v9 and IPFIX read through a template into flow columns. The two share
 * their information element numbers for everything a flow needs (IPFIX took them from v9), so
 * one reader serves both; IPFIX alone has variable-length fields and enterprise elements.
 * Values are read at the offsets the template's layout gives (record-layout.ts).
 */
import { readU16, readU32, readUnsigned } from './bytes.ts';
import type { DecodeCounters } from './decode-counters.ts';
import { type FlowColumns, NO_TCP_FLAGS } from './flow-columns.ts';
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

/** The unsigned value of `role` in the record at `base`, or `absent` when the layout has none. */
function roleValue(bytes: Uint8Array, base: number, layout: Int32Array, which: number, absent: number): number {
  const slot = which * SLOTS_PER_ROLE;
  const offset = layout[slot]!;
  if (offset < 0) return absent;
  const at = base + offset;
  // The common widths without the byte loop: this runs a dozen times per flow.
  switch (layout[slot + 1]) {
    case 1:
      return bytes[at]!;
    case 2:
      return readU16(bytes, at);
    case 4:
      return readU32(bytes, at);
    default:
      return readUnsigned(bytes, at, layout[slot + 1]!);
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
 * The record at `base` as one more flow in `columns`; false (nothing added) when it lacks a
 * source or destination address.
 */
function writeRecord(bytes: Uint8Array, base: number, layout: Int32Array, clock: RecordClock, columns: FlowColumns): boolean {
  const sourceAt = layout[role.source * SLOTS_PER_ROLE]!;
  const destinationAt = layout[role.destination * SLOTS_PER_ROLE]!;
  if (sourceAt < 0 || destinationAt < 0) return false;
  const index = columns.claim();
  const sourceLength = layout[role.source * SLOTS_PER_ROLE + 1]!;
  const destinationLength = layout[role.destination * SLOTS_PER_ROLE + 1]!;
  columns.sourceFamily[index] = sourceLength === 4 ? 4 : 6;
  columns.destinationFamily[index] = destinationLength === 4 ? 4 : 6;
  writeAddress(bytes, base + sourceAt, sourceLength, columns.sourceWords, index);
  writeAddress(bytes, base + destinationAt, destinationLength, columns.destinationWords, index);
  // Typed arrays keep the element's own width: an oversized port or protocol field keeps its low bits.
  columns.sourcePort[index] = roleValue(bytes, base, layout, role.sourcePort, 0);
  columns.destinationPort[index] = roleValue(bytes, base, layout, role.destinationPort, 0);
  columns.protocol[index] = roleValue(bytes, base, layout, role.protocol, 0);
  const flags = roleValue(bytes, base, layout, role.tcpFlags, -1);
  columns.tcpFlags[index] = flags < 0 ? NO_TCP_FLAGS : flags & 0xff;
  columns.packets[index] = roleValue(bytes, base, layout, role.packets, 0);
  columns.bytes[index] = roleValue(bytes, base, layout, role.octets, 0);
  // NaN stands for "not in the record" below: no time is ever NaN.
  const bootMs = roleValue(bytes, base, layout, role.bootTime, clock.bootMs ?? Number.NaN);
  let startMs = roleValue(bytes, base, layout, role.startAbsolute, Number.NaN) * (layout[role.startAbsolute * SLOTS_PER_ROLE + 2] ?? 1);
  let endMs = roleValue(bytes, base, layout, role.endAbsolute, Number.NaN) * (layout[role.endAbsolute * SLOTS_PER_ROLE + 2] ?? 1);
  if (Number.isNaN(startMs)) startMs = bootMs + roleValue(bytes, base, layout, role.startUptime, Number.NaN);
  if (Number.isNaN(endMs)) endMs = bootMs + roleValue(bytes, base, layout, role.endUptime, Number.NaN);
  columns.startMs[index] = Number.isNaN(startMs) ? (Number.isNaN(endMs) ? clock.exportMs : endMs) : startMs;
  columns.endMs[index] = Number.isNaN(endMs) ? (Number.isNaN(startMs) ? clock.exportMs : startMs) : endMs;
  return true;
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
    // Every record has the same length, so none can be cut short: the loop bound checks it.
    const length = template.minRecordLength;
    for (let at = start; end - at >= length; at += length) {
      if (!writeRecord(bytes, at, fixed, clock, columns)) counters.malformed['missing-fields']++;
    }
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
    if (!writeRecord(bytes, base, layout, clock, columns)) counters.malformed['missing-fields']++;
  }
}
