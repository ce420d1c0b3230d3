/** Template field lists of NetFlow v9 and IPFIX turned into FlowTemplates. */
import { readU16, readU32 } from './bytes.ts';
import type { FlowTemplate, TemplateField } from './template-cache.ts';
import { fixedLayout, VARIABLE_LENGTH } from './record-layout.ts';

/**
 * Reads `count` field specifiers from `offset`; IPFIX ones may carry an enterprise number
 * (the high bit of the id, RFC 7011 §3.2). Undefined when they run past `end` or describe
 * records of no length (which would make a data set loop forever).
 */
export function parseTemplateFields(
  bytes: Uint8Array,
  offset: number,
  end: number,
  count: number,
  dialect: 'v9' | 'ipfix',
  options: boolean,
): { template: FlowTemplate; next: number } | undefined {
  const fields: TemplateField[] = [];
  let at = offset;
  let minRecordLength = 0;
  for (let index = 0; index < count; index++) {
    if (at + 4 > end) return undefined;
    const rawId = readU16(bytes, at);
    const length = readU16(bytes, at + 2);
    at += 4;
    const enterpriseBit = dialect === 'ipfix' && (rawId & 0x8000) !== 0;
    if (enterpriseBit) {
      if (at + 4 > end) return undefined;
      fields.push({ id: rawId & 0x7fff, length, enterprise: readU32(bytes, at) });
      at += 4;
    } else fields.push({ id: rawId, length });
    if (length === VARIABLE_LENGTH && dialect === 'v9') return undefined;
    minRecordLength += length === VARIABLE_LENGTH ? 1 : length;
  }
  if (minRecordLength === 0) return undefined;
  const layout = options ? undefined : fixedLayout(fields);
  return { template: layout ? { fields, minRecordLength, options, layout } : { fields, minRecordLength, options }, next: at };
}
