/**
 * What the cross-check of the audit trail with its tables reports (mirror-check.ts): a table,
 * a row and a record that say different things, and the field-by-field difference.
 */
import { canonicalJson, type JsonValue } from './canonical-json.ts';

export type MirroredTable = 'runs' | 'credential_attempts' | 'outbox' | 'opt_out_requests' | 'cnc_candidates' | 'web_users' | 'api_tokens';

/** A table and the trail that say different things. */
export interface MirrorDisagreement {
  table: MirroredTable;
  /** The row concerned (its id; a run's id for `runs`), when there is one. */
  rowId?: number;
  /** The record concerned, when there is one. */
  sequence?: number;
  explanation: string;
}

/**
 * "field X in the table, Y in the trail" for each field of `trail` that `table` holds otherwise.
 * @example differences({ status: 'rejected' }, { status: 'approved' }) // ['status "rejected" in the table, "approved" in the trail']
 */
export function differences(table: Record<string, unknown>, trail: Record<string, unknown>): string[] {
  const text = (value: unknown) => (value === undefined ? 'nothing' : canonicalJson(value as JsonValue));
  return Object.keys(trail)
    .filter((field) => text(table[field]) !== text(trail[field]))
    .map((field) => `${field} ${text(table[field])} in the table, ${text(trail[field])} in the trail`);
}

/**
 * The disagreement of a row with the record that wrote it, when any of the record's fields differ
 * (`label` names the row in the explanation: "outbox entry 7").
 * @example const edited = editedRow('outbox', 7, 'outbox entry 7', 12, row, { status: 'delivered' }); if (edited) found.push(edited)
 */
export function editedRow(
  table: MirroredTable,
  rowId: number,
  label: string,
  sequence: number,
  tableFields: Record<string, unknown>,
  trailFields: Record<string, unknown>,
): MirrorDisagreement | undefined {
  const changed = differences(tableFields, trailFields);
  if (changed.length === 0) return undefined;
  return { table, rowId, sequence, explanation: `${label} differs from record ${sequence}: ${changed.join('; ')}` };
}
