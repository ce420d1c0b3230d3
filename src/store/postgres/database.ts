/**
 * What every PostgreSQL role implementation is built on: one connection pool, the store's
 * location for error context, and two wrappers that turn any failure into STORE_FAILED naming
 * the operation — the same contract as the SQLite store's `use` (sqlite/database.ts).
 *
 * Type mapping (chosen so both stores return identical rows, which the conformance suites
 * compare): ids and counters are BIGINT, which node-postgres returns as strings by default —
 * this pool parses them (and NUMERIC, what sum() of BIGINT gives) as JavaScript numbers, exact
 * up to 2^53, far beyond any count here. Timestamps stay the ISO-8601 text the records carry
 * (TEXT, as in SQLite), so they come back byte for byte and compare the same way. JSON values
 * are TEXT too, parsed by the roles exactly as the SQLite roles parse them; a query that looks
 * inside one casts it to jsonb.
 */
import pg from 'pg';
import { OpenNoticeError } from '../../core/errors.ts';
import { NulSafeClient } from './nul-safe-client.ts';

/** node-postgres's built-in type ids (pg_type.oid) we parse differently. */
const int8Oid = 20;
const numericOid = 1700;

/** What a role runs its statements on: the pool (one statement, any connection) or a client inside a transaction. */
export type Queryable = pg.Pool | pg.PoolClient;

/** What each PostgreSQL role implementation is built on. */
export interface PostgresContext {
  pool: pg.Pool;
  /** The connection URL without its password, for error context and `Store.location`. */
  location: string;
  /** Runs one operation on the pool; fails with STORE_FAILED "the store is closed" after close(). */
  use<T>(operation: string, work: (db: Queryable) => Promise<T>): Promise<T>;
  /**
   * Runs `work` in one transaction on one connection: all of it is stored or none of it. A
   * transaction PostgreSQL aborts to break a deadlock is run again (three times at most), so `work`
   * must have no effect outside the database.
   */
  transaction<T>(operation: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  /** Ends the pool; afterwards every operation fails. Closing twice is harmless. */
  close(): Promise<void>;
}

/**
 * The URL with any password removed: what may appear in errors and logs.
 * @example redactedLocation('postgres://survey:secret@db.example/opennotice') // 'postgres://survey@db.example/opennotice'
 */
export function redactedLocation(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  } catch {
    // Not a URL we can parse: say nothing of it rather than risk printing a secret.
    return 'postgres://(unparsable URL)';
  }
}

/**
 * Wraps anything thrown by PostgreSQL or the driver as STORE_FAILED with the location (as the
 * context's `file`, like the SQLite store's errors: the CLI prints it before the message);
 * OpenNoticeErrors raised on purpose pass through unchanged.
 * @example throw postgresStoreError('postgres://db/opennotice', 'recordServices failed', error)
 */
export function postgresStoreError(location: string, what: string, error: unknown): OpenNoticeError {
  if (error instanceof OpenNoticeError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new OpenNoticeError('STORE_FAILED', `${what}: ${detail}`, { file: location }, { cause: error });
}

/**
 * PostgreSQL's SQLSTATE for a deadlock it broke by aborting one transaction. Workers writing
 * at once lock rows in sorted order where they can, but a trigger (finding status copied to
 * its attribution) may still meet an attributor in the other order; the aborted side simply
 * runs again, so `work` must touch nothing but the database.
 */
const deadlockDetected = '40P01';
const deadlockAttempts = 4;

/** Runs `work` between BEGIN and COMMIT on one pooled connection; rolls back when it throws. */
async function inOneTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let healthy = true;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // A connection whose ROLLBACK fails is in an unknown state: destroy it, don't pool it.
    healthy = await client.query('ROLLBACK').then(
      () => true,
      () => false,
    );
    throw error;
  } finally {
    client.release(!healthy);
  }
}

/** BIGINT and NUMERIC as numbers; everything else as node-postgres parses it by default. */
const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) => {
    if (oid === int8Oid || oid === numericOid) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * A pool for `url` with the store's type parsing, wrapped as a context. Connects lazily: the
 * first statement (the migration) is what fails on a wrong URL.
 * @example const context = postgresContext('postgres://opennotice@127.0.0.1/opennotice'); await context.use('listRuns', (db) => db.query('SELECT 1'))
 */
export function postgresContext(url: string): PostgresContext {
  const location = redactedLocation(url);
  // NulSafeClient: device text with a NUL would make PostgreSQL refuse a whole batch (nul-safe-client.ts).
  const pool = new pg.Pool({ connectionString: url, types: typeParsers, max: 10, connectionTimeoutMillis: 10_000, Client: NulSafeClient });
  // An idle connection dropped by the server (restart, network) emits 'error' on the pool;
  // without a listener that would end the process. The next query simply gets a new connection.
  pool.on('error', () => undefined);
  let closed = false;
  const assertOpen = (operation: string) => {
    if (closed) throw new OpenNoticeError('STORE_FAILED', `${operation}: the store is closed`, { file: location });
  };
  return {
    pool,
    location,
    async use(operation, work) {
      assertOpen(operation);
      try {
        return await work(pool);
      } catch (error) {
        throw postgresStoreError(location, `${operation} failed`, error);
      }
    },
    async transaction(operation, work) {
      assertOpen(operation);
      for (let attempt = 1; ; attempt++) {
        try {
          return await inOneTransaction(pool, work);
        } catch (error) {
          if (attempt < deadlockAttempts && (error as { code?: unknown }).code === deadlockDetected) {
            // A short random pause: retried at once, the two sides can take their first locks in
            // the same race again and deadlock again.
            await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40 * attempt));
            continue;
          }
          throw postgresStoreError(location, `${operation} failed`, error);
        }
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
