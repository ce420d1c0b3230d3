import type { Store } from './store.ts';
import { openSqliteStore } from './sqlite/sqlite-store.ts';

/**
 * Opens the store. Today that is always the embedded SQLite file (created and migrated on
 * first use); ':memory:' gives a throw-away store for tests. Fails with STORE_FAILED naming
 * the file when it is not a usable SQLite database or was written by a newer opennotice.
 * @example
 * const store = await openStore('opennotice.db')
 * try { console.log(await store.summary()) } finally { await store.close() }
 */
export async function openStore(file: string): Promise<Store> {
  return openSqliteStore(file);
}
