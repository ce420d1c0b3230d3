/**
 * The fast path for data records of a template without variable-length fields (nearly every
 * NetFlow v9 and IPFIX export): all records of a set have one length and one layout, so each
 * column is filled by its own loop over the records — no per-record test of which fields the
 * template has, and the common widths (4-byte addresses and counters, 2-byte ports, 1-byte
 * protocol and flags) each get a straight loop. The result is exactly the per-record reader's
 * (template-records.ts), which the variable-length path keeps; a test holds them equal.
 */
import type { FlowColumns } from './flow-columns.ts';
import { NO_TCP_FLAGS } from './flow-columns.ts';
import { role, SLOTS_PER_ROLE } from './record-layout.ts';
import { readUnsigned } from './bytes.ts';

/**
 * Appends the `records` records of `recordLength` bytes from `start` to `columns`, as `layout`
 * places their values. The layout must have a source and a destination (the caller checks).
 * `bootMs` (epoch ms of the exporter's boot, NaN when unknown) and `exportMs` are the clock
 * (template-records.ts's RecordClock), passed as numbers: no object per set.
 * @example writeFixedRecords(datagram, 24, 30, 45, template.layout, bootMs, exportMs, columns)
 */
export function writeFixedRecords(
  bytes: Uint8Array,
  start: number,
  records: number,
  recordLength: number,
  layout: Int32Array,
  bootMs: number,
  exportMs: number,
  columns: FlowColumns,
): void {
  const first = columns.reserve(records);
  const sourceAt = layout[role.source * SLOTS_PER_ROLE]!;
  const destinationAt = layout[role.destination * SLOTS_PER_ROLE]!;
  readAddresses(bytes, start, records, recordLength, sourceAt, layout[role.source * SLOTS_PER_ROLE + 1]!, columns.sourceFamily, columns.sourceWords, first);
  readAddresses(
    bytes,
    start,
    records,
    recordLength,
    destinationAt,
    layout[role.destination * SLOTS_PER_ROLE + 1]!,
    columns.destinationFamily,
    columns.destinationWords,
    first,
  );
  // Typed arrays keep the element's own width: an oversized port or protocol field keeps its low bits.
  readField(bytes, start, records, recordLength, layout, role.sourcePort, columns.sourcePort, first);
  readField(bytes, start, records, recordLength, layout, role.destinationPort, columns.destinationPort, first);
  readField(bytes, start, records, recordLength, layout, role.protocol, columns.protocol, first);
  const flags = columns.tcpFlags;
  if (layout[role.tcpFlags * SLOTS_PER_ROLE]! < 0) flags.fill(NO_TCP_FLAGS, first, first + records);
  else {
    readField(bytes, start, records, recordLength, layout, role.tcpFlags, flags, first);
    // Flags are one byte: a wider field keeps its low eight bits.
    for (let index = first; index < first + records; index++) flags[index] = flags[index]! & 0xff;
  }
  readField(bytes, start, records, recordLength, layout, role.packets, columns.packets, first);
  readField(bytes, start, records, recordLength, layout, role.octets, columns.bytes, first);
  readTimes(bytes, start, records, recordLength, layout, role.startAbsolute, role.startUptime, bootMs, columns.startMs, first);
  readTimes(bytes, start, records, recordLength, layout, role.endAbsolute, role.endUptime, bootMs, columns.endMs, first);
  // A record with one time takes it for both; one with none takes the export time. Whether a
  // time is known is the same for every record of a fixed layout: the first one tells.
  const { startMs, endMs } = columns;
  if (records === 0 || (!Number.isNaN(startMs[first]!) && !Number.isNaN(endMs[first]!))) return;
  for (let index = first; index < first + records; index++) {
    const hasStart = !Number.isNaN(startMs[index]!);
    const hasEnd = !Number.isNaN(endMs[index]!);
    if (hasStart && hasEnd) continue;
    const flowStart = startMs[index]!;
    startMs[index] = hasStart ? flowStart : hasEnd ? endMs[index]! : exportMs;
    endMs[index] = hasEnd ? endMs[index]! : hasStart ? flowStart : exportMs;
  }
}

/** The column of one role's values (0 when the template lacks the field) into `out` from `first`. */
function readField(
  bytes: Uint8Array,
  start: number,
  records: number,
  recordLength: number,
  layout: Int32Array,
  which: number,
  out: NumberColumn,
  first: number,
): void {
  readCounts(bytes, start, records, recordLength, layout[which * SLOTS_PER_ROLE]!, layout[which * SLOTS_PER_ROLE + 1]!, out, first);
}

