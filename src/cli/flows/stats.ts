/** `opennotice flows stats`: the stored hourly aggregates, newest hour first. */
import { HOUR_MS } from '../../flows/flow-aggregates.ts';
import { openStore } from '../../store/open-store.ts';
import type { CommandIo } from '../command.ts';
import { renderAggregates } from './render.ts';

export interface StatsRequest {
  location: string;
  /** Only the last this many hours. */
  hours: number;
  limit: number;
  json: boolean;
}

export async function runStats(request: StatsRequest, io: CommandIo): Promise<number> {
  const store = await openStore(request.location);
  try {
    const nowHour = Date.now() - (Date.now() % HOUR_MS);
    const rows = await store.listFlowAggregates({ sinceHourMs: nowHour - (request.hours - 1) * HOUR_MS, limit: request.limit });
    io.stdout.write(request.json ? `${JSON.stringify(rows, null, 2)}\n` : renderAggregates(rows));
    return 0;
  } finally {
    await store.close();
  }
}
