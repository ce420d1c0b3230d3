/** The C&C contacts the flow collector keeps, in PostgreSQL, as SQLite's (sqlite/cnc-contacts.ts): columns as arrays, unnested, so the parameter count stays fixed. */
import { type CncContactStore, encodeContactStarts } from '../roles/cnc-contacts.ts';
import { cncContactTables, contactBatchOf, contactQueries } from '../sqlite/cnc-contacts.ts';
import type { PostgresContext } from './database.ts';

const queries = contactQueries((index) => `$${index}`);
const sliceSize = 1000;

/** @example await postgresCncContactStore(context).addCncContacts(recorder.drain()) */
export function postgresCncContactStore({ use, transaction }: PostgresContext): CncContactStore {
  return {
    addCncContacts: (batch) =>
      transaction('addCncContacts', async (client) => {
        for (let start = 0; start < batch.botContacts.length; start += sliceSize) {
          const slice = batch.botContacts.slice(start, start + sliceSize);
          await client.query(
            `INSERT INTO cnc_bot_contacts (hour_ms, bot_address, destination_address, destination_port, protocol, flows, packets, bytes, first_ms, last_ms, contact_starts)
             SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[], $5::int[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[], $11::text[])`,
            [
              slice.map((row) => row.hourMs),
              slice.map((row) => row.botAddress),
              slice.map((row) => row.destinationAddress),
              slice.map((row) => row.destinationPort),
              slice.map((row) => row.protocol),
              slice.map((row) => row.flows),
              slice.map((row) => row.packets),
              slice.map((row) => row.bytes),
              slice.map((row) => row.firstMs),
              slice.map((row) => row.lastMs),
              slice.map((row) => encodeContactStarts(row.hourMs, row.contactStartsMs)),
            ],
          );
        }
        for (let start = 0; start < batch.endpointOtherSources.length; start += sliceSize) {
          const slice = batch.endpointOtherSources.slice(start, start + sliceSize);
          await client.query(
            `INSERT INTO cnc_endpoint_other_sources (hour_ms, destination_address, destination_port, protocol, other_sources_sketch, first_ms, last_ms)
             SELECT * FROM unnest($1::bigint[], $2::text[], $3::int[], $4::int[], $5::text[], $6::bigint[], $7::bigint[])`,
            [
              slice.map((row) => row.hourMs),
              slice.map((row) => row.destinationAddress),
              slice.map((row) => row.destinationPort),
              slice.map((row) => row.protocol),
              slice.map((row) => row.otherSourcesSketch),
              slice.map((row) => row.firstMs),
              slice.map((row) => row.lastMs),
            ],
          );
        }
        if (batch.population.length > 0)
          await client.query('INSERT INTO cnc_population (hour_ms, other_sources_sketch) SELECT * FROM unnest($1::bigint[], $2::text[])', [
            batch.population.map((row) => row.hourMs),
            batch.population.map((row) => row.otherSourcesSketch),
          ]);
      }),

    pruneCncContacts: (beforeHourMs) =>
      transaction('pruneCncContacts', async (client) => {
        let removed = 0;
        for (const table of cncContactTables) removed += (await client.query(`DELETE FROM ${table} WHERE hour_ms < $1`, [beforeHourMs])).rowCount ?? 0;
        return removed;
      }),

    listCncContacts: ({ sinceHourMs }) =>
      use('listCncContacts', async (db) => {
        const contacts = await db.query(queries.contacts, [sinceHourMs]);
        const others = await db.query(queries.others, [sinceHourMs]);
        const population = await db.query(queries.population, [sinceHourMs]);
        return contactBatchOf(contacts.rows, others.rows, population.rows);
      }),
  };
}
