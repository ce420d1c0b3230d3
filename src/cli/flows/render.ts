/** Text output of the flows commands: the aggregates table and the counters line. */
import type { DecodeCounters } from '../../flows/decode-counters.ts';
import { malformedReasons, totalMalformed } from '../../flows/decode-counters.ts';
import type { FlowAggregate } from '../../flows/flow-aggregates.ts';
import type { StoredAggregates } from '../../flows/retention.ts';

/** At most this many aggregate rows are printed; --json gives them all. */
const TABLE_ROWS = 50;

export function renderAggregates(rows: readonly FlowAggregate[]): string {
  const lines = ['hour (UTC)        source network      destination                     port  proto   flows   packets       bytes'];
  for (const row of rows.slice(0, TABLE_ROWS)) {
    lines.push(
      [
        new Date(row.hourMs).toISOString().slice(0, 13).replace('T', ' '),
        row.sourceNetwork.padEnd(19),
        row.destinationAddress.padEnd(30),
        String(row.destinationPort).padStart(5),
        String(row.protocol).padStart(6),
        String(row.flows).padStart(7),
        String(row.packets).padStart(9),
        String(row.bytes).padStart(11),
      ].join('  '),
    );
  }
  if (rows.length > TABLE_ROWS) lines.push(`… ${rows.length - TABLE_ROWS} more (--json for all)`);
  return `${lines.join('\n')}\n`;
}

export function renderDecodeCounters(counters: DecodeCounters): string {
  const malformed = malformedReasons.filter((reason) => counters.malformed[reason] > 0).map((reason) => `${reason} ${counters.malformed[reason]}`);
  return `${counters.datagrams} datagrams, ${counters.records} flow records, ${counters.templates} templates learnt, ${counters.optionsSkipped} options sets skipped, ${totalMalformed(counters)} malformed${malformed.length > 0 ? ` (${malformed.join(', ')})` : ''}\n`;
}

export function renderStored(result: StoredAggregates, location: string, retentionDays: number): string {
  const tooOld = result.tooOld > 0 ? `, ${result.tooOld} older than the ${retentionDays}-day retention not stored` : '';
  return `${result.stored} aggregate rows stored in ${location}${tooOld}; ${result.pruned} rows past the retention pruned\n`;
}
