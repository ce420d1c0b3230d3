import type pg from 'pg';
import { OpenNoticeError } from '../../core/errors.ts';
import type { Migration } from '../migrations/index.ts';

/**
 * Any fixed number: the key of the transaction-scoped advisory lock that makes opening a
 * store one-at-a-time per database. Several workers started together all run this; the first
 * migrates, the others wait on the lock and then find nothing left to do.
 */
const migrationLockKey = 0x6f6e5f6d; // "on_m"

/**
 * Brings the database schema up to the newest of `migrations` in one transaction (PostgreSQL
 * DDL is transactional: a failed step leaves the schema as it was) and returns the versions it
 * applied. A database written by a newer opennotice is refused rather than misread.
 * @example const applied = await applyPostgresMigrations(client, postgresMigrations, location) // [1, …, 11] on a new database, [] afterwards
 */
export async function applyPostgresMigrations(client: pg.ClientBase, migrations: readonly Migration[], location: string): Promise<number[]> {
  assertOrdered(migrations);
  const newestKnown = migrations.at(-1)?.version ?? 0;
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [migrationLockKey]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    INTEGER PRIMARY KEY,
      name       TEXT NOT NULL,
      applied_at TEXT NOT NULL
    )`);
    const result = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM schema_migrations');
    const current = result.rows[0]?.version ?? 0;
    if (current > newestKnown) {
      throw new OpenNoticeError(
        'STORE_FAILED',
        `database schema version ${current} is newer than this opennotice understands (${newestKnown}); use a newer opennotice to open it`,
        { file: location },
      );
    }
    const applied: number[] = [];
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      await client.query(migration.sql);
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        new Date().toISOString(),
      ]);
      applied.push(migration.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** A mis-numbered migration list is a programming error; catch it before touching data. */
function assertOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new OpenNoticeError('INTERNAL', `migration "${migration.name}" has version ${migration.version}, expected ${index + 1}`);
    }
  });
}
