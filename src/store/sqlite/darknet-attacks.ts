/**
 * DRDoS attacks in SQLite (darknet_attacks, migration 011). Written inside the darknet
 * windows' transaction: stored pieces an attack was merged from are removed, then the attacks
 * are inserted (replacing any with the same darknet, victim, protocol and start).
 */
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import type { DarknetAttack } from '../../core/records.ts';
import type { DarknetAttackChanges, DarknetAttackFilter } from '../roles/darknet.ts';
import { darknetAttackFromRow } from '../row-mapping.ts';
import type { SqlRow } from './rows.ts';

const attackColumns = `darknet, victim, protocol, port, start, end_at AS "end", packets, bytes, reflectors, qualified,
  at_input_start AS atInputStart, at_input_end AS atInputEnd, evicted, reflector_sketch AS reflectorSketch`;

/**
 * Apply attack changes (call inside a transaction).
 * @example inTransaction(db, () => writeDarknetAttacks(db, runId, { add: [attack], remove: [] }))
 */
export function writeDarknetAttacks(db: DatabaseSync, runId: number, changes: DarknetAttackChanges): void {
  const remove = db.prepare('DELETE FROM darknet_attacks WHERE darknet = ? AND victim = ? AND protocol = ? AND start = ?');
  for (const key of changes.remove) remove.run(key.darknet, key.victim, key.protocol, key.start);
  const insert = db.prepare(`INSERT OR REPLACE INTO darknet_attacks (run_id, darknet, victim, protocol, port, start, end_at, packets, bytes,
    reflectors, qualified, at_input_start, at_input_end, evicted, reflector_sketch) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  for (const attack of changes.add) {
    insert.run(
      runId,
      attack.darknet,
      attack.victim,
      attack.protocol,
      attack.port,
      attack.start,
      attack.end,
      attack.packets,
      attack.bytes,
      attack.reflectors,
      attack.qualified ? 1 : 0,
      attack.atInputStart ? 1 : 0,
      attack.atInputEnd ? 1 : 0,
      attack.evicted ? 1 : 0,
      attack.reflectorSketch ?? null,
    );
  }
}

/**
 * Attacks matching the filter, oldest first.
 * @example readDarknetAttacks(db, { qualified: true, from: '2026-01-01T00:00:00.000Z' })
 */
export function readDarknetAttacks(db: DatabaseSync, filter: DarknetAttackFilter = {}): DarknetAttack[] {
  const where: string[] = [];
  const values: SQLInputValue[] = [];
  const add = (clause: string, value: SQLInputValue | undefined) => {
    if (value === undefined) return;
    where.push(clause);
    values.push(value);
  };
  add('darknet = ?', filter.darknet);
  add('victim = ?', filter.victim);
  add('protocol = ?', filter.protocol);
  add('start >= ?', filter.from);
  add('start < ?', filter.to);
  add('end_at >= ?', filter.activeFrom);
  add('start <= ?', filter.activeTo);
  add('qualified = ?', filter.qualified === undefined ? undefined : filter.qualified ? 1 : 0);
  const sql = `SELECT ${attackColumns} FROM darknet_attacks ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY start, victim, protocol`;
  return (db.prepare(sql).all(...values) as SqlRow[]).map(darknetAttackFromRow);
}
