// The PostgreSQL reconciliation, which decides in batches, against the SQLite store's, which
// walks the batch one finding at a time: the same seeded sequence of runs — repeats inside a
// batch, places found and covered at once, streaks of misses under different closeAfterMisses —
// must leave the same findings, the same events in the same order, and the same counts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type PostgresServer, startPostgres } from '../../../test/support/postgres-server.ts';
import type { Finding } from '../../core/records.ts';
import type { CoveredCheck, FindingsReconciliation } from '../roles/findings.ts';
import { openSqliteStore } from '../sqlite/sqlite-store.ts';
import type { Store } from '../store.ts';
import { openPostgresStore } from './postgres-store.ts';

/** A small deterministic generator (a linear congruential one): the same seed, the same runs. */
function seededRandom(seed: number): (below: number) => number {
  let state = seed >>> 0;
  return (below) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % below;
  };
}

const places = Array.from({ length: 10 }, (_, index) => ({ ip: `192.0.2.${index + 1}`, port: index % 3 === 0 ? 2323 : 23, protocol: 'telnet' }));

/** Run `index` of the sequence: a batch drawn with repeats, found and covered overlapping. */
function batch(random: (below: number) => number, index: number): FindingsReconciliation {
  const at = `2025-01-${String(index + 1).padStart(2, '0')}T00:00:00.000Z`;
  const found: Finding[] = Array.from({ length: random(6) }, () => {
    const place = places[random(places.length)]!;
    return { kind: 'weak-credential', ...place, dictionaryEntryId: `entry-${random(3)}`, evidence: { try: random(100) }, observedAt: at };
  });
  const covered: CoveredCheck[] = Array.from({ length: random(9) }, () => ({ kind: 'weak-credential', ...places[random(places.length)]! }));
  return { found, covered, closeAfterMisses: 1 + random(3), closedAt: at };
}

async function replay(store: Store, seed: number): Promise<unknown> {
  const random = seededRandom(seed);
  const counts = [];
  for (let index = 0; index < 14; index++) {
    const runId = await store.startRun({
      startedAt: `2025-01-${String(index + 1).padStart(2, '0')}T00:00:00.000Z`,
      scope: [],
      exclude: [],
      ports: [],
      checks: [],
    });
    counts.push(await store.reconcileFindings(runId, batch(random, index)));
  }
  return { counts, findings: await store.listFindings(), events: await store.listFindingEvents() };
}

describe('PostgreSQL reconciliation against SQLite’s', { timeout: 180_000 }, () => {
  let server: PostgresServer | undefined;
  before(async () => {
    server = await startPostgres();
  });
  after(() => server?.stop());

  for (const seed of [1, 7, 42, 2025]) {
    test(`seed ${seed}: same findings, events and counts`, async () => {
      if (!server) throw new Error('the PostgreSQL server did not start');
      const sqlite = openSqliteStore(':memory:');
      const postgres = await openPostgresStore(await server.createDatabase());
      try {
        const expected = await replay(sqlite, seed);
        const actual = await replay(postgres, seed);
        assert.deepEqual(actual, expected);
        const events = (expected as { events: Array<{ event: string }> }).events.map((event) => event.event);
        for (const kind of ['opened', 'closed', 'reopened', 'missed']) assert.ok(events.includes(kind), `the sequence exercises '${kind}'`);
      } finally {
        await sqlite.close();
        await postgres.close();
      }
    });
  }
});
