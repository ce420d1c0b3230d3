/** The end of `flows collect` and `flows import`: the aggregates into the store, with the retention's prune. */
import type { FlowAggregate } from '../../flows/flow-aggregates.ts';
import { storeAggregates } from '../../flows/retention.ts';
import { openStore } from '../../store/open-store.ts';
import type { CommandIo } from '../command.ts';
import { renderStored } from './render.ts';

export interface PersistRequest {
  /** --db; undefined with --no-store. */
  location: string | undefined;
  retentionDays: number;
}

export async function persistAggregates(request: PersistRequest, rows: readonly FlowAggregate[], io: CommandIo): Promise<void> {
  if (request.location === undefined) return;
  const store = await openStore(request.location);
  try {
    const result = await storeAggregates(store, rows, Date.now(), request.retentionDays);
    io.stderr.write(renderStored(result, store.location, request.retentionDays));
  } finally {
    await store.close();
  }
}
