/**
 * Turning PostgreSQL rows into the store's row types, the same way the SQLite store does
 * (sqlite/rows.ts): NULL columns become absent properties and JSON text columns become values.
 * Address ordering and the finding-with-attribution split are shared with the SQLite store.
 */
import type { NotifiableFinding } from '../../core/records.ts';
import { notifiableFindingOf as sqliteNotifiableFindingOf, type SqlRow } from '../sqlite/rows.ts';

export { byAddressAndPort, compareAddresses } from '../sqlite/rows.ts';

/** A row as node-postgres returns it, with this store's type parsing (numbers, text, null). */
export type PgRow = Record<string, unknown>;

/**
 * Drops NULL columns and parses the named JSON columns.
 * @example toRecord({ ip: '192.0.2.1', model: null, evidence: '{}' }, ['evidence']) // { ip: '192.0.2.1', evidence: {} }
 */
export function toRecord<T>(row: PgRow, jsonColumns: readonly string[] = []): T {
  const record: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (value === null || value === undefined) continue;
    record[key] = jsonColumns.includes(key) && typeof value === 'string' ? JSON.parse(value) : value;
  }
  return record as T;
}

/**
 * A finding joined with its attribution columns, split as sqlite/rows.ts's notifiableFindingOf does.
 * @example const finding = notifiableFindingOf(row) // { id, kind, ip, …, attribution: { source: 'registry', … } }
 */
export function notifiableFindingOf<T extends NotifiableFinding = NotifiableFinding>(row: PgRow): T & { attributed: boolean } {
  // The values are the same kinds SQLite returns (numbers, text, null): only the static type differs.
  return sqliteNotifiableFindingOf<T>(row as SqlRow);
}

/**
 * The last item of each key, in the order keys first appear: what upserting the items one by
 * one would leave. A multi-row `INSERT … ON CONFLICT DO UPDATE` cannot touch one row twice, so
 * batches are merged with this first.
 * @example lastByKey([{ id: 'a', v: 1 }, { id: 'b', v: 2 }, { id: 'a', v: 3 }], (x) => x.id) // [{ id: 'a', v: 3 }, { id: 'b', v: 2 }]
 */
export function lastByKey<T>(items: readonly T[], key: (item: T) => string | number): T[] {
  return [...new Map(items.map((item) => [key(item), item])).values()];
}

/** WHERE conditions with numbered placeholders, built from the filter fields that are set. */
export interface Conditions {
  /** `clause` ends where the placeholder goes (`'start >='`); nothing is added for an undefined value. */
  add(clause: string, value: string | number | undefined): void;
  /** The values in placeholder order (more may be pushed after, e.g. a LIMIT). */
  readonly values: Array<string | number>;
  /** `WHERE a = $1 AND b >= $2`, or '' when no condition was added. */
  where(): string;
}

/**
 * @example const conditions = numberedConditions(); conditions.add('darknet =', filter.darknet); db.query(`SELECT … ${conditions.where()}`, conditions.values)
 */
export function numberedConditions(): Conditions {
  const values: Array<string | number> = [];
  const clauses: string[] = [];
  return {
    add(clause, value) {
      if (value === undefined) return;
      values.push(value);
      clauses.push(`${clause} $${values.length}`);
    },
    values,
    where: () => (clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : ''),
  };
}
