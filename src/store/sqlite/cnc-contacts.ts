/** The C&C contacts the flow collector keeps, in SQLite (migration 019): appended per flush, read for a window, pruned by hour. */
import type { CncContactBatch } from '../../cnc/contact-recorder.ts';
import { type CncContactStore, decodeContactStarts, encodeContactStarts } from '../roles/cnc-contacts.ts';
import { inTransaction, type SqliteContext } from './database.ts';
import type { SqlRow } from './rows.ts';

export const cncContactTables = ['cnc_bot_contacts', 'cnc_endpoint_other_sources', 'cnc_population'] as const;

/** A row as either database driver returns it, columns by their SQL names. */
type ColumnValues = { readonly [column: string]: unknown };

/** The batch from the three tables' rows (shared with the PostgreSQL store, whose BIGINTs come back as text). */
export function contactBatchOf(contacts: readonly ColumnValues[], others: readonly ColumnValues[], population: readonly ColumnValues[]): CncContactBatch {
  return {
    botContacts: contacts.map((row) => ({
      hourMs: Number(row.hour_ms),
      botAddress: String(row.bot_address),
      destinationAddress: String(row.destination_address),
      destinationPort: Number(row.destination_port),
      protocol: Number(row.protocol),
      flows: Number(row.flows),
      packets: Number(row.packets),
      bytes: Number(row.bytes),
      firstMs: Number(row.first_ms),
      lastMs: Number(row.last_ms),
      contactStartsMs: decodeContactStarts(Number(row.hour_ms), String(row.contact_starts)),
    })),
    endpointOtherSources: others.map((row) => ({
      hourMs: Number(row.hour_ms),
      destinationAddress: String(row.destination_address),
      destinationPort: Number(row.destination_port),
      protocol: Number(row.protocol),
      otherSourcesSketch: String(row.other_sources_sketch),
      firstMs: Number(row.first_ms),
      lastMs: Number(row.last_ms),
    })),
    population: population.map((row) => ({ hourMs: Number(row.hour_ms), otherSourcesSketch: String(row.other_sources_sketch) })),
  };
}

/** The window's queries, in both dialects' placeholders. */
export const contactQueries = (placeholder: (index: number) => string) => ({
  contacts: `SELECT hour_ms, bot_address, destination_address, destination_port, protocol, flows, packets, bytes, first_ms, last_ms, contact_starts
    FROM cnc_bot_contacts WHERE hour_ms >= ${placeholder(1)} ORDER BY hour_ms, bot_address, destination_address, destination_port, protocol, first_ms`,
  others: `SELECT hour_ms, destination_address, destination_port, protocol, other_sources_sketch, first_ms, last_ms FROM cnc_endpoint_other_sources s
    WHERE hour_ms >= ${placeholder(1)} AND EXISTS (SELECT 1 FROM cnc_bot_contacts b WHERE b.destination_address = s.destination_address
      AND b.destination_port = s.destination_port AND b.protocol = s.protocol AND b.hour_ms >= ${placeholder(1)})
    ORDER BY hour_ms, destination_address, destination_port, protocol, first_ms`,
  population: `SELECT hour_ms, other_sources_sketch FROM cnc_population WHERE hour_ms >= ${placeholder(1)} ORDER BY hour_ms`,
});

const queries = contactQueries(() => '?');

/** @example await sqliteCncContactStore(context).addCncContacts(recorder.drain()) */
export function sqliteCncContactStore({ db, use }: SqliteContext): CncContactStore {
  return {
    addCncContacts: (batch) =>
      use('addCncContacts', () => {
        const contact = db.prepare(`INSERT INTO cnc_bot_contacts (hour_ms, bot_address, destination_address, destination_port, protocol,
            flows, packets, bytes, first_ms, last_ms, contact_starts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
        const others = db.prepare(`INSERT INTO cnc_endpoint_other_sources (hour_ms, destination_address, destination_port, protocol,
            other_sources_sketch, first_ms, last_ms) VALUES (?, ?, ?, ?, ?, ?, ?)`);
        const population = db.prepare('INSERT INTO cnc_population (hour_ms, other_sources_sketch) VALUES (?, ?)');
        inTransaction(db, () => {
          for (const row of batch.botContacts)
            contact.run(
              row.hourMs,
              row.botAddress,
              row.destinationAddress,
              row.destinationPort,
              row.protocol,
              row.flows,
              row.packets,
              row.bytes,
              row.firstMs,
              row.lastMs,
              encodeContactStarts(row.hourMs, row.contactStartsMs),
            );
          for (const row of batch.endpointOtherSources)
            others.run(row.hourMs, row.destinationAddress, row.destinationPort, row.protocol, row.otherSourcesSketch, row.firstMs, row.lastMs);
          for (const row of batch.population) population.run(row.hourMs, row.otherSourcesSketch);
        });
      }),

    pruneCncContacts: (beforeHourMs) =>
      use('pruneCncContacts', () =>
        inTransaction(db, () =>
          cncContactTables.reduce((sum, table) => sum + Number(db.prepare(`DELETE FROM ${table} WHERE hour_ms < ?`).run(beforeHourMs).changes), 0),
        ),
      ),

    listCncContacts: ({ sinceHourMs }) =>
      use('listCncContacts', () => {
        const contacts = db.prepare(queries.contacts).all(sinceHourMs) as SqlRow[];
        const others = db.prepare(queries.others).all(sinceHourMs, sinceHourMs) as SqlRow[];
        const population = db.prepare(queries.population).all(sinceHourMs) as SqlRow[];
        return contactBatchOf(contacts, others, population);
      }),
  };
}