type NumberColumn = Float64Array | Uint16Array | Uint8Array | Int16Array;

/** One column of big-endian unsigned values of `length` bytes at `at` in each record (0 when `at` < 0) into `out` from `first`. */
function readCounts(
  bytes: Uint8Array,
  start: number,
  records: number,
  recordLength: number,
  at: number,
  length: number,
  out: NumberColumn,
  first: number,
): void {
  if (at < 0) {
    out.fill(0, first, first + records);
    return;
  }
  let offset = start + at;
  if (length === 4) {
    for (let record = 0; record < records; record++, offset += recordLength) {
      out[first + record] = ((bytes[offset]! << 24) >>> 0) + ((bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!);
    }
  } else if (length === 2) {
    for (let record = 0; record < records; record++, offset += recordLength) out[first + record] = (bytes[offset]! << 8) | bytes[offset + 1]!;
  } else if (length === 1) {
    for (let record = 0; record < records; record++, offset += recordLength) out[first + record] = bytes[offset]!;
  } else {
    for (let record = 0; record < records; record++, offset += recordLength) out[first + record] = readUnsigned(bytes, offset, length);
  }
}

/** Source or destination addresses: IPv4 in word 0 (the others 0), IPv6 in all four. */
function readAddresses(
  bytes: Uint8Array,
  start: number,
  records: number,
  recordLength: number,
  at: number,
  length: number,
  family: Uint8Array,
  words: Uint32Array,
  first: number,
): void {
  let offset = start + at;
  if (length === 4) {
    family.fill(4, first, first + records);
    for (let record = 0; record < records; record++, offset += recordLength) {
      const word = (first + record) * 4;
      words[word] = ((bytes[offset]! << 24) >>> 0) + ((bytes[offset + 1]! << 16) | (bytes[offset + 2]! << 8) | bytes[offset + 3]!);
      words[word + 1] = 0;
      words[word + 2] = 0;
      words[word + 3] = 0;
    }
    return;
  }
  family.fill(6, first, first + records);
  for (let record = 0; record < records; record++, offset += recordLength) {
    const word = (first + record) * 4;
    for (let part = 0; part < 4; part++) {
      const from = offset + part * 4;
      words[word + part] = ((bytes[from]! << 24) >>> 0) + ((bytes[from + 1]! << 16) | (bytes[from + 2]! << 8) | bytes[from + 3]!);
    }
  }
}

/**
 * Start or end times: the absolute field (seconds or milliseconds, scaled) when the template
 * has one, else boot time (the record's own, or the clock's) plus the uptime field; NaN when
 * neither is known (filled in afterwards).
 */
function readTimes(
  bytes: Uint8Array,
  start: number,
  records: number,
  recordLength: number,
  layout: Int32Array,
  absoluteRole: number,
  uptimeRole: number,
  clockBootMs: number,
  out: Float64Array,
  first: number,
): void {
  const absoluteAt = layout[absoluteRole * SLOTS_PER_ROLE]!;
  if (absoluteAt >= 0) {
    readCounts(bytes, start, records, recordLength, absoluteAt, layout[absoluteRole * SLOTS_PER_ROLE + 1]!, out, first);
    const scale = layout[absoluteRole * SLOTS_PER_ROLE + 2]!;
    if (scale !== 1) for (let index = first; index < first + records; index++) out[index] = out[index]! * scale;
    return;
  }
  const uptimeAt = layout[uptimeRole * SLOTS_PER_ROLE]!;
  if (uptimeAt < 0) {
    out.fill(Number.NaN, first, first + records);
    return;
  }
  readCounts(bytes, start, records, recordLength, uptimeAt, layout[uptimeRole * SLOTS_PER_ROLE + 1]!, out, first);
  const bootAt = layout[role.bootTime * SLOTS_PER_ROLE]!;
  if (bootAt < 0) {
    for (let index = first; index < first + records; index++) out[index] = clockBootMs + out[index]!;
    return;
  }
  const bootLength = layout[role.bootTime * SLOTS_PER_ROLE + 1]!;
  let offset = start + bootAt;
  for (let index = first; index < first + records; index++, offset += recordLength) out[index] = readUnsigned(bytes, offset, bootLength) + out[index]!;
}
