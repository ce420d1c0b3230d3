import { openPostgresStore } from './postgres/postgres-store.ts';
import { openSqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './store.ts';

/**
 * Whether `location` names a PostgreSQL database (a postgres:// or postgresql:// URL) rather
 * than an SQLite file.
 * @example isPostgresLocation('postgres://opennotice@db.example/opennotice') // true
 */
export function isPostgresLocation(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/**
 * Opens the store `location` names: a postgres:// or postgresql:// URL opens the PostgreSQL
 * store (the database must exist; its tables are created and migrated on first use);
 * anything else is the embedded SQLite file, the default (created and migrated on first use;
 * ':memory:' gives a throw-away store for tests). Fails with STORE_FAILED naming the file or
 * the URL (never its password) when it is not a usable store or was written by a newer
 * opennotice.
 * @example
 * const store = await openStore('opennotice.db') // or 'postgres://opennotice@db.example/opennotice'
 * try { console.log(await store.summary()) } finally { await store.close() }
 */
export async function openStore(location: string): Promise<Store> {
  if (isPostgresLocation(location)) return openPostgresStore(location);
  return openSqliteStore(location);
}
