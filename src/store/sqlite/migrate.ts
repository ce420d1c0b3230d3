import type { DatabaseSync } from 'node:sqlite';
import { OpenNoticeError } from '../../core/errors.ts';
import type { Migration } from '../migrations/index.ts';
import { inTransaction } from './database.ts';

/**
 * Brings the database schema up to the newest of `migrations`, in one transaction,
 * and returns the versions it applied. A database written by a newer opennotice
 * (a version we don't know) is refused rather than misread.
 * @example const applied = applyMigrations(db, migrations, 'opennotice.db') // [1] on a new file, [] afterwards
 */
export function applyMigrations(db: DatabaseSync, migrations: readonly Migration[], file: string): number[] {
  assertOrdered(migrations);
  const newestKnown = migrations.at(-1)?.version ?? 0;
  return inTransaction(db, () => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    INTEGER PRIMARY KEY,
      name       TEXT NOT NULL,
      applied_at TEXT NOT NULL
    )`);
    const row = db.prepare('SELECT max(version) AS version FROM schema_migrations').get() as { version: number | null };
    const current = row.version ?? 0;
    if (current > newestKnown) {
      throw new OpenNoticeError(
        'STORE_FAILED',
        `database schema version ${current} is newer than this opennotice understands (${newestKnown}); use a newer opennotice to open it`,
        { file },
      );
    }
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    const applied: number[] = [];
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
      applied.push(migration.version);
    }
    return applied;
  });
}

/** A mis-numbered migration list is a programming error; catch it before touching data. */
function assertOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new OpenNoticeError('INTERNAL', `migration "${migration.name}" has version ${migration.version}, expected ${index + 1}`);
    }
  });
}
