/**
 * NetFlow v9 (RFC 3954): a 20-byte header, then flowsets: templates (id 0), options templates
 * (id 1, learnt so their data can be skipped), and data (id ≥ 256) read through the template
 * this exporter and source id sent. Record times are uptime milliseconds, turned into epoch
 * milliseconds through the header.
 */
import { readU16, readU32 } from './bytes.ts';
import type { DecodeContext } from './decode-context.ts';
import type { FlowColumns } from './flow-columns.ts';
import type { FlowTemplate } from './template-cache.ts';
import { parseTemplateFields } from './template-parse.ts';
import { readDataRecords, type RecordClock } from './template-records.ts';

const HEADER_BYTES = 20;
const TEMPLATE_FLOWSET = 0;
const OPTIONS_TEMPLATE_FLOWSET = 1;
const FIRST_DATA_FLOWSET = 256;

/** Appends the datagram's flows to `columns` (whose exporter it sets); malformed parts are counted and skipped. */
export function decodeNetflowV9(datagram: Uint8Array, exporterAddress: string, context: DecodeContext, nowMs: number, columns: FlowColumns): void {
  const { counters } = context;
  if (datagram.length < HEADER_BYTES) {
    counters.malformed['short-header']++;
    return;
  }
  const exportMs = readU32(datagram, 8) * 1000;
  const clock: RecordClock = { bootMs: exportMs - readU32(datagram, 4), exportMs };
  const sourceId = readU32(datagram, 16);
  columns.exporter = context.exporterKey(exporterAddress, sourceId);
  let at = HEADER_BYTES;
  while (at + 4 <= datagram.length) {
    const flowsetId = readU16(datagram, at);
    const length = readU16(datagram, at + 2);
    if (length < 4 || at + length > datagram.length) {
      counters.malformed['bad-set-length']++;
      return;
    }
    const end = at + length;
    if (flowsetId === TEMPLATE_FLOWSET) readTemplates(datagram, at + 4, end, exporterAddress, sourceId, context, nowMs);
    else if (flowsetId === OPTIONS_TEMPLATE_FLOWSET) readOptionsTemplates(datagram, at + 4, end, exporterAddress, sourceId, context, nowMs);
    else if (flowsetId >= FIRST_DATA_FLOWSET) readData(datagram, at + 4, end, flowsetId, exporterAddress, sourceId, clock, context, nowMs, columns);
    at = end;
  }
}

function readTemplates(bytes: Uint8Array, start: number, end: number, address: string, sourceId: number, context: DecodeContext, nowMs: number): void {
  let at = start;
  // Trailing bytes shorter than a template header are padding.
  while (at + 4 <= end) {
    const templateId = readU16(bytes, at);
    const fieldCount = readU16(bytes, at + 2);
    // Exporters resend their templates every few datagrams: one already held is only refreshed.
    const held = templateId >= FIRST_DATA_FLOWSET ? context.templates.get(address, sourceId, templateId, nowMs) : undefined;
    if (held !== undefined && sameFields(bytes, at + 4, end, fieldCount, held)) {
      learn(context, address, sourceId, templateId, held, nowMs);
      at += 4 + fieldCount * 4;
      continue;
    }
    const parsed = templateId >= FIRST_DATA_FLOWSET ? parseTemplateFields(bytes, at + 4, end, fieldCount, 'v9', false) : undefined;
    if (!parsed) {
      context.counters.malformed['bad-template']++;
      return;
    }
    learn(context, address, sourceId, templateId, parsed.template, nowMs);
    at = parsed.next;
  }
}

/** Whether the `count` field specifiers at `offset` are exactly those of `held` (a data template). */
function sameFields(bytes: Uint8Array, offset: number, end: number, count: number, held: FlowTemplate): boolean {
  if (held.options || held.fields.length !== count || offset + count * 4 > end) return false;
  for (let index = 0; index < count; index++) {
    const field = held.fields[index]!;
    const at = offset + index * 4;
    if (field.enterprise !== undefined || field.id !== readU16(bytes, at) || field.length !== readU16(bytes, at + 2)) return false;
  }
  return true;
}

function readOptionsTemplates(bytes: Uint8Array, start: number, end: number, address: string, sourceId: number, context: DecodeContext, nowMs: number): void {
  let at = start;
  while (at + 6 <= end) {
    const templateId = readU16(bytes, at);
    const scopeBytes = readU16(bytes, at + 2);
    const optionBytes = readU16(bytes, at + 4);
    const fieldBytes = scopeBytes + optionBytes;
    const parsed = templateId >= FIRST_DATA_FLOWSET && fieldBytes % 4 === 0 ? parseTemplateFields(bytes, at + 6, end, fieldBytes / 4, 'v9', true) : undefined;
    if (!parsed) {
      context.counters.malformed['bad-template']++;
      return;
    }
    learn(context, address, sourceId, templateId, parsed.template, nowMs);
    at = parsed.next;
  }
}

function learn(
  context: DecodeContext,
  address: string,
  sourceId: number,
  templateId: number,
  template: Parameters<DecodeContext['templates']['set']>[3],
  nowMs: number,
): void {
  if (context.templates.set(address, sourceId, templateId, template, nowMs)) context.counters.templates++;
  else context.counters.malformed['template-cache-full']++;
}

function readData(
  bytes: Uint8Array,
  start: number,
  end: number,
  templateId: number,
  address: string,
  sourceId: number,
  clock: RecordClock,
  context: DecodeContext,
  nowMs: number,
  columns: FlowColumns,
): void {
  const { counters } = context;
  const template = context.templates.get(address, sourceId, templateId, nowMs);
  if (!template) {
    counters.malformed['unknown-template']++;
    return;
  }
  if (template.options) {
    counters.optionsSkipped++;
    return;
  }
  readDataRecords(bytes, start, end, template, clock, counters, columns);
}
