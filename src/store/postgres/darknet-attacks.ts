/**
 * DRDoS attacks in PostgreSQL (darknet_attacks). Written inside the darknet windows'
 * transaction, after the window keys' locks are held (darknet.ts): the stored pieces an attack
 * was merged from are removed, then the attacks are inserted, replacing any with the same
 * darknet, victim, protocol and start. Replacing is a delete and an insert, not an update in
 * place, so a replaced attack gets a new id and the dashboard's change mark (the newest id)
 * moves with it.
 */
import type { DarknetAttack } from '../../core/records.ts';
import { darknetAttackFromRow } from '../row-mapping.ts';
import { numberedConditions } from './rows.ts';
import type { Queryable } from './database.ts';
import type { DarknetAttackChanges, DarknetAttackFilter, DarknetAttackKey } from '../roles/darknet.ts';

const attackColumns = `darknet, victim, protocol, port, start, end_at AS "end", packets, bytes, reflectors, qualified,
  at_input_start AS "atInputStart", at_input_end AS "atInputEnd", evicted, reflector_sketch AS "reflectorSketch"`;

/** The text an attack's lock is taken on (see darknet.ts lockKeys). */
export const attackLockKey = (key: DarknetAttackKey): string => `attack\u001f${key.darknet}\u001f${key.victim}\u001f${key.protocol}\u001f${key.start}`;

const keyText = (key: DarknetAttackKey) => attackLockKey(key);

/**
 * Apply attack changes (call inside a transaction, with the keys' locks held). Of two attacks
 * with one key in `add`, the later wins, as when they are written one after the other.
 * @example await writeDarknetAttacks(client, runId, { add: [attack], remove: [] })
 */
export async function writeDarknetAttacks(client: Queryable, runId: number, changes: DarknetAttackChanges): Promise<void> {
  const latest = new Map<string, DarknetAttack>();
  for (const attack of changes.add) latest.set(keyText(attack), attack);
  const added = [...latest.values()];
  const gone = [...changes.remove, ...added];
  if (gone.length > 0) {
    await client.query(
      `DELETE FROM darknet_attacks a USING unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS k(darknet, victim, protocol, start)
      WHERE a.darknet = k.darknet AND a.victim = k.victim AND a.protocol = k.protocol AND a.start = k.start`,
      [gone.map((key) => key.darknet), gone.map((key) => key.victim), gone.map((key) => key.protocol), gone.map((key) => key.start)],
    );
  }
  if (added.length === 0) return;
  const column = <T>(pick: (attack: DarknetAttack) => T): T[] => added.map(pick);
  // One multi-row insert for the whole batch: unnest turns the column arrays back into rows.
  await client.query(
    `INSERT INTO darknet_attacks (run_id, darknet, victim, protocol, port, start, end_at, packets, bytes, reflectors, qualified,
      at_input_start, at_input_end, evicted, reflector_sketch)
    SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::bigint[], $9::bigint[], $10::bigint[],
      $11::int[], $12::int[], $13::int[], $14::int[], $15::text[])`,
    [
      runId,
      column((attack) => attack.darknet),
      column((attack) => attack.victim),
      column((attack) => attack.protocol),
      column((attack) => attack.port),
      column((attack) => attack.start),
      column((attack) => attack.end),
      column((attack) => attack.packets),
      column((attack) => attack.bytes),
      column((attack) => attack.reflectors),
      column((attack) => (attack.qualified ? 1 : 0)),
      column((attack) => (attack.atInputStart ? 1 : 0)),
      column((attack) => (attack.atInputEnd ? 1 : 0)),
      column((attack) => (attack.evicted ? 1 : 0)),
      column((attack) => attack.reflectorSketch ?? null),
    ],
  );
}

/**
 * Attacks matching the filter, oldest first (then by victim and protocol; text columns are COLLATE "C", so in byte order as SQLite sorts).
 * @example await readDarknetAttacks(pool, { qualified: true, from: '2026-01-01T00:00:00.000Z' })
 */
export async function readDarknetAttacks(db: Queryable, filter: DarknetAttackFilter = {}): Promise<DarknetAttack[]> {
  const conditions = numberedConditions();
  conditions.add('darknet =', filter.darknet);
  conditions.add('victim =', filter.victim);
  conditions.add('protocol =', filter.protocol);
  conditions.add('start >=', filter.from);
  conditions.add('start <', filter.to);
  conditions.add('end_at >=', filter.activeFrom);
  conditions.add('start <=', filter.activeTo);
  conditions.add('qualified =', filter.qualified === undefined ? undefined : filter.qualified ? 1 : 0);
  const { rows } = await db.query(`SELECT ${attackColumns} FROM darknet_attacks ${conditions.where()} ORDER BY start, victim, protocol`, conditions.values);
  return rows.map(darknetAttackFromRow);
}
