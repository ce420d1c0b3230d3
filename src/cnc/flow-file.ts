/**
 * Flows from a file for `opennotice cnc detect`: one FlowRecord as JSON per line (what the flow
 * collector can write; gzip accepted). Each record is checked, and a bad one is an
 * IMPORT_INVALID error naming file and line, so a half-written file never turns into a
 * silently smaller analysis.
 */
import { OpenNoticeError, quoted } from '../core/errors.ts';
import { forEachLine } from '../core/read-lines.ts';
import type { FlowRecord } from '../flows/flow-record.ts';
import { canonicalAddress } from '../scope/canonical-address.ts';

const numberFields = ['sourcePort', 'destinationPort', 'protocol', 'packets', 'bytes', 'startMs', 'endMs'] as const;

/** A value as JSON for a message, cut to 80 characters: a corrupt line can hold a 64 KB "address". */
function shown(value: unknown): string {
  if (typeof value === 'string') return quoted(value);
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 80 ? `${json.slice(0, 80)}…` : json;
}

/**
 * Check one parsed line; the problem in words, or the record.
 * @example flowOf({ exporter: '192.0.2.1/0', sourceAddress: '10.0.0.7', … })
 */
export function flowOf(value: unknown): FlowRecord | { problem: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problem: 'expected a JSON object (a FlowRecord)' };
  const record = value as Record<string, unknown>;
  if (typeof record.exporter !== 'string') return { problem: 'exporter must be text' };
  for (const field of ['sourceAddress', 'destinationAddress'] as const) {
    const text = record[field];
    if (typeof text !== 'string' || canonicalAddress(text) !== text) return { problem: `${field} must be a canonical IP address, got ${shown(text)}` };
  }
  for (const field of numberFields) {
    const number = record[field];
    if (typeof number !== 'number' || !Number.isInteger(number) || number < 0) return { problem: `${field} must be a whole number ≥ 0, got ${shown(number)}` };
  }
  if ((record.endMs as number) < (record.startMs as number)) return { problem: 'endMs is before startMs' };
  return record as unknown as FlowRecord;
}

/**
 * Read every flow of a JSON-lines file (blank lines skipped).
 * @example const flows = await readFlowFile('flows.jsonl')
 */
export async function readFlowFile(file: string): Promise<FlowRecord[]> {
  const flows: FlowRecord[] = [];
  await forEachLine(
    file,
    (text, line) => {
      if (text.trim() === '') return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new OpenNoticeError('IMPORT_INVALID', 'not a JSON line', { file, line });
      }
      const flow = flowOf(parsed);
      if ('problem' in flow) throw new OpenNoticeError('IMPORT_INVALID', flow.problem, { file, line });
      flows.push(flow);
    },
    { maxLineBytes: 64 * 1024, gzip: true, expected: 'JSON-lines file of flows' },
  );
  return flows;
}
