/**
 * IPFIX (RFC 7011): a 16-byte message header, then sets: templates (id 2), options templates
 * (id 3), data (id ≥ 256). Templates are kept per exporter and observation domain; a template
 * record with no fields withdraws one template (or, with the set's own id, all of the domain's
 * templates of that kind; §8.1). Options data is skipped, except that a systemInitTimeMilliseconds
 * in it is remembered, so flows timed in uptime (softflowd does that) get epoch times.
 */
import { readU16, readU32 } from './bytes.ts';
import type { DecodeContext } from './decode-context.ts';
import type { FlowColumns } from './flow-columns.ts';
import type { FlowTemplate } from './template-cache.ts';
import { parseTemplateFields } from './template-parse.ts';
import { readSystemInitTime, readDataRecords } from './template-records.ts';

const HEADER_BYTES = 16;
const TEMPLATE_SET = 2;
const OPTIONS_TEMPLATE_SET = 3;
const FIRST_DATA_SET = 256;

/** Appends the message's flows to `columns` (whose exporter it sets); malformed parts are counted and skipped. */
export function decodeIpfix(datagram: Uint8Array, exporterAddress: string, context: DecodeContext, nowMs: number, columns: FlowColumns): void {
  const { counters } = context;
  if (datagram.length < HEADER_BYTES) {
    counters.malformed['short-header']++;
    return;
  }
  const messageLength = readU16(datagram, 2);
  if (messageLength < HEADER_BYTES || messageLength > datagram.length) {
    counters.malformed['length-mismatch']++;
    return;
  }
  const exportMs = readU32(datagram, 4) * 1000;
  const domain = readU32(datagram, 12);
  const exporter = context.exporterKey(exporterAddress, domain);
  columns.exporter = exporter;
  let at = HEADER_BYTES;
  while (at + 4 <= messageLength) {
    const setId = readU16(datagram, at);
    const length = readU16(datagram, at + 2);
    if (length < 4 || at + length > messageLength) {
      counters.malformed['bad-set-length']++;
      return;
    }
    const end = at + length;
    if (setId === TEMPLATE_SET || setId === OPTIONS_TEMPLATE_SET) readTemplates(datagram, at + 4, end, setId, exporterAddress, domain, context, nowMs);
    else if (setId >= FIRST_DATA_SET) {
      const template = context.templates.get(exporterAddress, domain, setId, nowMs);
      if (!template) counters.malformed['unknown-template']++;
      else if (template.options) readOptionsData(datagram, at + 4, end, template, exporter, context);
      else readDataRecords(datagram, at + 4, end, template, { bootMs: context.bootTime(exporter), exportMs }, counters, columns);
    }
    at = end;
  }
}

function readTemplates(
  bytes: Uint8Array,
  start: number,
  end: number,
  setId: number,
  address: string,
  domain: number,
  context: DecodeContext,
  nowMs: number,
): void {
  const options = setId === OPTIONS_TEMPLATE_SET;
  const headerBytes = options ? 6 : 4;
  let at = start;
  while (at + 4 <= end) {
    const templateId = readU16(bytes, at);
    const fieldCount = readU16(bytes, at + 2);
    if (fieldCount === 0) {
      // Withdrawal: the set id as template id means "all templates of this kind" (§8.1).
      context.templates.withdraw(address, domain, templateId === setId ? 'all' : templateId);
      at += 4;
      continue;
    }
    const parsed =
      templateId >= FIRST_DATA_SET && at + headerBytes <= end ? parseTemplateFields(bytes, at + headerBytes, end, fieldCount, 'ipfix', options) : undefined;
    if (!parsed) {
      context.counters.malformed['bad-template']++;
      return;
    }
    if (context.templates.set(address, domain, templateId, parsed.template, nowMs)) context.counters.templates++;
    else context.counters.malformed['template-cache-full']++;
    at = parsed.next;
  }
}

function readOptionsData(bytes: Uint8Array, start: number, end: number, template: FlowTemplate, exporter: string, context: DecodeContext): void {
  context.counters.optionsSkipped++;
  let at = start;
  while (end - at >= template.minRecordLength) {
    const result = readSystemInitTime(bytes, at, end, template);
    if (!result) return;
    if (result.bootMs !== undefined) context.setBootTime(exporter, result.bootMs);
    at = result.next;
  }
}
