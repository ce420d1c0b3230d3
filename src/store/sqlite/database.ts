import { DatabaseSync } from 'node:sqlite';
import { OpenNoticeError } from '../../core/errors.ts';

/** How long a writer waits for another process's lock before failing (SQLite busy timeout). */
const busyTimeoutMs = 5000;

/**
 * Opens an SQLite file with the settings the store relies on: WAL (readers don't block
 * the survey writer), foreign keys enforced, a busy timeout. A file that is not an
 * SQLite database fails here, on the first statement, as STORE_FAILED naming the file.
 * @example const db = openDatabase('opennotice.db')
 */
export function openDatabase(file: string): DatabaseSync {
  let db: DatabaseSync | undefined;
  try {
    db = new DatabaseSync(file, { enableForeignKeyConstraints: true, timeout: busyTimeoutMs });
    db.exec('PRAGMA journal_mode = WAL');
    // NORMAL is durable across application crashes in WAL mode and much faster than FULL.
    db.exec('PRAGMA synchronous = NORMAL');
    db.exec('PRAGMA foreign_keys = ON');
    return db;
  } catch (error) {
    try {
      db?.close();
    } catch {
      // Closing a half-opened handle can fail too; the original error is the useful one.
    }
    throw storeError(file, 'cannot open the database', error);
  }
}

/**
 * Runs `work` inside one write transaction: all of it is stored or none of it.
 * BEGIN IMMEDIATE takes the write lock up front so two writers wait (busy timeout)
 * instead of failing half-way with SQLITE_BUSY.
 * @example inTransaction(db, () => rows.forEach((row) => insert.run(row)))
 */
export function inTransaction<T>(db: DatabaseSync, work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

/**
 * Wraps anything thrown by SQLite as STORE_FAILED with the file; OpenNoticeErrors
 * raised on purpose pass through unchanged.
 * @example throw storeError('opennotice.db', 'recordServices failed', error)
 */
export function storeError(file: string, what: string, error: unknown): OpenNoticeError {
  if (error instanceof OpenNoticeError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new OpenNoticeError('STORE_FAILED', `${what}: ${detail}`, { file }, { cause: error });
}

/**
 * Runs one store operation: fails with STORE_FAILED when the store is closed, and turns
 * SQLite's errors into STORE_FAILED naming the operation and the file. Every role method of
 * the SQLite store goes through one of these.
 */
export type RunOperation = <T>(operation: string, work: () => T) => Promise<T>;

/** What each SQLite role implementation is built on: the open database, its file, and the operation wrapper. */
export interface SqliteContext {
  db: DatabaseSync;
  /** The file name (or ':memory:'), for error context. */
  file: string;
  use: RunOperation;
}

/**
 * @example const context = sqliteContext(openDatabase(file), file); await context.use('listRuns', () => …)
 */
export function sqliteContext(db: DatabaseSync, file: string): SqliteContext {
  const use: RunOperation = async (operation, work) => {
    if (!db.isOpen) throw new OpenNoticeError('STORE_FAILED', `${operation}: the store is closed`, { file });
    try {
      return work();
    } catch (error) {
      throw storeError(file, `${operation} failed`, error);
    }
  };
  return { db, file, use };
}
